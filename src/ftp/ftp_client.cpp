#include "ftp/ftp_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/socket.h"
#include "ftp/data_address.h"

namespace muxd::ftp {
namespace {

constexpr size_t kChunk = 256 * 1024;

void set_timeouts(int fd) {
  timeval timeout{FtpClient::kTimeoutSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

// A blocking socket connected to `address`, or invalid (errno set).
UniqueFd connect_blocking(const sockaddr* address, socklen_t length) {
  UniqueFd fd(::socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  set_timeouts(fd.get());
  if (::connect(fd.get(), address, length) != 0) {
    int error = errno;
    fd.reset();
    errno = error;
  }
  return fd;
}

std::string describe_errno(int error) {
  return error == EAGAIN || error == EWOULDBLOCK ? "timed out" : std::strerror(error);
}

void send_all(int fd, const char* data, size_t size, const char* what) {
  while (size > 0) {
    ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) throw ConnectionError(fmt::format("{}: {}", what, describe_errno(errno)));
    data += sent;
    size -= static_cast<size_t>(sent);
  }
}

}  // namespace

void FtpClient::connect(const std::string& host, uint16_t port) {
  server_name_ = host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                                     : fmt::format("{}:{}", host, port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int status = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (status != 0) throw ConnectionError(fmt::format("{}: {}", host, ::gai_strerror(status)));
  int error = 0;
  for (addrinfo* entry = found; entry && !control_; entry = entry->ai_next) {
    control_ = connect_blocking(entry->ai_addr, entry->ai_addrlen);
    error = errno;
  }
  ::freeaddrinfo(found);
  if (!control_) throw ConnectionError(fmt::format("cannot connect to {}: {}", server_name_, describe_errno(error)));
  peer_ = peer_address(control_.get());
  FtpReply greeting = read_reply();
  while (greeting.preliminary()) greeting = read_reply();  // "120 ready in 5 minutes"
  if (greeting.code != 220) throw ConnectionError(fmt::format("{} refused us: {}", server_name_, greeting.to_string()));
}

void FtpClient::login(const std::string& user, const std::string& password) {
  check_argument(user);
  check_argument(password);
  FtpReply reply = command("USER " + user);
  if (reply.code == 331) reply = command("PASS " + password);
  if (reply.code == 332) throw ClientError("login failed: the server wants an account (ACCT), which is not supported");
  if (!reply.positive()) throw ClientError("login failed: " + reply.to_string());
  reply = command("TYPE I");
  if (!reply.positive()) throw ClientError("the server refuses binary mode: " + reply.to_string());
}

void FtpClient::quit() {
  if (!control_) return;
  try {
    command("QUIT");
  } catch (const ClientError&) {
  }
  control_.reset();
}

void FtpClient::list(const std::string& path, const Sink& sink) {
  check_argument(path);
  UniqueFd data = start_transfer(path.empty() ? "LIST" : "LIST " + path);
  if (data) receive(std::move(data), sink, nullptr);
}

void FtpClient::change_directory(const std::string& path) {
  check_argument(path);
  FtpReply reply = command("CWD " + path);
  if (!reply.positive()) throw ClientError(reply.to_string());
}

std::string FtpClient::working_directory() {
  FtpReply reply = command("PWD");
  if (reply.code != 257) throw ClientError(reply.to_string());
  auto path = parse_pwd_reply(reply.text);
  if (!path) throw ClientError("cannot read the directory in: " + reply.to_string());
  return *path;
}

std::optional<std::string> FtpClient::parse_pwd_reply(const std::string& text) {
  size_t at = text.find('"');
  if (at == std::string::npos) return std::nullopt;
  std::string path;
  for (++at; at < text.size(); ++at) {
    if (text[at] != '"') {
      path += text[at];
    } else if (at + 1 < text.size() && text[at + 1] == '"') {
      path += '"';
      ++at;
    } else {
      return path;
    }
  }
  return std::nullopt;  // no closing quote
}

std::optional<uint64_t> FtpClient::size(const std::string& remote) {
  check_argument(remote);
  FtpReply reply = command("SIZE " + remote);
  if (reply.code != 213) return std::nullopt;
  try {
    return std::stoull(reply.text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void FtpClient::download(const std::string& remote, const Sink& sink, const Progress& progress) {
  check_argument(remote);
  UniqueFd data = start_transfer("RETR " + remote);
  if (data) receive(std::move(data), sink, progress);
}

void FtpClient::upload(int local_fd, const std::string& remote, const Progress& progress) {
  check_argument(remote);
  UniqueFd data = start_transfer("STOR " + remote);
  if (!data) return;
  std::string buffer(kChunk, '\0');
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(local_fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ClientError(fmt::format("reading the local file: {}", std::strerror(errno)));
    if (n == 0) break;
    send_all(data.get(), buffer.data(), static_cast<size_t>(n), "sending data");
    total += static_cast<uint64_t>(n);
    if (progress) progress(total);
  }
  data.reset();  // stream mode: the end of the connection is the end of the file
  finish_transfer();
}

UniqueFd FtpClient::start_transfer(const std::string& line) {
  UniqueFd data = open_data_connection();
  FtpReply reply = command(line);
  if (reply.positive()) return UniqueFd();  // done already: nothing was sent
  if (!reply.preliminary()) throw ClientError(reply.to_string());
  return data;
}

void FtpClient::receive(UniqueFd data, const Sink& sink, const Progress& progress) {
  std::string buffer(kChunk, '\0');
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::recv(data.get(), buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ConnectionError(fmt::format("receiving data: {}", describe_errno(errno)));
    if (n == 0) break;
    sink(buffer.data(), static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
    if (progress) progress(total);
  }
  data.reset();
  finish_transfer();
}

void FtpClient::finish_transfer() {
  FtpReply reply = read_reply();
  if (!reply.positive()) throw ClientError("transfer failed: " + reply.to_string());
}

// EPSV first (RFC 2428: works through NAT and over IPv6); PASV when the
// server does not know EPSV. Either way the data connection goes to the
// control connection's peer: a PASV reply's address is ignored, so a server
// behind NAT or a hostile one cannot point it elsewhere.
UniqueFd FtpClient::open_data_connection() {
  std::optional<uint16_t> port;
  if (!epsv_failed_) {
    FtpReply reply = command("EPSV");
    if (reply.code == 229) port = parse_epsv_reply(reply.text);
    if (!port) epsv_failed_ = true;
  }
  if (!port) {
    FtpReply reply = command("PASV");
    auto address = reply.code == 227 ? parse_pasv_reply(reply.text) : std::nullopt;
    if (!address) throw ClientError("no passive data connection: " + reply.to_string());
    port = address->port();
  }
  SocketAddress target = peer_.with_port(*port);
  UniqueFd data = connect_blocking(target.get(), target.length());
  if (!data) throw ClientError(fmt::format("cannot open the data connection to {}: {}", target.to_string(),
                                           describe_errno(errno)));
  return data;
}

FtpReply FtpClient::command(const std::string& line) {
  send_line(line);
  return read_reply();
}

void FtpClient::send_line(const std::string& line) {
  if (!control_) throw ConnectionError("not connected");
  std::string wire = line + "\r\n";
  send_all(control_.get(), wire.data(), wire.size(), "sending a command");
}

FtpReply FtpClient::read_reply() {
  for (;;) {
    auto status = replies_.feed(read_line());
    if (status == ReplyReader::Status::complete) return replies_.reply();
    if (status == ReplyReader::Status::malformed) throw ConnectionError(server_name_ + " sent a malformed reply");
  }
}

std::string FtpClient::read_line() {
  for (;;) {
    size_t newline = input_.find('\n');
    if (newline != std::string::npos) {
      std::string line = input_.substr(0, newline);
      input_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (input_.size() > kMaxLine) throw ConnectionError(server_name_ + " sent an endless line");
    char buffer[4096];
    ssize_t n = ::recv(control_.get(), buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ConnectionError(fmt::format("{}: {}", server_name_, describe_errno(errno)));
    if (n == 0) throw ConnectionError(server_name_ + " closed the connection");
    input_.append(buffer, static_cast<size_t>(n));
  }
}

void FtpClient::check_argument(const std::string& argument) {
  if (argument.find_first_of("\r\n") != std::string::npos) {
    throw ClientError("names cannot contain line breaks");
  }
}

}  // namespace muxd::ftp
