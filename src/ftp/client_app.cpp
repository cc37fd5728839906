#include "ftp/client_app.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <istream>
#include <ostream>
#include <utility>

#include "core/progress_bar.h"
#include "ftp/ftp_client.h"

namespace muxd::ftp {
namespace {

std::string base_name_of(const std::string& path) {
  size_t slash = path.find_last_not_of('/');
  if (slash == std::string::npos) return "";
  std::string trimmed = path.substr(0, slash + 1);
  return trimmed.substr(trimmed.rfind('/') == std::string::npos ? 0 : trimmed.rfind('/') + 1);
}

std::string trim(std::string text) {
  size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A download in progress: written to LOCAL.part and renamed onto LOCAL when
// complete, removed otherwise, so a failed download leaves neither a
// truncated file nor a clobbered old one.
class PartialFile {
 public:
  explicit PartialFile(const std::string& local)
      : local_(local), partial_(local + ".part"), fd_(::open(partial_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {}
  ~PartialFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(partial_.c_str());
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  bool valid() const { return fd_ >= 0; }
  const std::string& partial_name() const { return partial_; }
  void write(const char* data, size_t size) {
    if (::write(fd_, data, size) != static_cast<ssize_t>(size)) {
      throw ClientError("writing " + partial_ + ": " + std::strerror(errno));
    }
  }
  bool commit() {
    int fd = std::exchange(fd_, -1);
    committed_ = ::close(fd) == 0 && ::rename(partial_.c_str(), local_.c_str()) == 0;
    return committed_;
  }

 private:
  std::string local_;
  std::string partial_;
  int fd_;
  bool committed_ = false;
};

class Commands {
 public:
  Commands(FtpClient& client, std::ostream& out, std::ostream& err) : client_(client), out_(out), err_(err) {}

  bool list(const std::string& path);
  bool get(const std::string& remote, std::string local);
  bool put(const std::string& local, std::string remote);

 private:
  bool download_to(const std::string& remote, const std::string& local);
  bool fail(const std::string& message) {
    err_ << "muxd ftp-client: " << message << std::endl;
    return false;
  }

  FtpClient& client_;
  std::ostream& out_;
  std::ostream& err_;
};

bool Commands::list(const std::string& path) {
  try {
    client_.list(path, [this](const char* data, size_t size) { out_.write(data, static_cast<std::streamsize>(size)); });
    out_.flush();
    return true;
  } catch (const ConnectionError&) {
    throw;
  } catch (const ClientError& error) {
    return fail(std::string("cannot list: ") + error.what());
  }
}

bool Commands::get(const std::string& remote, std::string local) {
  std::string name = base_name_of(remote);
  if (name.empty()) return fail("download what? (no file name)");
  if (local.empty()) local = name;
  else if (is_directory(local)) local += "/" + name;
  return download_to(remote, local);
}

bool Commands::download_to(const std::string& remote, const std::string& local) {
  PartialFile file(local);
  if (!file.valid()) return fail("cannot create " + file.partial_name() + ": " + std::strerror(errno));
  try {
    ProgressBar bar(stdout, client_.size(remote).value_or(0));
    client_.download(remote, [&](const char* data, size_t size) { file.write(data, size); },
                     [&](uint64_t done) { bar.update(done); });
  } catch (const ConnectionError&) {
    throw;
  } catch (const ClientError& error) {
    return fail("cannot download " + remote + ": " + error.what());
  }
  if (!file.commit()) return fail("cannot save " + local + ": " + std::strerror(errno));
  out_ << "downloaded " << remote << " to " << local << std::endl;
  return true;
}

bool Commands::put(const std::string& local, std::string remote) {
  int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open " + local + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(local + " is not a regular file");
  }
  if (remote.empty() || remote.back() == '/') remote += base_name_of(local);
  bool ok = true;
  try {
    ProgressBar bar(stdout, static_cast<uint64_t>(st.st_size));
    client_.upload(fd, remote, [&](uint64_t done) { bar.update(done); });
  } catch (const ConnectionError&) {
    ::close(fd);
    throw;
  } catch (const ClientError& error) {
    ok = fail("cannot upload " + local + ": " + error.what());
  }
  ::close(fd);
  if (ok) out_ << "uploaded " << local << " as " << remote << std::endl;
  return ok;
}

void show_menu(std::ostream& out) {
  out << "\n1. List files\n2. Download a file\n3. Upload a file\n4. Exit\n\nChoose 1-4: " << std::flush;
}

// The course's menu. EOF on stdin counts as "4".
int run_menu(Commands& commands, std::istream& in, std::ostream& out) {
  std::string choice;
  for (;;) {
    show_menu(out);
    if (!std::getline(in, choice) || trim(choice) == "4") return 0;
    choice = trim(choice);
    std::string name;
    if (choice == "1") {
      commands.list("");
    } else if (choice == "2" || choice == "3") {
      out << (choice == "2" ? "File to download: " : "Local file to upload: ") << std::flush;
      if (!std::getline(in, name)) return 0;
      if (trim(name).empty()) out << "No file name given." << std::endl;
      else if (choice == "2") commands.get(trim(name), "");
      else commands.put(trim(name), "");
    } else {
      out << "Please choose 1, 2, 3 or 4." << std::endl;
    }
  }
}

int run_one_shot(Commands& commands, const std::vector<std::string>& words, std::ostream& err) {
  const std::string& verb = words[0];
  size_t args = words.size() - 1;
  auto arg = [&](size_t i) { return i < words.size() ? words[i] : std::string(); };
  if (verb == "ls" && args <= 1) return commands.list(arg(1)) ? 0 : 1;
  if (verb == "get" && args >= 1 && args <= 2) return commands.get(arg(1), arg(2)) ? 0 : 1;
  if (verb == "put" && args >= 1 && args <= 2) return commands.put(arg(1), arg(2)) ? 0 : 1;
  err << "muxd ftp-client: unknown command; use: ls [PATH] | get REMOTE [LOCAL] | put LOCAL [REMOTE]" << std::endl;
  return 2;
}

}  // namespace

bool parse_server(const std::string& text, ClientOptions& options, std::string* error) {
  auto refuse = [error](std::string message) {
    *error = std::move(message);
    return false;
  };
  std::string host = text, port;
  size_t colon = text.find(':');
  if (!text.empty() && text[0] == '[') {  // [IPv6] or [IPv6]:PORT
    size_t close = text.find(']');
    if (close == std::string::npos) return refuse("missing ']' in '" + text + "'");
    if (close + 1 < text.size() && text[close + 1] != ':') return refuse("expected [ADDRESS]:PORT");
    host = text.substr(1, close - 1);
    port = close + 1 < text.size() ? text.substr(close + 2) : "";
  } else if (colon != std::string::npos && colon == text.rfind(':')) {  // HOST:PORT (a bare IPv6 has several)
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return refuse("no host in '" + text + "'");
  options.host = host;
  if (port.empty()) return true;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return refuse("bad port '" + port + "'");
  }
  options.port = static_cast<uint16_t>(value);
  return true;
}

int run_client(const ClientOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  FtpClient client;
  Commands commands(client, out, err);
  try {
    client.connect(options.host, options.port);
    client.login(options.user, options.password);
    int status = options.command.empty() ? run_menu(commands, in, out) : run_one_shot(commands, options.command, err);
    client.quit();
    return status;
  } catch (const ClientError& error) {
    err << "muxd ftp-client: " << error.what() << std::endl;
    return 1;
  }
}

}  // namespace muxd::ftp
