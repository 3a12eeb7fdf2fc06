#!/usr/bin/env bash
# The long fuzz campaign: every libFuzzer target in a clang-14 build directory for a number of
# seconds each, one after the other, printing executions per target. Usage:
#   tests/fuzz/campaign.sh [seconds-per-target=600] [build-dir=build-fuzz] [jobs-per-target=1]
# Configures and builds the directory first if needed. New corpus entries stay in the build
# directory (copy useful ones into tests/fuzz/corpus/<target>/ by hand); a crash leaves its input
# as <build-dir>/tests/fuzz/crash-* and the script exits non-zero after the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-600}
build=${2:-$root/build-fuzz}
jobs=${3:-1}

if [[ ! -f "$build/build.ninja" ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEENPLAN_BUILD_FUZZERS=ON -DEENPLAN_BUILD_TESTS=OFF -DEENPLAN_BUILD_BENCHMARKS=OFF >/dev/null
fi
cmake --build "$build" -j "$(nproc)" >/dev/null

fuzz_dir="$build/tests/fuzz"
targets=$(cd "$fuzz_dir" && ls -1 | grep '_fuzz$' | sort)
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
printf '%-32s %14s %10s %8s\n' target executions exec/s seconds
for t in $targets; do
  work="$fuzz_dir/corpus/$t"
  mkdir -p "$work"
  log="$fuzz_dir/$t.campaign.log"
  status=0
  (cd "$fuzz_dir" && "./$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -jobs="$jobs" -workers="$jobs" "$work" "$root/tests/fuzz/corpus/$t") >"$log" 2>&1 || status=$?
  if ((jobs > 1)); then cat "$fuzz_dir"/fuzz-*.log >>"$log" 2>/dev/null || true; rm -f "$fuzz_dir"/fuzz-*.log; fi
  execs=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
  rate=$(grep -h 'stat::average_exec_per_sec' "$log" | awk '{s += $2} END {print s + 0}')
  printf '%-32s %14s %10s %8s\n' "$t" "$execs" "$rate" "$seconds"
  if ((status != 0)); then echo "  $t FAILED (exit $status), see $log"; failed=1; fi
done
exit $failed
