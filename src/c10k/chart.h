#pragma once
// A line chart as SVG, written by hand (no plotting library in Debian's C++
// packages draws SVG for us without a runtime): log-scale axes, a line per
// series, a shared legend. Enough for the C10K lab's two panels; nothing more.
#include <string>
#include <vector>

namespace muxd::c10k {

struct Point {
  double x = 0;
  double y = 0;          // <= 0: not drawn (a log scale has no place for it)
  bool degraded = false;  // drawn hollow: the run had errors
};

struct Series {
  std::string name;
  std::string color;  // any SVG colour
  std::vector<Point> points;  // in x order
};

struct Panel {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
};

// Panels side by side, one legend under them (series names of the first panel).
std::string render_svg(const std::string& title, const std::vector<Panel>& panels, const std::string& note);

// "1", "10", "1k", "10k", "1M", "0.1", "0.01": a label for a power of ten.
std::string tick_label(double power_of_ten);

// The powers of ten that cover [low, high] (at least two).
std::vector<double> decades(double low, double high);

std::string xml_escape(const std::string& text);

}  // namespace muxd::c10k
