// Session: the commands that move data over a data connection, and the end
// of a transfer.
#include <fcntl.h>

#include <cstring>

#include <fmt/format.h>

#include "ftp/session.h"
#include "ftp/virtual_path.h"

namespace muxd::ftp {
namespace {

bool is_option_word(std::string_view word) {
  if (word.size() < 2 || word[0] != '-') return false;
  for (char c : word.substr(1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

// Clients send `ls` options along ("LIST -la dir"); they are ignored, as
// vsftpd does.
std::string_view strip_list_options(std::string_view argument) {
  while (true) {
    size_t space = argument.find(' ');
    if (!is_option_word(argument.substr(0, space))) return argument;
    argument.remove_prefix(space == std::string_view::npos ? argument.size() : space + 1);
  }
}

}  // namespace

bool Session::ready_for_transfer() {
  if (data_setup_ != DataSetup::none) return true;
  reply(425, "Use PORT, PASV, EPRT or EPSV first.");
  return false;
}

void Session::begin_transfer(std::string kind, std::string preliminary,
                             std::variant<SendFile, ReceiveFile, SendListing> payload,
                             std::optional<Upload> upload, std::string path) {
  StartTransfer start;
  if (data_setup_ == DataSetup::active) start.connect_to = active_target_;
  start.payload = std::move(payload);
  data_setup_ = DataSetup::none;  // each transfer sets up its own (RFC 959 §3.2)
  transfer_ = Transfer{std::move(kind), 0, std::move(upload), std::move(path), config_.steady_clock()};
  reply(150, preliminary);
  act(std::move(start));
}

void Session::cmd_retr(const std::string& argument) {
  uint64_t offset = std::exchange(restart_offset_, 0);
  if (!ready_for_transfer()) return;
  auto path = resolve(argument);
  if (!path) return;
  int error = 0;
  UniqueFd file = root_.open(*path, O_RDONLY | O_NONBLOCK, &error);
  struct stat st;
  if (file && ::fstat(file.get(), &st) != 0) error = errno;
  if (error != 0) return reply_errno(error);
  if (!S_ISREG(st.st_mode)) return reply(550, "Not a regular file.");
  auto size = static_cast<uint64_t>(st.st_size);
  if (offset > size) return reply(554, fmt::format("Restart offset {} is beyond the end of the file.", offset));
  std::string text = fmt::format("Opening {} mode data connection for {} ({} bytes).",
                                 binary_ ? "BINARY" : "ASCII", base_name(*path), size);
  begin_transfer("RETR", text, SendFile{std::move(file), offset, size - offset}, std::nullopt, *path);
}

void Session::cmd_stor(const std::string& argument) { store(argument, false); }

void Session::cmd_appe(const std::string& argument) { store(argument, true); }

void Session::store(const std::string& argument, bool append) {
  uint64_t offset = std::exchange(restart_offset_, 0);
  if (!ready_for_transfer()) return;
  auto path = resolve(argument);
  if (!path) return;
  bool in_place = false;
  auto upload = open_upload(*path, append, offset, &in_place);
  if (!upload) return;
  int fd = upload->fd();
  begin_transfer(append ? "APPE" : "STOR", "Ok to send data.", ReceiveFile{fd, !in_place}, std::move(upload),
                 *path);
}

// A new file, or a whole-file replacement, is written to a temporary file
// and renamed into place at the end; an append or a resumed upload (REST)
// writes the existing file in place.
std::optional<Upload> Session::open_upload(const std::string& path, bool append, uint64_t offset,
                                           bool* in_place) {
  struct stat st;
  int error = root_.stat(path, &st);
  if (!upload_allowed(error, st, append, offset)) return std::nullopt;
  *in_place = error == 0 && (append || offset > 0);
  Upload upload = *in_place ? root_.open_in_place(path, append, offset, &error)
                           : root_.create_upload(path, may(Write::overwrite), &error);
  if (upload.valid()) return upload;
  if (error == EINVAL) reply(554, "Restart offset is beyond the end of the file.");
  else reply_errno(error);
  return std::nullopt;
}

bool Session::upload_allowed(int stat_error, const struct stat& st, bool append, uint64_t offset) {
  bool exists = stat_error == 0;
  if (!exists && stat_error != ENOENT) {
    reply_errno(stat_error);
    return false;
  }
  if (exists && !S_ISREG(st.st_mode)) {
    reply(550, "Not a regular file.");
    return false;
  }
  if (!exists && offset > 0) {
    reply(550, "Cannot resume: no such file.");
    return false;
  }
  Write needed = !exists ? Write::create_file : append ? Write::append : Write::overwrite;
  if (may(needed)) return true;
  refuse_write(needed);
  return false;
}

void Session::cmd_list(const std::string& argument) {
  send_listing(std::string(strip_list_options(argument)), ListingFormat::list);
}

void Session::cmd_nlst(const std::string& argument) {
  send_listing(std::string(strip_list_options(argument)), ListingFormat::names);
}

void Session::cmd_mlsd(const std::string& argument) { send_listing(argument, ListingFormat::facts); }

ListingOptions Session::listing_options(ListingFormat format) const {
  return ListingOptions{format, facts_, access(), config_.clock(), config_.allow_dotfiles};
}

void Session::send_listing(const std::string& argument, ListingFormat format) {
  restart_offset_ = 0;
  if (!ready_for_transfer()) return;
  auto path = resolve(argument);
  if (!path) return;
  auto st = stat_or_reply(*path);
  if (!st) return;
  std::unique_ptr<ListingStream> listing;
  if (S_ISDIR(st->st_mode)) {
    int error = 0;
    UniqueFd dir = root_.open_directory(*path, &error);
    if (!dir) return reply_errno(error);
    listing = list_directory(root_, *path, std::move(dir), listing_options(format));
  } else if (format == ListingFormat::facts) {
    return reply(501, "MLSD lists directories; use MLST for a file.");  // RFC 3659 §7.2.1
  } else {
    listing = list_single(std::string(base_name(*path)), *st, listing_options(format));
  }
  std::string kind = format == ListingFormat::list ? "LIST" : format == ListingFormat::names ? "NLST" : "MLSD";
  begin_transfer(kind, "Here comes the directory listing.", SendListing{std::move(listing)});
}

void Session::on_transfer_progress(uint64_t bytes_so_far) {
  if (transfer_) transfer_->bytes = bytes_so_far;
}

void Session::on_transfer_finished(TransferResult result, int error) {
  if (!transfer_) return;  // aborted meanwhile
  Transfer transfer = std::move(*transfer_);
  transfer_.reset();
  bool complete = result == TransferResult::complete;
  if (complete && transfer.upload) {
    complete = finish_upload(transfer);
  } else {
    reply_transfer_result(result, error);
  }
  log_transfer(transfer, complete);
  transfer.upload.reset();  // an unfinished upload is discarded here
  if (quit_after_transfer_) {
    reply(221, "Goodbye.");
    return close_control();
  }
  run_queued();
}

void Session::reply_transfer_result(TransferResult result, int error) {
  switch (result) {
    case TransferResult::complete: return reply(226, "Transfer complete.");
    case TransferResult::connect_failed: return reply(425, "Cannot open data connection.");
    case TransferResult::connection_lost: return reply(426, "Connection closed; transfer aborted.");
    case TransferResult::timed_out: return reply(426, "Data connection timed out; transfer aborted.");
    case TransferResult::local_error: break;
  }
  if (error == ENOSPC || error == EDQUOT) return reply(452, "Insufficient storage space.");
  reply(451, fmt::format("Local error: {}; transfer aborted.", std::strerror(error)));
}

bool Session::finish_upload(Transfer& transfer) {
  int error = transfer.upload->commit();
  if (error == 0) {
    reply(226, "Transfer complete.");
    return true;
  }
  reply_errno(error);
  return false;
}

}  // namespace muxd::ftp
