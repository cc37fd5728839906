// `muxd bench`: the HTTP load generator's command line.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "loadgen/bench_config.h"
#include "loadgen/bench_runner.h"

namespace muxd {
namespace {

struct BenchFlags {
  std::string url;
  size_t connections = 10;
  double duration = 10;
  size_t threads = 2;
  size_t pipeline = 1;
  double rate = 0;
  double timeout = 2;
  bool close = false;
  bool json = false;
  std::vector<std::string> headers;
};

int usage(const std::string& what) {
  fmt::print(stderr, "muxd bench: {}\nRun muxd bench --help for the flags.\n", what);
  return kExitUsage;
}

int run_bench(const BenchFlags& flags) {
  loadgen::BenchConfig config;
  std::string why;
  auto target = loadgen::parse_url(flags.url, &why);
  if (!target) return usage(fmt::format("{}: {}", flags.url, why));
  for (const auto& header : flags.headers)
    if (!loadgen::valid_header(header, &why)) return usage(fmt::format("--header '{}': {}", header, why));
  if (flags.close && flags.pipeline > 1)
    return usage("--close and --pipeline exclude each other (a closing connection carries one request)");
  if (!loadgen::resolve(*target, &why)) {
    fmt::print(stderr, "muxd bench: {}\n", why);
    return kExitFailure;
  }
  config.target = std::move(*target);
  config.connections = flags.connections;
  config.threads = std::min(flags.threads, flags.connections);  // a thread without connections does nothing
  config.duration = seconds_flag(flags.duration);
  config.timeout = seconds_flag(flags.timeout);
  config.pipeline = flags.pipeline;
  config.rate = flags.rate;
  config.close = flags.close;
  config.json = flags.json;
  config.headers = flags.headers;
  return loadgen::run_bench(config);
}

}  // namespace

void register_bench_command(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* bench = app.add_subcommand("bench", "HTTP/1.1 load generator: requests/s, latency percentiles, errors");
  bench->add_option("url", flags->url, "http://HOST[:PORT][/PATH]")->required();
  bench->add_option("-c,--connections", flags->connections, "Connections kept open, spread over the threads")
      ->capture_default_str()->check(count_check(1, 1'000'000));
  bench->add_option("-d,--duration", flags->duration, "Seconds to run")
      ->capture_default_str()->check(seconds_check());
  bench->add_option("-t,--threads", flags->threads, "Threads, one epoll loop each")
      ->capture_default_str()->check(count_check(1, 256));
  bench->add_option("--pipeline", flags->pipeline, "Requests in flight per connection")
      ->capture_default_str()->check(count_check(1, 1024));
  bench->add_option("--rate", flags->rate,
                    "Requests/s over all connections, on a fixed schedule; latency counts from each request's "
                    "intended send time (default: as fast as answers come)")
      ->check(number_check(0.001, 1e8));
  bench->add_option("--timeout", flags->timeout,
                    "Seconds without a byte of an awaited response (or a handshake) before the connection is "
                    "counted as timed out and reopened")
      ->capture_default_str()->check(seconds_check());
  bench->add_option("-H,--header", flags->headers, "'Name: value' added to every request (repeatable)");
  bench->add_flag("--close", flags->close, "Send Connection: close and open a new connection per request");
  bench->add_flag("--json", flags->json, "Print the results as one JSON object");
  bench->callback([flags, &run] { run = [flags] { return run_bench(*flags); }; });
}

}  // namespace muxd
