#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test twice: once optimised with warnings as
# errors, once under AddressSanitizer + UndefinedBehaviorSanitizer. PostgreSQL tests run against a
# throwaway PostgreSQL 15 cluster that ctest starts and stops (tests/support/postgres.sh).
# Extra arguments go to ctest, e.g. `tests/run.sh -L ingest`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

bash "$root/deploy/install-deps.sh" --test

# The house style first: an unformatted file fails the run before anything is built.
bash "$root/tests/format.sh"

# Whatever happens, leave no PostgreSQL cluster behind (ctest's cleanup fixture covers the normal case).
stop_clusters() {
  for state in "$root"/build-ci/tests/postgres.connection "$root"/build-asan/tests/postgres.connection; do
    bash "$root/tests/support/postgres.sh" stop "$state" >/dev/null 2>&1 || true
  done
}
trap stop_clusters EXIT

# The Node-RED plugin's dependencies (node-red, the test helper, mocha, node-addon-api), exactly as
# locked; its addon is built by CMake below, so npm's own install script is not run.
(cd "$root/module" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
# The test identity provider of the console's sign-in tests (oidc-provider), exactly as locked.
(cd "$root/tests/oidc" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
# The console (esbuild, Chart.js; CMake's eenplan_console_assets bundles it) and its browser tests
# (playwright-core drives Debian's Chromium: no browser is downloaded; axe-core).
(cd "$root/console" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$root/tests/console" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

echo "== pass 1: RelWithDebInfo, -Werror, with the Node-RED plugin"
cmake -S "$root" -B "$root/build-ci" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEENPLAN_WERROR=ON \
  -DEENPLAN_BUILD_NODE_MODULE=ON >/dev/null
cmake --build "$root/build-ci" -j "$jobs"
(cd "$root/build-ci" && ctest --output-on-failure -j "$jobs" "$@")

# The addon is left out here: an ASan-instrumented shared object cannot be loaded into an
# uninstrumented node binary.
echo "== pass 2: AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S "$root" -B "$root/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEENPLAN_SANITIZE=ON \
  -DEENPLAN_WERROR=ON -DEENPLAN_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$root/build-asan" -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$root/build-asan" && ctest --output-on-failure -j "$jobs" "$@")

# libFuzzer targets (tests/fuzz) under clang-14 with ASan+UBSan, each for a short smoke run from its
# seed corpus; the long campaign is tests/fuzz/campaign.sh.
echo "== pass 3: libFuzzer smoke run (clang-14)"
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEENPLAN_BUILD_FUZZERS=ON -DEENPLAN_BUILD_TESTS=OFF -DEENPLAN_BUILD_BENCHMARKS=OFF -DEENPLAN_FUZZ_SECONDS=10 >/dev/null
cmake --build "$root/build-fuzz" -j "$jobs" --target eenplan_fuzzers
(cd "$root/build-fuzz" && ctest -L fuzz --output-on-failure -j "$jobs")
