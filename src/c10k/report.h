#pragma once
// What the C10K lab writes: results.csv (one row per run), c10k.svg (req/s and
// p99 latency against concurrency, a line per model) and index.html (the
// chart, a paragraph per model, the table).
#include <string>
#include <vector>

#include "c10k/lab.h"

namespace muxd::c10k {

std::string results_csv(const std::vector<Row>& rows);
std::string chart_svg(const std::vector<Row>& rows, const LabConfig& config);
std::string report_html(const std::vector<Row>& rows, const LabConfig& config, const std::string& machine);

// What one model's rows show, in a sentence or two, from the numbers.
std::string reading_of(const std::string& model, const std::vector<Row>& rows);

// The palette: one colour per model, stable across runs.
std::string model_color(const std::string& model);

}  // namespace muxd::c10k
