#pragma once
// run_bench: `muxd bench` from start to exit status. One EventLoop per
// --threads thread, the connections spread over them; the main thread
// waits, draws the progress line, stops the run (its end, SIGINT/SIGTERM,
// or a target that answers nothing), merges the threads' statistics and
// reports.
#include "loadgen/bench_config.h"

namespace muxd::loadgen {

// 0: the run happened (whatever the errors); 1 (kExitFailure): no request
// got a response, with the reason on stderr.
int run_bench(const BenchConfig& config);

}  // namespace muxd::loadgen
