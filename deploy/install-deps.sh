#!/usr/bin/env bash
# Installs what eenplan needs from Debian 12's packages. Idempotent: apt runs only when something
# is missing. Usage: deploy/install-deps.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ca-certificates openssl curl sqlite3
  libssl-dev                      # TLS, HMAC, AES-GCM, elliptic curves
  libpoco-dev                     # HTTP(S) server and client, JSON, JWT, Util (options, logging)
  libsoci-dev libboost-dev        # database access; Debian's SOCI headers include Boost
  libpq-dev libsqlite3-dev        # the PostgreSQL and SQLite client libraries behind SOCI
  libvalijson-dev                 # JSON Schema (draft-07) validation
  libargon2-dev                   # argon2id password hashes of the console's local accounts
  libre2-dev                      # linear-time regexes for schema "pattern" (std::regex recurses per character)
  libyaml-cpp-dev                 # the YAML configuration file
  prometheus-cpp-dev              # metrics registry and text exposition
  postgresql-client-15 python3-yaml  # deploy/backup.sh, restore.sh: pg_dump/pg_restore; the key files the settings name
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(
    catch2                        # unit and integration tests (v2)
    libbenchmark-dev              # Google Benchmark
    postgresql-15                 # a real PostgreSQL server for the tests (initdb, pg_ctl)
    wrk                           # HTTP load generator for the ingest benchmark
    util-linux                    # runuser, to start PostgreSQL as a non-root user
    clang-14 libclang-rt-14-dev   # libFuzzer targets (tests/fuzz, EENPLAN_BUILD_FUZZERS)
    python3                       # the fault harness's signed load generator (tests/faults/load.py)
    clang-format-14               # the house style check (tests/format.sh, .clang-format)
    chromium                      # the console's browser tests (tests/console, driven by playwright-core)
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web console (console/, bundled by esbuild at build time), the Node-RED plugin (module/) and
# their tests need Node.js (>= 18) with npm and its headers. A machine that already has them (e.g.
# from NodeSource) keeps its own; otherwise Debian's.
if ! { command -v node && command -v npm; } >/dev/null 2>&1; then
  echo "installing: nodejs npm"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm libnode-dev >/dev/null
fi
