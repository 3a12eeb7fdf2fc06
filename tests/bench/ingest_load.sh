#!/usr/bin/env bash
# Load run of POST /v1/sources/{id}/signals with wrk against a Release build of eenplan-service,
# on SQLite and on a throwaway PostgreSQL 15, in one run and with the same load, over loopback.
# Every request is a distinct, signed, valid signal that the service verifies, validates,
# pseudonymises and commits before answering 202.
#   tests/bench/ingest_load.sh [seconds per store (10)] [connections (16)]
# The per-source rate limit is off, as the load is one source at full speed; EENPLAN_LOAD_RATE_LIMIT=on
# keeps it on with a limit the load never reaches, to measure what the limiter itself costs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-10}
connections=${2:-16}
threads=2
if [[ ${EENPLAN_LOAD_RATE_LIMIT:-off} == on ]]; then
  rate_limit="{per_second: 1000000, burst: 1000000}"
else
  rate_limit="{enabled: false}"
fi
build="$root/build-bench"
work=$(mktemp -d /tmp/eenplan-load.XXXXXX)
bash "$root/deploy/install-deps.sh" --test
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target eenplan-service eenplan-ingest-requests >/dev/null

pg_state="$work/postgres.connection"
service_pid=""
cleanup() {
  [[ -n "$service_pid" ]] && kill "$service_pid" 2>/dev/null || true
  bash "$root/tests/support/postgres.sh" stop "$pg_state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$root/tests/support/postgres.sh" start "$pg_state" >/dev/null
psql "$(cat "$pg_state")" -qc "CREATE DATABASE eenplan_load" >/dev/null
pg_connection="$(sed 's/dbname=postgres/dbname=eenplan_load/' "$pg_state")"

secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
(umask 077 && openssl rand -hex 32 >"$work/hub.key")
echo "eenplan ingest load: $(date -u +%Y-%m-%dT%H:%MZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
     "wrk -t$threads -c$connections -d${seconds}s, service and wrk on the same machine"
for store in sqlite postgresql; do
  if [[ $store == sqlite ]]; then connection="db=$work/load.db"; else connection="$pg_connection"; fi
  cat > "$work/$store.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 32}
database: {backend: $store, connection: "$connection", pool_size: 16}
keys: {pseudonym_keys: [{version: 1, file: hub.key}]}
logging: {level: notice, file: $store.log}
sources: [{id: school-a, secrets: ["$secret"]}]
ingest: {rate_limit: $rate_limit}
YAML
  "$build/service/eenplan-service" --config "$work/$store.yaml" >/dev/null 2>&1 &
  service_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -o '"port":"[0-9]*"' "$work/$store.log" 2>/dev/null | grep -o '[0-9]*' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "the service did not start on $store"; cat "$work/$store.log"; exit 1; }
  # Enough distinct requests that no connection runs out during the run (at most ~8 000/s here).
  count=$(( seconds * 8000 ))
  "$build/tests/bench/eenplan-ingest-requests" "$count" school-a "$secret" "127.0.0.1:$port" "$work/requests.lua"
  result=$(EENPLAN_REQUESTS="$work/requests.lua" EENPLAN_THREADS=$threads \
    wrk -t$threads -c"$connections" -d"${seconds}s" -s "$root/tests/bench/ingest.lua" "http://127.0.0.1:$port")
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$result")
  summary=$(grep '^requests ' <<<"$result")
  printf '%-10s %8s signals/s   %s\n' "$store" "$rate" "$summary"
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""
done
