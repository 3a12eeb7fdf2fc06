#!/usr/bin/env bash
# Fault harness: two or three eenplan-service instances on one throwaway PostgreSQL 15, sustained
# signed load spread over them round-robin (tests/faults/load.py, 6 threads, each starting on its
# own instance and moving to the next when its connection fails), and one instance killed with
# SIGKILL after a random 1-3 s and not restarted. The others carry the load on; the plan work and
# the deliveries the dead instance had claimed are taken over after their lease (5 s). Each trial
# then checks what kill9.sh checks:
#   - every webhook-id that got a 2xx is stored exactly once (lost = 0, duplicates = 0);
#   - every task delivery the outbox holds is delivered, and the receiver took each one once in
#     effect (distinct ids = deliveries).
# Ends with one verdict line "multi_instance <n>: PASS|FAIL trials=.. acknowledged=.. ...".
#   tests/faults/multi_instance.sh [instances (3)] [trials (3)] [seconds of load after the kill (8)]
# Binaries from $EENPLAN_BUILD (default <repo>/build); built there if missing (tests/faults/lib.sh).
set -euo pipefail
instances=${1:-3}
trials=${2:-3}
seconds=${3:-8}
store=postgresql
source "$(dirname "$0")/lib.sh"

for trial in $(seq "$trials"); do
  dir="$work/t$trial"; mkdir -p "$dir"; rm -f "$work/port" "$work/stop"
  new_store "$trial" "$dir"
  start_receiver "$dir"
  (umask 077 && openssl rand -hex 32 >"$dir/hub.key")
  for i in $(seq "$instances"); do
    mkdir -p "$dir/i$i"
    write_config "$dir/i$i" "$dir/hub.key"
    start_instance "i$i" "$dir/i$i"
  done
  python3 "$root/tests/faults/load.py" "$work/port" school-a "$secret" "$dir/answers" "$work/stop" 6 &
  load_pid=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN {printf "%.2f", 1 + 2 * r / 32767}')"
  victim="i$(( RANDOM % instances + 1 ))"
  stop_instance "$victim" KILL
  sleep "$seconds"
  touch "$work/stop"; wait "$load_pid"; load_pid=""
  drain
  for name in "${!instance_pid[@]}"; do stop_instance "$name"; done
  check_trial "$dir"
  echo "trial $trial ($instances instances, $victim killed): acknowledged=$ack stored=$stored lost=$lost duplicates=$dup deliveries=$deliveries undelivered=$undelivered received_distinct=$distinct receiver_repeats=$repeats $verdict"
  add_trial
done
result=PASS; (( failed > 0 )) && result=FAIL
echo "multi_instance $instances: $result trials=$trials $(totals)"
[[ $result == PASS ]]
