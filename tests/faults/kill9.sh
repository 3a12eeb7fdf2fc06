#!/usr/bin/env bash
# Fault harness: kill -9 of eenplan-service during sustained signed load, N trials, on SQLite or a
# throwaway PostgreSQL 15 (tests/support/postgres.sh). Each trial: a fresh store, the service with
# the shipped routeboek and one webhook task recipient (eenplan-webhook-receiver), tests/faults/
# load.py sending distinct signed absence signals from 4 threads; after a random 1-3 s the service
# is killed with SIGKILL, restarted at once on the same store, and the load goes on for `seconds`.
# Deliveries claimed when the process died are due again after their lease (5 s here).
# Then the load stops, the service drains its outbox and is stopped, and the trial checks:
#   - every webhook-id that got a 2xx is stored exactly once (lost = acknowledged but not stored,
#     duplicates = stored more than once);
#   - every task delivery the outbox holds is delivered, and the receiver took each one once in
#     effect (distinct ids = deliveries; repeats the receiver deduplicated are counted, not lost).
# Ends with one verdict line: "kill9 <store>: PASS|FAIL trials=.. acknowledged=.. stored=.. lost=..
# duplicates=.. deliveries=.. received_distinct=.. receiver_repeats=..".
#   tests/faults/kill9.sh [sqlite|postgresql] [trials (10)] [seconds of load per trial (8)]
# Binaries from $EENPLAN_BUILD (default <repo>/build); built there if missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
store=${1:-sqlite}
trials=${2:-10}
seconds=${3:-8}
build=${EENPLAN_BUILD:-$root/build}
service_bin=${EENPLAN_SERVICE_BINARY:-$build/service/eenplan-service}
receiver_bin=${EENPLAN_WEBHOOK_RECEIVER:-$build/integration/simulators/eenplan-webhook-receiver}
if [[ ! -x $service_bin || ! -x $receiver_bin ]]; then
  cmake --build "$build" -j2 --target eenplan-service eenplan-webhook-receiver >/dev/null
fi
work=$(mktemp -d /tmp/eenplan-faults.XXXXXX)
pg_state="$work/postgres.connection"
service_pid="" receiver_pid="" load_pid=""
cleanup() {
  for p in $load_pid $service_pid $receiver_pid; do kill "$p" 2>/dev/null || true; done
  [[ $store == postgresql ]] && bash "$root/tests/support/postgres.sh" stop "$pg_state" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
if [[ $store == postgresql ]]; then bash "$root/tests/support/postgres.sh" start "$pg_state" >/dev/null; fi

secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
receiver_secret="whsec_dGFzay1zZWNyZXQtb2YtdGhlLXJlY2VpdmVyLTEyMzQ="
sql() {  # sql <query>: one value from the trial's store
  if [[ $store == postgresql ]]; then psql "$connection" -Atqc "$1"; else sqlite3 "$work/t$trial/eenplan.db" "$1"; fi
}
wait_port() {  # the port of the service started last, from its log, into $work/port
  local log=$1 before=$2 p=""
  for _ in $(seq 300); do
    p=$(tail -c +"$before" "$log" 2>/dev/null | grep -o '"port":"[0-9]*"' | head -1 | grep -o '[0-9]*' || true)
    [[ -n $p ]] && { echo "$p" > "$work/port.tmp"; mv "$work/port.tmp" "$work/port"; return 0; }
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "eenplan-service did not start; log:" >&2; tail -5 "$log" >&2; return 1
}
start_service() {
  local dir=$1 before
  before=$(( $(stat -c %s "$dir/service.log" 2>/dev/null || echo 0) + 1 ))
  (cd "$dir" && exec "$service_bin" --config eenplan.yaml >>"$dir/stderr.log" 2>&1) &
  service_pid=$!
  wait_port "$dir/service.log" "$before"
}

total_ack=0 total_stored=0 total_lost=0 total_dup=0 total_deliveries=0 total_distinct=0 total_repeats=0 failed=0
for trial in $(seq "$trials"); do
  dir="$work/t$trial"; mkdir -p "$dir"; rm -f "$work/port" "$work/stop"
  if [[ $store == postgresql ]]; then
    psql "$(cat "$pg_state")" -qc "CREATE DATABASE trial$trial" >/dev/null
    connection="$(sed "s/dbname=postgres/dbname=trial$trial/" "$pg_state")"
  else
    connection="db=$dir/eenplan.db"
  fi
  "$receiver_bin" --secret "$receiver_secret" > "$dir/receiver.out" 2>&1 &
  receiver_pid=$!
  for _ in $(seq 100); do grep -q port "$dir/receiver.out" 2>/dev/null && break; sleep 0.05; done
  receiver_port=$(grep -o '"port": *[0-9]*' "$dir/receiver.out" | grep -o '[0-9]*$')
  openssl rand -hex 32 > "$dir/hub.key"
  cat > "$dir/eenplan.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 16}
database: {backend: $store, connection: "$connection", pool_size: 8}
keys: {pseudonym_keys: [{version: 1, file: hub.key}]}
logging: {level: information, file: service.log}
sources: [{id: school-a, secrets: ["$secret"]}]
routeboek: $root/deploy/config/routeboek-haaglanden-po.yaml
delivery: {dispatcher_threads: 2, poll_interval_ms: 50, lease_seconds: 5}
recipients:
  - id: school-12ab
    name: OBS De Regenboog
    connector: webhook
    url: http://127.0.0.1:$receiver_port/eenplan/tasks
    secret: "$receiver_secret"
    timeout_ms: 2000
    retry: {schedule_seconds: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], max_age_seconds: 300}
YAML
  start_service "$dir"
  python3 "$root/tests/faults/load.py" "$work/port" school-a "$secret" "$dir/answers" "$work/stop" 4 &
  load_pid=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN {printf "%.2f", 1 + 2 * r / 32767}')"
  kill -9 "$service_pid"; wait "$service_pid" 2>/dev/null || true
  rm -f "$work/port"
  start_service "$dir"
  sleep "$seconds"
  touch "$work/stop"; wait "$load_pid"; load_pid=""
  # Let the plan worker and the dispatcher finish what the load left.
  for _ in $(seq 600); do
    left=$(sql "SELECT (SELECT COUNT(*) FROM signals WHERE planned_at_us IS NULL) + (SELECT COUNT(*) FROM deliveries WHERE state = 'pending')")
    [[ $left == 0 ]] && break
    sleep 0.1
  done
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""

  awk '$2 ~ /^2/ {print $1}' "$dir/answers" | sort -u > "$dir/acked"
  ack=$(wc -l < "$dir/acked")
  sql "SELECT webhook_id FROM signals" | sort > "$dir/stored_all"
  stored=$(sort -u "$dir/stored_all" | wc -l)
  lost=$(comm -23 "$dir/acked" <(sort -u "$dir/stored_all") | wc -l)
  dup=$(uniq -d "$dir/stored_all" | wc -l)
  deliveries=$(sql "SELECT COUNT(*) FROM deliveries")
  undelivered=$(sql "SELECT COUNT(*) FROM deliveries WHERE state <> 'delivered'")
  stats=$(curl -s "http://127.0.0.1:$receiver_port/stats")
  distinct=$(grep -o '"distinct" *: *[0-9]*' <<<"$stats" | grep -o '[0-9]*$')
  repeats=$(grep -o '"duplicates" *: *[0-9]*' <<<"$stats" | grep -o '[0-9]*$')
  kill "$receiver_pid" 2>/dev/null; wait "$receiver_pid" 2>/dev/null || true; receiver_pid=""
  verdict=ok
  if (( undelivered > 0 )); then
    echo "  not delivered (recipient state count): $(sql "SELECT recipient_id || ' ' || state || ' ' || COUNT(*) FROM deliveries WHERE state <> 'delivered' GROUP BY recipient_id, state" | tr '\n' ';')"
  fi
  if (( lost > 0 || dup > 0 || undelivered > 0 || distinct != deliveries || ack == 0 )); then verdict=FAIL; failed=$((failed + 1)); fi
  echo "trial $trial ($store): acknowledged=$ack stored=$stored lost=$lost duplicates=$dup deliveries=$deliveries undelivered=$undelivered received_distinct=$distinct receiver_repeats=$repeats $verdict"
  total_ack=$((total_ack + ack)); total_stored=$((total_stored + stored)); total_lost=$((total_lost + lost))
  total_dup=$((total_dup + dup)); total_deliveries=$((total_deliveries + deliveries))
  total_distinct=$((total_distinct + distinct)); total_repeats=$((total_repeats + repeats))
done
result=PASS; (( failed > 0 )) && result=FAIL
echo "kill9 $store: $result trials=$trials acknowledged=$total_ack stored=$total_stored lost=$total_lost duplicates=$total_dup deliveries=$total_deliveries received_distinct=$total_distinct receiver_repeats=$total_repeats ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
[[ $result == PASS ]]
