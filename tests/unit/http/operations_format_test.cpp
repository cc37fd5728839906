// The text formats of docs/http-operations.md: Prometheus exposition
// (metrics.h), JSON escaping (json_escape.h) and the JSON access log.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "http/access_log.h"
#include "http/json_escape.h"
#include "http/metrics.h"

namespace muxd::http {
namespace {

std::string escaped(std::string_view text) {
  std::string out;
  append_json_escaped(out, text);
  return out;
}

TEST(JsonEscape, EscapesQuotesBackslashesAndControlBytes) {
  EXPECT_EQ(escaped("plain /path?q=1"), "plain /path?q=1");
  EXPECT_EQ(escaped("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(escaped("\b\f\n\r\t"), "\\b\\f\\n\\r\\t");
  EXPECT_EQ(escaped(std::string_view("\0\x01\x1f\x7f", 4)), "\\u0000\\u0001\\u001f\\u007f");
}

TEST(JsonEscape, PassesValidUtf8Through) {
  EXPECT_EQ(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(JsonEscape, WritesInvalidUtf8BytesAsBackslashXhh) {
  EXPECT_EQ(escaped("/\xff"), "/\\\\xff");
  EXPECT_EQ(escaped("\xc3("), "\\\\xc3(");          // a lead byte without its continuation
  EXPECT_EQ(escaped("\xc0\xaf"), "\\\\xc0\\\\xaf");  // overlong '/'
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80");  // a surrogate
  EXPECT_EQ(escaped("\xe2\x82"), "\\\\xe2\\\\x82");  // cut short
}

std::string log_of(AccessLogFormat format, const AccessRecord& record) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  {
    AccessLog log(fds[1], format);
    log.record(record);
  }
  ::close(fds[1]);
  char buffer[4096];
  ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
  ::close(fds[0]);
  return std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0);
}

TEST(AccessLogJson, WritesOneObjectALine) {
  EXPECT_EQ(log_of(AccessLogFormat::json, {"127.0.0.1", "22/Nov/2026:10:00:00 +0000", "GET /a\"\n\xff HTTP/1.1",
                                           200, 5, "", "curl/7.88.1", "alice"}),
            "{\"time\":\"22/Nov/2026:10:00:00 +0000\",\"client\":\"127.0.0.1\",\"user\":\"alice\","
            "\"request\":\"GET /a\\\"\\n\\\\xff HTTP/1.1\",\"status\":200,\"body_bytes\":5,\"referer\":null,"
            "\"user_agent\":\"curl/7.88.1\"}\n");
}

TEST(AccessLogJson, MissingFieldsAreNull) {
  EXPECT_EQ(log_of(AccessLogFormat::json, {"::1", "t", "", 400, 0, "", ""}),
            "{\"time\":\"t\",\"client\":\"::1\",\"user\":null,\"request\":null,\"status\":400,\"body_bytes\":0,"
            "\"referer\":null,\"user_agent\":null}\n");
}

TEST(AccessLogCombined, LogsTheUserEscaped) {
  EXPECT_EQ(log_of(AccessLogFormat::combined, {"::1", "t", "GET / HTTP/1.1", 200, 1, "", "", "al ice"}),
            "::1 - al\\x20ice [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\n");
}

TEST(PrometheusText, RendersPerWorkerAndTotals) {
  CounterSnapshot workers[2];
  workers[0].connections_accepted = 5;
  workers[0].connections_closed = 3;
  workers[0].requests[1] = 7;  // 2xx
  workers[0].body_bytes = 100;
  workers[1].connections_accepted = 1;
  workers[1].connections_closed = 1;
  workers[1].requests[3] = 2;  // 4xx
  workers[1].body_bytes = 20;
  std::string text = render_prometheus(workers, 2, 12.5, "0.1.0", "epoll");
  for (std::string_view line : {
           "# TYPE muxd_http_connections_open gauge\n",
           "muxd_http_connections_open{worker=\"0\"} 2\n",
           "muxd_http_connections_open{worker=\"1\"} 0\n",
           "muxd_http_connections_open 2\n",
           "# TYPE muxd_http_connections_accepted_total counter\n",
           "muxd_http_connections_accepted_total 6\n",
           "muxd_http_requests_total{code=\"2xx\",worker=\"0\"} 7\n",
           "muxd_http_requests_total{code=\"2xx\"} 7\n",
           "muxd_http_requests_total{code=\"4xx\",worker=\"1\"} 2\n",
           "muxd_http_requests_total{code=\"5xx\"} 0\n",
           "muxd_http_sent_body_bytes_total 120\n",
           "muxd_http_uptime_seconds 12.500\n",
           "muxd_build_info{version=\"0.1.0\",model=\"epoll\",workers=\"2\"} 1\n",
       })
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin\n" << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(PrometheusText, EveryLineIsACommentOrASample) {
  CounterSnapshot one;
  std::string text = render_prometheus(&one, 1, 0, "v\"1\\", "m");
  EXPECT_NE(text.find("version=\"v\\\"1\\\\\""), std::string::npos);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line(text.data() + start, end - start);
    EXPECT_TRUE(line.starts_with("# HELP muxd_") || line.starts_with("# TYPE muxd_") || line.starts_with("muxd_"))
        << line;
    start = end + 1;
  }
}

TEST(Metrics, CountsFromTheSharedBlocks) {
  Metrics metrics(2, "epoll");
  WorkerCounters::add(metrics.worker(1).connections_accepted);
  metrics.worker(1).count_response(404, 9);
  metrics.worker(0).count_response(200, 1);
  metrics.worker(0).count_response(99, 1);  // no class: bytes only
  std::string text = metrics.render();
  EXPECT_NE(text.find("muxd_http_connections_open{worker=\"1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("muxd_http_requests_total{code=\"4xx\",worker=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("muxd_http_requests_total{code=\"2xx\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("muxd_http_sent_body_bytes_total 11\n"), std::string::npos);
}

}  // namespace
}  // namespace muxd::http
