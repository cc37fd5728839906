#include "c10k/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "c10k/chart.h"

namespace muxd::c10k {
namespace {

// Why each model's curve has its shape: the course's lesson, one paragraph each.
const std::map<std::string, std::string>& explanations() {
  static const std::map<std::string, std::string> text = {
      {"iterative",
       "Serves one connection from accept to close; every other client waits in the listen backlog. With "
       "keep-alive the first client holds the server until it leaves, so above one client the others wait "
       "or time out: the throughput of one client at best, and latency that grows with the queue."},
      {"fork",
       "A process per connection: isolation and simple code, paid with a fork, an exit and a reap per "
       "connection and a process per client. Thousands of processes share one core through the scheduler; "
       "memory and context switches grow with concurrency."},
      {"thread",
       "A thread per connection, blocking IO: cheaper than a process (a small stack, shared memory), but "
       "every client is still a kernel-scheduled thread: at thousands, stacks and context switches take over."},
      {"nonblocking",
       "One thread looping over non-blocking sockets without ever waiting (the course's busy-polling "
       "server): quick at low concurrency, but it burns its core even when idle, and every pass makes a "
       "system call per connection whether it has data or not, so it slows as connections grow."},
      {"select",
       "One thread, one select(2) per turn: the kernel scans every descriptor in the set each time, and an "
       "fd_set cannot hold a descriptor numbered 1,024 or more, so connections beyond that are refused."},
      {"poll",
       "poll(2) lifts select's 1,024 limit, but every call still hands the kernel the whole list and both "
       "scan it: the cost of a wake-up grows with the number of connections, idle or not."},
      {"epoll",
       "The kernel keeps the interest list and returns only the ready sockets: the cost of a wake-up follows "
       "activity, not the number of connections. muxd's default."},
      {"uring",
       "io_uring: requests and completions through rings shared with the kernel, multishot accept and "
       "receive, one system call per batch of work."},
      {"coroutine",
       "One epoll loop and a coroutine per connection (asyncio's and gevent's model): the code reads like the "
       "thread model's blocking loop, and a client costs a coroutine frame instead of a thread."},
  };
  return text;
}

std::string connections(int count) { return fmt::format("{} connection{}", count, count == 1 ? "" : "s"); }

std::string megabytes(uint64_t bytes) { return fmt::format("{:.1f}", static_cast<double>(bytes) / (1 << 20)); }

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return quoted + "\"";
}

std::vector<Row> rows_of(const std::string& model, const std::vector<Row>& rows) {
  std::vector<Row> mine;
  for (const Row& row : rows)
    if (row.model == model) mine.push_back(row);
  std::sort(mine.begin(), mine.end(), [](const Row& a, const Row& b) { return a.concurrency < b.concurrency; });
  return mine;
}

std::vector<std::string> models_in_order(const std::vector<Row>& rows) {
  std::vector<std::string> models;
  for (const Row& row : rows)
    if (std::find(models.begin(), models.end(), row.model) == models.end()) models.push_back(row.model);
  return models;
}

bool degraded(const Row& row) { return row.errors > 0 || !row.note.empty(); }

}  // namespace

std::string model_color(const std::string& model) {
  static const std::map<std::string, std::string> colors = {
      {"iterative", "#7f7f7f"}, {"fork", "#8c564b"}, {"thread", "#e377c2"},
      {"nonblocking", "#bcbd22"}, {"select", "#ff7f0e"}, {"poll", "#d62728"},
      {"epoll", "#1f77b4"}, {"uring", "#2ca02c"}, {"coroutine", "#9467bd"}};
  auto it = colors.find(model);
  return it == colors.end() ? "#17becf" : it->second;
}

std::string results_csv(const std::vector<Row>& rows) {
  std::string csv =
      "model,concurrency,requests,errors,rps,p50_ms,p99_ms,max_ms,server_cpu_us_per_request,server_cpu_share,"
      "peak_rss_mb,peak_threads,peak_processes,note\n";
  for (const Row& r : rows)
    csv += fmt::format("{},{},{},{},{:.1f},{:.3f},{:.3f},{:.3f},{:.2f},{:.2f},{},{},{},{}\n", r.model, r.concurrency,
                       r.requests, r.errors, r.rps, r.p50_ms, r.p99_ms, r.max_ms, r.cpu_us_per_request,
                       r.server_cpu_share, megabytes(r.peak_rss_bytes), r.peak_threads, r.peak_processes,
                       csv_field(r.note));
  return csv;
}

std::string chart_svg(const std::vector<Row>& rows, const LabConfig& config) {
  Panel throughput{"Requests per second", "concurrent connections", "requests/s (log)", {}};
  Panel latency{"p99 latency", "concurrent connections", "milliseconds (log)", {}};
  for (const std::string& model : models_in_order(rows)) {
    Series rps{model, model_color(model), {}}, p99{model, model_color(model), {}};
    for (const Row& row : rows_of(model, rows)) {
      if (row.requests == 0) continue;
      rps.points.push_back({static_cast<double>(row.concurrency), row.rps, degraded(row)});
      p99.points.push_back({static_cast<double>(row.concurrency), row.p99_ms, degraded(row)});
    }
    throughput.series.push_back(std::move(rps));
    latency.series.push_back(std::move(p99));
  }
  std::string note = fmt::format("{} s per run, {}-byte file, keep-alive; hollow points: the run had errors",
                                 config.duration_s, config.body_bytes);
  return render_svg("muxd http --model: the C10K lab", {throughput, latency}, note);
}

std::string reading_of(const std::string& model, const std::vector<Row>& rows) {
  std::vector<Row> mine = rows_of(model, rows);
  if (mine.empty()) return "";
  const Row* best = &mine.front();
  for (const Row& row : mine)
    if (row.rps > best->rps) best = &row;
  const Row& last = mine.back();
  std::string text = fmt::format("Measured: at most {:.0f} requests/s (at {})", best->rps, connections(best->concurrency));
  if (last.requests > 0) {
    text += fmt::format("; at {} {:.0f} requests/s, p99 {:.1f} ms", connections(last.concurrency), last.rps, last.p99_ms);
    if (last.errors > 0) text += fmt::format(", {} errors", last.errors);
    text += fmt::format(", {} MB resident in {} thread{} / {} process{}", megabytes(last.peak_rss_bytes),
                        last.peak_threads, last.peak_threads == 1 ? "" : "s", last.peak_processes,
                        last.peak_processes == 1 ? "" : "es");
    if (last.cpu_us_per_request > 0) text += fmt::format(", {:.1f} µs of server CPU per request", last.cpu_us_per_request);
  }
  text += ".";
  for (const Row& row : mine)
    if (!row.note.empty()) text += fmt::format(" At {}: {}.", connections(row.concurrency), row.note);
  return text;
}

std::string report_html(const std::vector<Row>& rows, const LabConfig& config, const std::string& machine) {
  std::string html = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The C10K lab: muxd http --model</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1080px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; }
td.model, td.note { text-align: left; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.4em; vertical-align: -0.1em; }
</style>
</head>
<body>
<h1>The C10K lab</h1>
)";
  html += fmt::format(
      "<p>The same HTTP server, <code>muxd http</code>, with each of the course's concurrency models "
      "(<code>--model</code>), under the same load: {} s of keep-alive GET requests for a {}-byte file at each "
      "concurrency, from <code>muxd bench</code>. {}</p>\n",
      config.duration_s, config.body_bytes, xml_escape(machine));
  html += R"(<p><img id="chart" src="c10k.svg" alt="Requests per second and p99 latency against concurrency, one line per model"></p>
<p>Raw numbers: <a href="results.csv">results.csv</a>. Run it yourself: <code>make c10k</code>, or
<code>muxd c10k --models epoll,select --concurrency 1,100,1000 --duration 5 --out DIR</code>.</p>
<h2>What each curve shows</h2>
)";
  for (const std::string& model : models_in_order(rows)) {
    auto it = explanations().find(model);
    html += fmt::format("<h3><span class=\"swatch\" style=\"background:{}\"></span>{}</h3>\n<p>{} {}</p>\n",
                        model_color(model), xml_escape(model),
                        it == explanations().end() ? "" : xml_escape(it->second), xml_escape(reading_of(model, rows)));
  }
  html += R"(<h2>All runs</h2>
<table>
<tr><th>model</th><th>connections</th><th>requests/s</th><th>p50 ms</th><th>p99 ms</th><th>errors</th><th>server CPU µs/request</th><th>RSS MB</th><th>threads</th><th>processes</th><th>note</th></tr>
)";
  for (const Row& r : rows)
    html += fmt::format(
        "<tr><td class=\"model\">{}</td><td>{}</td><td>{:.0f}</td><td>{:.2f}</td><td>{:.2f}</td><td>{}</td><td>{:.1f}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>\n",
        xml_escape(r.model), r.concurrency, r.rps, r.p50_ms, r.p99_ms, r.errors, r.cpu_us_per_request,
        megabytes(r.peak_rss_bytes), r.peak_threads, r.peak_processes, xml_escape(r.note));
  html += "</table>\n</body>\n</html>\n";
  return html;
}

}  // namespace muxd::c10k
