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
#include "ftp/netrc.h"

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

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// "ls  a b" -> {"ls", "a b"}: the verb and the rest (names may hold spaces).
std::pair<std::string, std::string> split_command(const std::string& line) {
  const std::string text = trim(line);
  const size_t space = text.find_first_of(" \t");
  if (space == std::string::npos) return {text, ""};
  return {text.substr(0, space), trim(text.substr(space + 1))};
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
  Commands(FtpClient& client, const ClientOptions& options, std::istream& in, std::ostream& out, std::ostream& err)
      : client_(client), options_(options), in_(in), out_(out), err_(err) {}

  bool list(const std::string& path);
  bool get(const std::string& remote, std::string local);
  bool put(const std::string& local, std::string remote);
  bool cd(const std::string& path);
  bool pwd();

 private:
  bool download_to(const std::string& remote, const std::string& local);
  bool may_overwrite(const std::string& local);
  bool fail(const std::string& message) {
    err_ << "muxd ftp-client: " << message << std::endl;
    return false;
  }

  FtpClient& client_;
  const ClientOptions& options_;
  std::istream& in_;
  std::ostream& out_;
  std::ostream& err_;
};

bool Commands::cd(const std::string& path) {
  if (path.empty()) return fail("change to which directory?");
  try {
    client_.change_directory(path);
    return pwd();
  } catch (const ConnectionError&) {
    throw;
  } catch (const ClientError& error) {
    return fail("cannot change to " + path + ": " + error.what());
  }
}

bool Commands::pwd() {
  try {
    out_ << "remote directory: " << client_.working_directory() << std::endl;
    return true;
  } catch (const ConnectionError&) {
    throw;
  } catch (const ClientError& error) {
    return fail(std::string("cannot tell the directory: ") + error.what());
  }
}

// An existing local file is replaced only when --yes says so or the user
// answers y on a terminal; piped input is never taken as an answer (it holds
// the next commands), so a script must say --yes.
bool Commands::may_overwrite(const std::string& local) {
  if (!exists(local) || options_.assume_yes) return true;
  if (!options_.interactive) return fail(local + " exists; not overwritten (--yes overwrites)");
  out_ << local << " exists. Overwrite it? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(in_, answer)) return fail(local + " exists; not overwritten");
  answer = trim(answer);
  if (answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" || answer == "Yes") return true;
  out_ << "Not downloaded." << std::endl;
  return false;
}

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
  if (!may_overwrite(local)) return false;
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
  out << "\n1. List files\n2. Download a file\n3. Upload a file\n4. Exit\n"
         "5. Change directory\n6. Show the current directory\n"
         "(or type: ls [PATH], cd PATH, pwd, get REMOTE [LOCAL], put LOCAL [REMOTE], quit)\n\nChoose 1-6: "
      << std::flush;
}

// One line of the menu: a number (asking for what it needs) or a command.
// False: leave.
bool menu_step(Commands& commands, const std::string& line, std::istream& in, std::ostream& out) {
  auto [verb, rest] = split_command(line);
  auto ask = [&](const char* question) -> std::optional<std::string> {
    out << question << std::flush;
    std::string answer;
    if (!std::getline(in, answer)) return std::nullopt;
    return trim(answer);
  };
  if (verb == "4" || verb == "quit" || verb == "exit" || verb == "bye") return false;
  if (verb == "1" || verb == "ls" || verb == "dir") {
    commands.list(rest);
  } else if (verb == "2" || verb == "3" || verb == "5") {
    const char* question = verb == "2" ? "File to download: " : verb == "3" ? "Local file to upload: " : "Directory: ";
    auto name = ask(question);
    if (!name) return false;
    if (name->empty()) out << "No name given." << std::endl;
    else if (verb == "2") commands.get(*name, "");
    else if (verb == "3") commands.put(*name, "");
    else commands.cd(*name);
  } else if (verb == "6" || verb == "pwd") {
    commands.pwd();
  } else if (verb == "cd") {
    commands.cd(rest);
  } else if (verb == "get" || verb == "put") {
    // "get REMOTE [LOCAL]", "put LOCAL [REMOTE]": a name with spaces goes through 2 or 3.
    auto [first, second] = split_command(rest);
    if (first.empty() || second.find_first_of(" \t") != std::string::npos) {
      out << "Use: get REMOTE [LOCAL] or put LOCAL [REMOTE] (2 and 3 take names with spaces)." << std::endl;
    } else if (verb == "get") {
      commands.get(first, second);
    } else {
      commands.put(first, second);
    }
  } else if (!verb.empty()) {
    out << "Please choose 1-6, or type ls, cd, pwd, get, put or quit." << std::endl;
  }
  return true;
}

// The course's menu, grown by cd and pwd. EOF on stdin counts as "4".
int run_menu(Commands& commands, std::istream& in, std::ostream& out) {
  std::string line;
  for (;;) {
    show_menu(out);
    if (!std::getline(in, line) || !menu_step(commands, line, in, out)) return 0;
  }
}

int run_one_shot(Commands& commands, const std::vector<std::string>& words, std::ostream& err) {
  const std::string& verb = words[0];
  size_t args = words.size() - 1;
  auto arg = [&](size_t i) { return i < words.size() ? words[i] : std::string(); };
  if (verb == "ls" && args <= 1) return commands.list(arg(1)) ? 0 : 1;
  if (verb == "pwd" && args == 0) return commands.pwd() ? 0 : 1;
  if (verb == "get" && args >= 1 && args <= 2) return commands.get(arg(1), arg(2)) ? 0 : 1;
  if (verb == "put" && args >= 1 && args <= 2) return commands.put(arg(1), arg(2)) ? 0 : 1;
  err << "muxd ftp-client: unknown command; use: ls [PATH] | pwd | get REMOTE [LOCAL] | put LOCAL [REMOTE]" << std::endl;
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

std::optional<Login> resolve_login(const ClientOptions& options, const AskPassword& ask, std::string* error) {
  Login login{options.user, options.password.value_or("")};
  if (options.password) {
    if (login.user.empty()) login.user = "anonymous";
    return login;
  }
  std::string netrc_error;
  auto entry = netrc_entry_for(options.netrc_path, options.host, options.user, &netrc_error);
  if (!netrc_error.empty()) {
    *error = netrc_error;
    return std::nullopt;
  }
  if (entry && login.user.empty()) login.user = entry->login;
  if (login.user.empty()) login.user = "anonymous";
  if (entry && entry->password) {
    login.password = *entry->password;
    return login;
  }
  if (login.user == "anonymous" || login.user == "ftp") {
    login.password = kAnonymousPassword;
    return login;
  }
  std::optional<std::string> typed;
  if (ask) typed = ask("Password for " + login.user + "@" + options.host + ": ");
  if (!typed) {
    *error = "no password for " + login.user + ": give --password, a ~/.netrc entry, or run on a terminal";
    return std::nullopt;
  }
  login.password = std::move(*typed);
  return login;
}

int run_client(const ClientOptions& options, std::istream& in, std::ostream& out, std::ostream& err,
               const AskPassword& ask) {
  std::string login_error;
  const auto login = resolve_login(options, ask, &login_error);
  if (!login) {
    err << "muxd ftp-client: " << login_error << std::endl;
    return 2;
  }
  FtpClient client;
  Commands commands(client, options, in, out, err);
  try {
    client.connect(options.host, options.port);
    client.login(login->user, login->password);
    int status = options.command.empty() ? run_menu(commands, in, out) : run_one_shot(commands, options.command, err);
    client.quit();
    return status;
  } catch (const ClientError& error) {
    err << "muxd ftp-client: " << error.what() << std::endl;
    return 1;
  }
}

}  // namespace muxd::ftp
