// `muxd chat` (the UDP group chat room) and `muxd chat-client`.
#include <CLI/CLI.hpp>

#include <fmt/core.h>

#include <chrono>
#include <memory>

#include "chat/chat_client.h"
#include "chat/chat_server.h"
#include "cli/commands.h"

namespace muxd {
namespace {

struct ChatFlags {
  std::string listen = "127.0.0.1:8888";
  chat::RoomLimits limits;
  double keepalive_timeout = 35;
};

int run_chat(const ChatFlags& flags) {
  chat::ServerConfig config;
  auto listen = parse_listen_flag("chat", flags.listen);
  if (!listen) return 2;
  config.listen = *listen;
  config.limits = flags.limits;
  config.limits.keepalive_timeout =
      seconds_flag(flags.keepalive_timeout);
  return chat::run_server(config);
}

void register_server(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<ChatFlags>();
  CLI::App* chat = app.add_subcommand("chat", "UDP group chat room (the course's protocol); stdin lines are announced");
  chat->add_option("--listen", flags->listen, "Address to listen on: HOST:PORT or [V6]:PORT, port 0 picks one")
      ->capture_default_str();
  chat->add_option("--max-members", flags->limits.max_members, "Most members at once; LOGIN beyond gets FAIL")
      ->capture_default_str()->check(count_check(1, 1'000'000));
  chat->add_option("--rate", flags->limits.messages_per_second, "Messages per second a member may send (flood control)")
      ->capture_default_str()->check(positive_check());
  chat->add_option("--burst", flags->limits.message_burst, "Messages a member may send at once before --rate applies")
      ->capture_default_str()->check(number_check(1, 1e6));
  chat->add_option("--login-rate", flags->limits.logins_per_second, "LOGINs per second from non-members, all together")
      ->capture_default_str()->check(positive_check());
  chat->add_option("--login-burst", flags->limits.login_burst, "LOGINs accepted at once before --login-rate applies")
      ->capture_default_str()->check(number_check(1, 1e6));
  chat->add_option("--keepalive-timeout", flags->keepalive_timeout,
                   "Seconds of silence after which a member that sends PINGs is dropped")
      ->capture_default_str()->check(seconds_check());
  chat->callback([flags, &run] { run = [flags] { return run_chat(*flags); }; });
}

struct ClientFlags {
  std::string server;
  std::string name;
  double keepalive = 10;
};

int run_chat_client(const ClientFlags& flags) {
  chat::ClientConfig config;
  std::string error = "bad address";
  bool unresolved = false;
  auto server = chat::resolve_server(flags.server, &error, &unresolved);
  if (!server) {
    fmt::print(stderr, "muxd chat-client: {}: {}\n", flags.server, error);
    return unresolved ? kExitFailure : kExitUsage;  // a name that does not resolve: at run time
  }
  config.server = *server;
  config.name = flags.name;
  config.keepalive_interval = seconds_flag(flags.keepalive);
  return chat::run_client(config);
}

void register_client(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<ClientFlags>();
  CLI::App* client = app.add_subcommand("chat-client", "Client for muxd chat (interactive on a terminal, line-based otherwise)");
  client->add_option("server", flags->server, "The room: HOST[:PORT] (port 8888 by default)")->required();
  client->add_option("--name", flags->name, "Name to enter with (asked for when absent or refused)");
  client->add_option("--keepalive", flags->keepalive, "Seconds between keep-alive PINGs")
      ->capture_default_str()->check(seconds_check());
  client->callback([flags, &run] { run = [flags] { return run_chat_client(*flags); }; });
}

}  // namespace

void register_chat_commands(CLI::App& app, CommandRun& run) {
  register_server(app, run);
  register_client(app, run);
}

}  // namespace muxd
