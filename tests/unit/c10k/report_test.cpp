// The C10K lab's outputs: the chart's scales and markup, the CSV, the reading.
#include <gtest/gtest.h>

#include "c10k/chart.h"
#include "c10k/report.h"

namespace muxd::c10k {
namespace {

Row row(const std::string& model, int concurrency, double rps, double p99, uint64_t errors = 0) {
  Row r;
  r.model = model;
  r.concurrency = concurrency;
  r.rps = rps;
  r.p99_ms = p99;
  r.requests = static_cast<uint64_t>(rps * 5);
  r.errors = errors;
  r.peak_threads = 1;
  r.peak_processes = 1;
  return r;
}

TEST(Chart, TickLabelsReadLikeNumbers) {
  EXPECT_EQ(tick_label(1), "1");
  EXPECT_EQ(tick_label(100), "100");
  EXPECT_EQ(tick_label(1000), "1k");
  EXPECT_EQ(tick_label(10000), "10k");
  EXPECT_EQ(tick_label(1e6), "1M");
  EXPECT_EQ(tick_label(0.01), "0.01");
}

TEST(Chart, DecadesCoverTheRangeWithAtLeastTwoTicks) {
  EXPECT_EQ(decades(1, 10000), (std::vector<double>{1, 10, 100, 1000, 10000}));
  EXPECT_EQ(decades(3, 7), (std::vector<double>{1, 10}));
  EXPECT_EQ(decades(10, 10), (std::vector<double>{10, 100}));
  EXPECT_EQ(decades(0.05, 2), (std::vector<double>{0.01, 0.1, 1, 10}));
}

TEST(Chart, EveryModelHasALineAPointPerRunAndALegendEntry) {
  std::vector<Row> rows = {row("epoll", 1, 9000, 0.2), row("epoll", 100, 40000, 3),
                           row("select", 1, 8000, 0.3), row("select", 100, 30000, 5, 12)};
  LabConfig config;
  std::string svg = chart_svg(rows, config);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = svg.find(needle); at != std::string::npos; at = svg.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<path "), 4u);    // two models in two panels
  EXPECT_EQ(count("<circle "), 8u);  // a point per run per panel
  EXPECT_EQ(count("stroke-width=\"2\" fill=\"white\""), 2u);  // select at 100 had errors: hollow in both panels
  EXPECT_NE(svg.find(">epoll</text>"), std::string::npos);
  EXPECT_NE(svg.find(">select</text>"), std::string::npos);
}

TEST(Chart, RunsWithoutAnswersAreLeftOut) {
  Row dead = row("iterative", 1000, 0, 0);
  dead.requests = 0;
  dead.note = "the server died under this load";
  std::string svg = chart_svg({row("iterative", 1, 5000, 1), dead}, LabConfig{});
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(Chart, TextIsEscaped) { EXPECT_EQ(xml_escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;"); }

TEST(Report, CsvHasAHeaderAndOneLinePerRunWithNotesQuoted) {
  Row noted = row("select", 10000, 100, 50, 9000);
  noted.note = "refused, \"FD_SETSIZE\"";
  std::string csv = results_csv({row("epoll", 1, 9000, 0.2), noted});
  EXPECT_EQ(csv.rfind("model,concurrency,requests,errors,rps,", 0), 0u);
  EXPECT_NE(csv.find("\nepoll,1,45000,0,9000.0,"), std::string::npos);
  EXPECT_NE(csv.find(",\"refused, \"\"FD_SETSIZE\"\"\"\n"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
}

TEST(Report, TheReadingNamesThePeakAndTheHighestConcurrency) {
  std::string text = reading_of("poll", {row("poll", 1, 9000, 0.2), row("poll", 100, 30000, 2),
                                         row("poll", 10000, 12000, 900, 40)});
  EXPECT_NE(text.find("at most 30000 requests/s (at 100 connections)"), std::string::npos) << text;
  EXPECT_NE(text.find("at 10000 connections 12000 requests/s, p99 900.0 ms, 40 errors"), std::string::npos) << text;
}

TEST(Report, HtmlHasTheChartATableRowPerRunAndAParagraphPerModel) {
  std::vector<Row> rows = {row("epoll", 1, 9000, 0.2), row("thread", 1, 7000, 0.4)};
  std::string html = report_html(rows, LabConfig{}, "Measured on a <test> machine.");
  EXPECT_NE(html.find("<img id=\"chart\" src=\"c10k.svg\""), std::string::npos);
  EXPECT_NE(html.find("<h3><span class=\"swatch\" style=\"background:#1f77b4\"></span>epoll</h3>"), std::string::npos);
  EXPECT_NE(html.find("thread per connection"), std::string::npos);
  EXPECT_NE(html.find("a &lt;test&gt; machine"), std::string::npos);
  size_t rows_in_table = 0;
  for (size_t at = html.find("<tr><td"); at != std::string::npos; at = html.find("<tr><td", at + 1)) ++rows_in_table;
  EXPECT_EQ(rows_in_table, 2u);
}

}  // namespace
}  // namespace muxd::c10k
