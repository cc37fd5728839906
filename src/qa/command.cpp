// `muxd qa` and `muxd qa-client`: the Q&A bot's command lines.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <memory>
#include <system_error>

#include "cli/commands.h"
#include "core/worker_pool.h"
#include "qa/qa_client.h"
#include "qa/qa_server.h"

namespace muxd {
namespace {

struct QaFlags {
  std::string listen = "127.0.0.1:8888";  // the course's port (004 §1.3.5); chat and dict have it for UDP
  std::string answers, default_answer{qa::kCourseDefaultAnswer};
  size_t workers = WorkerPool::default_count();
  size_t max_connections = 10'000, max_per_ip = 32, max_question_bytes = 4096;
  double pause = 0.2, idle_timeout = 60, shutdown_timeout = 10;
};

// The table, or an exit status: a bad file is a wrong command line (2), one
// that exists but cannot be read a failure at run time (1), as for --root.
int load_answers(const QaFlags& flags, qa::Answers& answers) {
  try {
    if (!flags.answers.empty()) answers = qa::Answers::load(flags.answers);
  } catch (const qa::AnswersError& error) {
    fmt::print(stderr, "muxd qa: {}\n", error.what());
    return kExitUsage;
  } catch (const std::system_error& error) {
    fmt::print(stderr, "muxd qa: {}\n", error.what());
    int code = error.code().value();
    return code == ENOENT || code == ENOTDIR ? kExitUsage : kExitFailure;
  }
  if (std::string why = qa::Answers::check_answer(flags.default_answer); !why.empty()) {
    fmt::print(stderr, "muxd qa: --default-answer: {}\n", why);
    return kExitUsage;
  }
  answers.set_default_answer(flags.default_answer);
  return 0;
}

int run_qa(const QaFlags& flags) {
  qa::QaConfig config;
  auto listen = parse_listen_flag("qa", flags.listen);
  if (!listen) return kExitUsage;
  config.listen = *listen;
  if (int status = load_answers(flags, config.answers); status != 0) return status;
  config.workers = flags.workers;
  config.max_connections = flags.max_connections;
  config.max_per_ip = flags.max_per_ip;
  config.max_question_bytes = flags.max_question_bytes;
  config.pause = seconds_flag(flags.pause);
  config.idle_timeout = seconds_flag(flags.idle_timeout);
  config.shutdown_timeout = seconds_flag(flags.shutdown_timeout);
  return qa::run_server(config);
}

void register_server(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<QaFlags>();
  CLI::App* qa = app.add_subcommand("qa", "Q&A bot (TCP): answers each question from a keyword table");
  qa->add_option("--listen", flags->listen, "Address to listen on: HOST:PORT or [V6]:PORT, port 0 picks one")
      ->capture_default_str();
  qa->add_option("--answers", flags->answers,
                 "File of keyword<TAB>answer lines (default: the course's four); the longest keyword in a "
                 "question wins");
  qa->add_option("--default-answer", flags->default_answer, "Said when no keyword is in the question")
      ->capture_default_str();
  qa->add_option("--workers", flags->workers, "Worker threads, one epoll loop each (default: online CPUs)")
      ->check(count_check(1, 256));
  qa->add_option("--max-connections", flags->max_connections,
                 "Connections per worker; more are closed at once (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  qa->add_option("--max-per-ip", flags->max_per_ip,
                 "Connections at once from one IP address; more are closed at once (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  qa->add_option("--max-question-bytes", flags->max_question_bytes,
                 "Longest question, line end included; a longer one closes the connection")
      ->capture_default_str()->check(count_check(1, 1 << 20));
  qa->add_option("--pause", flags->pause, "Seconds of silence that end a question sent without a newline")
      ->capture_default_str()->check(seconds_check());
  qa->add_option("--idle-timeout", flags->idle_timeout, "Seconds a connection may move no byte either way")
      ->capture_default_str()->check(seconds_check());
  qa->add_option("--shutdown-timeout", flags->shutdown_timeout,
                 "Seconds to let answers in flight go out after SIGINT/SIGTERM")
      ->capture_default_str()->check(seconds_check(0));
  qa->callback([flags, &run] { run = [flags] { return run_qa(*flags); }; });
}

void register_client(CLI::App& app, CommandRun& run) {
  auto config = std::make_shared<qa::ClientConfig>();
  auto timeout = std::make_shared<double>(10);
  CLI::App* client = app.add_subcommand(
      "qa-client", "The Q&A bot's client: 我： asks, 小美： answers; reads questions from a pipe too");
  client->add_option("server", config->server, "HOST[:PORT] of muxd qa (port 8888 by default)")->required();
  client->add_option("--timeout", *timeout, "Seconds to wait for the connection, and for each answer")
      ->capture_default_str()->check(seconds_check());
  client->callback([config, timeout, &run] {
    run = [config, timeout] {
      config->timeout = seconds_flag(*timeout);
      return qa::run_client(*config);
    };
  });
}

}  // namespace

void register_qa_commands(CLI::App& app, CommandRun& run) {
  register_server(app, run);
  register_client(app, run);
}

}  // namespace muxd
