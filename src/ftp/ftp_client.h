#pragma once
// FtpClient: a plain blocking FTP client that works with any server: logs in,
// lists, downloads and uploads in binary mode over passive data connections
// (EPSV, falling back to PASV), reading multi-line and 1xx replies as
// RFC 959 §4.2 describes them. Every failure throws ClientError with a
// message meant for the user.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/address.h"
#include "core/unique_fd.h"
#include "ftp/reply_reader.h"

namespace muxd::ftp {

// The server refused something (a reply the user should read); the session
// can go on.
class ClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The control connection is unusable (closed, timed out, garbled).
class ConnectionError : public ClientError {
 public:
  using ClientError::ClientError;
};

class FtpClient {
 public:
  using Progress = std::function<void(uint64_t bytes_so_far)>;
  using Sink = std::function<void(const char* data, size_t size)>;

  // Seconds any single network operation may block.
  static constexpr int kTimeoutSeconds = 60;
  static constexpr size_t kMaxLine = 64 * 1024;

  FtpClient() = default;

  // The directory in a 257 reply's text, quoted with doubled quotes inside
  // (RFC 959 Appendix II): the text  "/a ""b""" is in /  is the directory /a "b".
  static std::optional<std::string> parse_pwd_reply(const std::string& text);

  // `host` is a name or an address; throws if it cannot connect or the
  // server does not greet with 220.
  void connect(const std::string& host, uint16_t port);
  void login(const std::string& user, const std::string& password);
  void quit();  // best effort

  void list(const std::string& path, const Sink& sink);  // LIST, raw bytes
  void change_directory(const std::string& path);        // CWD
  std::string working_directory();                       // PWD
  std::optional<uint64_t> size(const std::string& remote);
  void download(const std::string& remote, const Sink& sink, const Progress& progress);
  void upload(int local_fd, const std::string& remote, const Progress& progress);

 private:
  FtpReply command(const std::string& line);
  FtpReply read_reply();
  std::string read_line();
  void send_line(const std::string& line);
  UniqueFd open_data_connection();
  // Opens a data connection and sends the transfer command; an invalid fd
  // means the server answered 2xx at once (nothing to transfer).
  UniqueFd start_transfer(const std::string& line);
  void receive(UniqueFd data, const Sink& sink, const Progress& progress);
  void finish_transfer();
  static void check_argument(const std::string& argument);

  UniqueFd control_;
  SocketAddress peer_;
  std::string server_name_;  // "host:port", for messages
  std::string input_;        // bytes read but not yet split into lines
  ReplyReader replies_;
  bool epsv_failed_ = false;
};

}  // namespace muxd::ftp
