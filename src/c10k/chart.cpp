#include "c10k/chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace muxd::c10k {
namespace {

constexpr double kPanelWidth = 520, kPanelHeight = 380;
constexpr double kLeft = 78, kRight = 18, kTop = 44, kBottom = 56;  // plot margins inside a panel
constexpr double kTitleHeight = 36, kLegendRow = 22;

// Maps a value to a position along [from, to] on a log scale over [low, high].
double log_position(double value, double low, double high, double from, double to) {
  double t = (std::log10(value) - std::log10(low)) / (std::log10(high) - std::log10(low));
  return from + t * (to - from);
}

struct Range {
  double low = std::numeric_limits<double>::max(), high = 0;
  void add(double v) {
    if (v <= 0) return;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  bool empty() const { return high == 0; }
};

void draw_panel(std::string& svg, const Panel& panel, double x0, double y0) {
  Range xs, ys;
  for (const Series& s : panel.series)
    for (const Point& p : s.points) {
      xs.add(p.x);
      if (p.x > 0) ys.add(p.y);
    }
  if (xs.empty()) xs = {1, 10};
  if (ys.empty()) ys = {1, 10};
  std::vector<double> xt = decades(xs.low, xs.high), yt = decades(ys.low, ys.high);
  double left = x0 + kLeft, right = x0 + kPanelWidth - kRight, top = y0 + kTop, bottom = y0 + kPanelHeight - kBottom;
  auto px = [&](double v) { return log_position(v, xt.front(), xt.back(), left, right); };
  auto py = [&](double v) { return log_position(v, yt.front(), yt.back(), bottom, top); };

  svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="panel-title">{}</text>)" "\n", (left + right) / 2, y0 + 24,
                     xml_escape(panel.title));
  svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" class="plot"/>)" "\n", left, top,
                     right - left, bottom - top);
  for (double t : xt) {
    double x = px(t);
    svg += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" class="grid"/>)" "\n", x, top, bottom);
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tick" text-anchor="middle">{}</text>)" "\n", x, bottom + 18,
                       tick_label(t));
  }
  for (double t : yt) {
    double y = py(t);
    svg += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}" class="grid"/>)" "\n", left, y, right);
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tick" text-anchor="end">{}</text>)" "\n", left - 8, y + 4,
                       tick_label(t));
  }
  svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="axis" text-anchor="middle">{}</text>)" "\n", (left + right) / 2,
                     bottom + 42, xml_escape(panel.x_label));
  svg += fmt::format(R"svg(<text x="{0:.1f}" y="{1:.1f}" class="axis" text-anchor="middle" transform="rotate(-90 {0:.1f} {1:.1f})">{2}</text>)svg" "\n",
                     x0 + 20, (top + bottom) / 2, xml_escape(panel.y_label));

  for (const Series& s : panel.series) {
    std::string path;
    for (const Point& p : s.points) {
      if (p.x <= 0 || p.y <= 0) continue;
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", px(p.x), py(p.y));
    }
    if (path.empty()) continue;
    svg += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2.2"><title>{}</title></path>)" "\n", path,
                       s.color, xml_escape(s.name));
    for (const Point& p : s.points) {
      if (p.x <= 0 || p.y <= 0) continue;
      svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="4" stroke="{}" stroke-width="2" fill="{}"/>)" "\n", px(p.x),
                         py(p.y), s.color, p.degraded ? "white" : s.color);
    }
  }
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string tick_label(double value) {
  int exponent = static_cast<int>(std::lround(std::log10(value)));
  if (exponent < 0) return fmt::format("{:.{}f}", value, -exponent);
  static const char* const suffixes[] = {"", "k", "M", "G"};
  int group = std::min(exponent / 3, 3);
  double scaled = std::pow(10.0, exponent - 3 * group);
  return fmt::format("{:.0f}{}", scaled, suffixes[group]);
}

std::vector<double> decades(double low, double high) {
  int from = static_cast<int>(std::floor(std::log10(low) + 1e-9));
  int to = static_cast<int>(std::ceil(std::log10(high) - 1e-9));
  if (to <= from) to = from + 1;
  std::vector<double> ticks;
  for (int e = from; e <= to; ++e) ticks.push_back(std::pow(10.0, e));
  return ticks;
}

std::string render_svg(const std::string& title, const std::vector<Panel>& panels, const std::string& note) {
  size_t legend_count = panels.empty() ? 0 : panels.front().series.size();
  size_t per_row = 5;
  size_t rows = (legend_count + per_row - 1) / per_row;
  double width = kPanelWidth * static_cast<double>(std::max<size_t>(panels.size(), 1));
  double height = kTitleHeight + kPanelHeight + static_cast<double>(rows) * kLegendRow + (note.empty() ? 12 : 34);
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" font-family="system-ui, sans-serif">)" "\n",
      width, height);
  svg += R"(<style>
.title { font-size: 18px; font-weight: 600; fill: #222; }
.panel-title { font-size: 15px; font-weight: 600; fill: #222; text-anchor: middle; }
.plot { fill: #fcfcfc; stroke: #999; }
.grid { stroke: #e2e2e2; }
.tick { font-size: 12px; fill: #444; }
.axis { font-size: 13px; fill: #222; }
.legend { font-size: 13px; fill: #222; }
.note { font-size: 12px; fill: #555; }
</style>
<rect width="100%" height="100%" fill="white"/>
)";
  svg += fmt::format(R"(<text x="{:.1f}" y="24" class="title" text-anchor="middle">{}</text>)" "\n", width / 2,
                     xml_escape(title));
  for (size_t i = 0; i < panels.size(); ++i) draw_panel(svg, panels[i], kPanelWidth * static_cast<double>(i), kTitleHeight);
  double legend_top = kTitleHeight + kPanelHeight;
  for (size_t i = 0; i < legend_count; ++i) {
    const Series& s = panels.front().series[i];
    double x = 40 + static_cast<double>(i % per_row) * ((width - 80) / static_cast<double>(per_row));
    double y = legend_top + static_cast<double>(i / per_row) * kLegendRow;
    svg += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="3"/>)" "\n", x, y,
                       x + 24, y, s.color);
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="legend">{}</text>)" "\n", x + 30, y + 4, xml_escape(s.name));
  }
  if (!note.empty())
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="note" text-anchor="middle">{}</text>)" "\n", width / 2,
                       height - 10, xml_escape(note));
  svg += "</svg>\n";
  return svg;
}

}  // namespace muxd::c10k
