#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test twice: once optimised with warnings as
# errors, once under AddressSanitizer + UndefinedBehaviorSanitizer. PostgreSQL tests run against a
# throwaway PostgreSQL 15 cluster that ctest starts and stops (tests/support/postgres.sh).
# Extra arguments go to ctest, e.g. `tests/run.sh -L ingest`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

bash "$root/deploy/install-deps.sh" --test

# Whatever happens, leave no PostgreSQL cluster behind (ctest's cleanup fixture covers the normal case).
stop_clusters() {
  for state in "$root"/build-ci/tests/postgres.connection "$root"/build-asan/tests/postgres.connection; do
    bash "$root/tests/support/postgres.sh" stop "$state" >/dev/null 2>&1 || true
  done
}
trap stop_clusters EXIT

echo "== pass 1: RelWithDebInfo, -Werror"
cmake -S "$root" -B "$root/build-ci" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEENPLAN_WERROR=ON >/dev/null
cmake --build "$root/build-ci" -j "$jobs"
(cd "$root/build-ci" && ctest --output-on-failure -j "$jobs" "$@")

echo "== pass 2: AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S "$root" -B "$root/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEENPLAN_SANITIZE=ON \
  -DEENPLAN_WERROR=ON -DEENPLAN_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$root/build-asan" -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$root/build-asan" && ctest --output-on-failure -j "$jobs" "$@")
