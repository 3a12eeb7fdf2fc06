#!/usr/bin/env bash
# Delivery throughput: N tasks in the outbox, delivered by one or more eenplan-service instances
# to a local Standard Webhooks receiver (eenplan-webhook-receiver) over loopback.
#   [EENPLAN_LOG_LEVEL=information] tests/bench/delivery_load.sh <build-dir> sqlite|postgresql <instances> <tasks>
#   tests/bench/delivery_load.sh <build-dir> sqlite|postgresql <instances> <rate>/s:<seconds>
# The first queues N tasks at once and times their delivery; the second queues tasks at a steady
# rate (a transaction every 10 ms) and prints the lag from queueing to the first attempt.
# PostgreSQL runs on a throwaway cluster (tests/support/postgres.sh). Prints the receiver's
# counts (no duplicates expected) and the bench program's line.
#   EENPLAN_SERVICE_BUILD=<build-dir>: the eenplan-service binary from another build (an A/B
#     comparison with the same bench program and receiver)
#   EENPLAN_DELIVERY='{...}': the instances' delivery settings (default below)
#   EENPLAN_BENCH_STATEMENTS=1 (PostgreSQL): also count the statements and commits the server ran
#     while delivering (log_min_duration_statement=0 for the run)
set -euo pipefail
build=$(realpath "$1") backend=$2 instances=$3 tasks=$4
service_build=$(realpath "${EENPLAN_SERVICE_BUILD:-$build}")
delivery=${EENPLAN_DELIVERY:-"{dispatcher_threads: 4, batch_size: 200, poll_interval_ms: 20}"}
level=${EENPLAN_LOG_LEVEL:-warning}  # information logs one JSON line per attempt
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/eenplan-delivery-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n ${EENPLAN_BENCH_KEEP:-} ]] && cp "$(sed -n "s/^dir=//p" "$work/pg.dir" 2>/dev/null)/server.log" "$EENPLAN_BENCH_KEEP" 2>/dev/null || true
  [[ $backend == postgresql ]] && bash "$here/tests/support/postgres.sh" stop "$work/pg" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [[ $backend == postgresql ]]; then
  bash "$here/tests/support/postgres.sh" start "$work/pg" >/dev/null
  admin=$(cat "$work/pg")
  psql "$admin" -qc "CREATE DATABASE eenplan_bench" >/dev/null
  connection="${admin%dbname=*}dbname=eenplan_bench"
else
  connection="db=$work/eenplan.db"
fi

secret="whsec_dGFzay1zZWNyZXQtb2YtdGhlLXJlY2VpdmVyLTEyMzQ="
coproc RECEIVER { exec "$build/integration/simulators/eenplan-webhook-receiver" --secret "$secret" --threads 32; }
pids+=("$RECEIVER_PID")
read -r line <&"${RECEIVER[0]}"
port=$(sed 's/[^0-9]//g' <<<"$line")

(umask 077 && openssl rand -hex 32 >"$work/hub-v1.key")
for i in $(seq 1 "$instances"); do
  cat >"$work/eenplan-$i.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 4}
database: {backend: $backend, connection: "$connection", pool_size: 8}
keys: {pseudonym_keys: [{version: 1, file: hub-v1.key}]}
logging: {level: $level, file: service-$i.log}
sources: []
delivery: $delivery
testing: {default_agreement: true}   # the bench measures delivery, not the sharing policy
recipients:
  - {id: gm0518, connector: webhook, url: "http://127.0.0.1:$port/eenplan/tasks", secret: "$secret", timeout_ms: 5000}
YAML
done
"$service_build/service/eenplan-service" --config "$work/eenplan-1.yaml" --migrate >/dev/null
for i in $(seq 1 "$instances"); do
  "$service_build/service/eenplan-service" --config "$work/eenplan-$i.yaml" &
  pids+=("$!")
done
sleep 1
mode=()
[[ $tasks == */s:* ]] && mode=(paced)
counting=${EENPLAN_BENCH_STATEMENTS:-}
if [[ -n $counting && $backend == postgresql ]]; then
  "$build/tests/bench/eenplan-delivery-bench" "$backend" "$connection" 0 gm0518 >/dev/null  # schema only
  pgdir=$(sed -n 's/^dir=//p' "$work/pg.dir")
  psql "$admin" -qc "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  commits_before=$(psql "$admin" -Atc "SELECT xact_commit FROM pg_stat_database WHERE datname = 'eenplan_bench'")
  lines_before=$(wc -l <"$pgdir/server.log")
fi
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/tests/bench/eenplan-delivery-bench" "$backend" "$connection" "$tasks" gm0518 "${mode[@]}"
echo "receiver: $(curl -s "http://127.0.0.1:$port/stats")"
if [[ -n $counting && $backend == postgresql ]]; then
  psql "$admin" -qc "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
  commits=$(( $(psql "$admin" -Atc "SELECT xact_commit FROM pg_stat_database WHERE datname = 'eenplan_bench'") - commits_before ))
  # Statements as executed (not parsed or bound), less the bench program's own (the tasks it
  # inserts, its polling COUNT), by their first word.
  tail -n +"$((lines_before + 1))" "$pgdir/server.log" | grep -E 'duration: [0-9.]+ ms  (execute [^:]*|statement): ' |
    grep -vE 'INSERT INTO (tasks|deliveries) |SELECT COUNT' | sed -E 's/.*(execute [^:]*|statement): *([A-Za-z]+).*/\2/' |
    sort | uniq -c | sort -rn | awk -v c="$commits" '
      {printf "%s %s, ", $2, $1; t += $1} END {printf "in all %d; commits %d (the bench program\x27s included)\n", t, c}' |
    sed 's/^/statements: /'
fi
