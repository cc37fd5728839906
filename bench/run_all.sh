#!/usr/bin/env bash
# Runs every benchmark the repo has (`make bench` calls this after building):
# each side-by-side comparison that exists, then the Google Benchmark programs.
#   bench/run_all.sh [--quick]         extra arguments go to every comparison
#   BUILD=dir bench/run_all.sh         the build tree (default: build)
#   BENCH_ARGS="--cases 1,2" make bench
# A comparison is bench/NAME.py or bench/NAME.sh taking --muxd PATH (and --quick).
set -uo pipefail
bench_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench_dir")
build=${BUILD:-build}
[[ "$build" = /* ]] || build="$repo/$build"
muxd="$build/muxd"
comparisons=(http_vs_nginx ftp_vs_vsftpd chat_fanout dict_vs_dictd loadgen_vs_wrk tickets_bench)
read -r -a extra <<<"${BENCH_ARGS:-}"

if [[ ! -x "$muxd" ]]; then
  echo "run_all.sh: no $muxd; build first (make build) or set BUILD" >&2
  exit 2
fi

failed=()
run() {  # run LABEL COMMAND...: keeps going after a failure, reports it at the end
  local label=$1
  shift
  echo "== $label: $*" >&2
  "$@" || failed+=("$label")
}

for name in "${comparisons[@]}"; do
  for script in "$bench_dir/$name.py" "$bench_dir/$name.sh"; do
    if [[ -f "$script" ]]; then
      run "$name" "$script" --muxd "$muxd" "${extra[@]}" "$@"
      break
    fi
  done
done

# Micro-benchmarks (the request parser...), on the core the servers use.
for program in "$build"/bench_*; do
  [[ -x "$program" ]] && run "$(basename "$program")" taskset -c 0 "$program"
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "run_all.sh: failed: ${failed[*]}" >&2
  exit 1
fi
