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
# Binaries from $EENPLAN_BUILD (default <repo>/build); built there if missing (tests/faults/lib.sh).
set -euo pipefail
store=${1:-sqlite}
trials=${2:-10}
seconds=${3:-8}
source "$(dirname "$0")/lib.sh"

for trial in $(seq "$trials"); do
  dir="$work/t$trial"; mkdir -p "$dir"; rm -f "$work/port" "$work/stop"
  new_store "$trial" "$dir"
  start_receiver "$dir"
  (umask 077 && openssl rand -hex 32 >"$dir/hub.key")
  write_config "$dir" hub.key
  start_instance service "$dir"
  python3 "$root/tests/faults/load.py" "$work/port" school-a "$secret" "$dir/answers" "$work/stop" 4 &
  load_pid=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN {printf "%.2f", 1 + 2 * r / 32767}')"
  stop_instance service KILL
  start_instance service "$dir"
  sleep "$seconds"
  touch "$work/stop"; wait "$load_pid"; load_pid=""
  drain
  stop_instance service
  check_trial "$dir"
  echo "trial $trial ($store): acknowledged=$ack stored=$stored lost=$lost duplicates=$dup deliveries=$deliveries undelivered=$undelivered received_distinct=$distinct receiver_repeats=$repeats $verdict"
  add_trial
done
result=PASS; (( failed > 0 )) && result=FAIL
echo "kill9 $store: $result trials=$trials $(totals)"
[[ $result == PASS ]]
