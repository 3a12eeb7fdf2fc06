#!/usr/bin/env bash
# Fault harness: a task receiver down for an hour, one that answers slowly, one healthy and one
# that never comes back, all at once, with time compressed by the service's test clock
# (testing.manual_clock, POST /v1/test/clock). Four eenplan-webhook-receivers, one per school:
#   down     school-12ab  answers 503 from the start until the clock has moved `outage` seconds
#   slow     school-34cd  answers every request after `delay` ms (real time)
#   healthy  school-56ef  answers at once
#   never    school-78gh  answers 503 throughout; its deliveries must go to dead letter
# The signals (tests/faults/send.py, `count` per school) are sent first; then, in real time, the
# healthy receiver must have all its tasks while the slow one is still being served (the other
# receivers are not delayed), then the clock moves in steps of `step` seconds (each step waits
# until the dispatcher has done what became due), the down receiver comes back after the outage,
# and the run goes on until no delivery is pending. Checks:
#   - every signal answered 2xx and stored once;
#   - the healthy receiver had all its tasks within 5 s of the last one being queued (behind the
#     slow one it would wait about count x delay / 2);
#   - after recovery every delivery to down, slow and healthy is delivered, each receiver took each
#     delivery id once in effect (distinct = deliveries);
#   - dead letters exactly as the retry schedule says ([60, 300, 900] s with 20 % jitter, maximum
#     age 1800 s), judged per delivery from its own attempts: no attempt sooner than its delay
#     allows; dead only after 4 attempts, or when the next attempt could fall after the maximum
#     age, or when the open circuit breaker held it past the maximum age; every one dead by the
#     maximum age plus one step and the breaker's 30 s; no other delivery dead.
# Ends with one verdict line "receiver_outage <store>: PASS|FAIL ...".
#   tests/faults/receiver_outage.sh [sqlite|postgresql] [count per school (10)] [outage s (3600)]
#                                   [step s (60)] [slow receiver delay ms (1500)]
set -euo pipefail
store=${1:-sqlite}
count=${2:-10}
outage=${3:-3600}
step=${4:-60}
delay=${5:-1500}
healthy_bound=5  # s after every task was queued; behind the slow one it would be about count x delay / 2
source "$(dirname "$0")/lib.sh"

dir="$work/t1"; mkdir -p "$dir"; rm -f "$work/port"
new_store 1 "$dir"
declare -A rport=() brin_of=([down]=12AB [slow]=34CD [healthy]=56EF [never]=78GH)
for name in down slow healthy never; do
  mkdir -p "$dir/$name"
  # The hub signs with its test clock's time, hours ahead of the receiver's.
  start_receiver "$dir/$name" --tolerance-seconds 864000
  rport[$name]=$receiver_port; other_pids+=("$receiver_pid"); receiver_pid=""
done
control() { curl -sf -X POST "http://127.0.0.1:${rport[$1]}/control" -d "$2" >/dev/null; }
control down '{"always": true, "status": 503}'
control never '{"always": true, "status": 503}'
control slow "{\"delay_ms\": $delay}"

openssl rand -hex 32 > "$dir/hub.key"
recipient() {  # recipient <name> <schedule> <max age>
  local id="school-$(tr 'A-Z' 'a-z' <<<"${brin_of[$1]}")"
  cat <<YAML
  - id: $id
    name: $1 receiver
    connector: webhook
    url: http://127.0.0.1:${rport[$1]}/eenplan/tasks
    secret: "$receiver_secret"
    timeout_ms: 5000
    retry: {schedule_seconds: $2, max_age_seconds: $3}
YAML
}
cat > "$dir/eenplan.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 16}
database: {backend: $store, connection: "$connection", pool_size: 8}
keys: {pseudonym_keys: [{version: 1, file: hub.key}]}
logging: {level: information, file: service.log}
sources: [{id: school-a, secrets: ["$secret"]}]
routeboek: $root/deploy/config/routeboek-haaglanden-po.yaml
testing: {manual_clock: true, default_agreement: true}
delivery: {dispatcher_threads: 2, poll_interval_ms: 50, lease_seconds: 30}
recipients:
$(recipient down "[5, 300, 1800, 3600, 7200]" 86400)
$(recipient slow "[5, 300, 1800, 3600, 7200]" 86400)
$(recipient healthy "[5, 300, 1800, 3600, 7200]" 86400)
$(recipient never "[60, 300, 900]" 1800)
YAML
start_instance service "$dir"
port=${instance_port[service]}
clock_us() { curl -sf "http://127.0.0.1:$port/v1/test/clock" | grep -o '"now_us":[0-9]*' | grep -o '[0-9]*$'; }
advance() { curl -sf -X POST "http://127.0.0.1:$port/v1/test/clock" -d "{\"advance_seconds\": $1}" >/dev/null; }
in_state() {  # in_state <name> <state>: deliveries of that receiver's school in that state
  sql "SELECT COUNT(*) FROM deliveries WHERE recipient_id = 'school-$(tr 'A-Z' 'a-z' <<<"${brin_of[$1]}")' AND state = '$2'"
}
start_us=$(clock_us)

t0=$(date +%s.%N)
python3 "$root/tests/faults/send.py" "$port" school-a "$secret" msg_outage 1 "$count" \
  "${brin_of[down]}" "${brin_of[slow]}" "${brin_of[healthy]}" "${brin_of[never]}" > "$dir/answers" || true
# Real time until each receiver has every task of its school (the plan worker queues one per signal).
healthy_s="" slow_s=""
for _ in $(seq 1200); do
  now=$(date +%s.%N)
  [[ $(sql "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NULL") == 0 ]] || { sleep 0.1; continue; }
  [[ -n ${t_planned:-} ]] || t_planned=$(date +%s.%N)  # every task queued
  if [[ -z $healthy_s && $(in_state healthy delivered) -ge $count && $(in_state healthy pending) == 0 ]]; then
    healthy_s=$(awk -v a="$t0" -v b="$now" 'BEGIN {printf "%.1f", b - a}')
    healthy_lag=$(awk -v a="$t_planned" -v b="$now" 'BEGIN {d = b - a; printf "%.1f", d < 0 ? 0 : d}')
    slow_at_healthy=$(in_state slow delivered)
  fi
  if [[ -z $slow_s && $(in_state slow delivered) -ge $count && $(in_state slow pending) == 0 ]]; then
    slow_s=$(awk -v a="$t0" -v b="$now" 'BEGIN {printf "%.1f", b - a}')
  fi
  [[ -n $healthy_s && -n $slow_s ]] && break
  sleep 0.1
done
control slow '{}'

# Waits until every pending delivery due on the hub's clock has been tried and no claim is held
# (at most 10 s): a clock step longer than the lease while a send is on the wire would let another
# thread claim it again, a repeat no real clock would make.
settle() {
  local now; now=$(clock_us)
  for _ in $(seq 100); do
    [[ $(sql "SELECT COUNT(*) FROM deliveries WHERE state = 'pending' AND (next_attempt_at_us <= $now OR claim_token IS NOT NULL)") == 0 ]] && return 0
    sleep 0.1
  done
}
settle
moved=0 recovered_at=""
while (( moved < outage + 6 * 3600 )); do
  if (( moved >= outage )) && [[ -z $recovered_at ]]; then control down '{}'; recovered_at=$moved; fi
  [[ $(sql "SELECT COUNT(*) FROM deliveries WHERE state = 'pending'") == 0 && -n $recovered_at ]] && break
  advance "$step"; moved=$((moved + step))
  settle
done
stop_instance service

# Signals: every answer 2xx, each stored once.
ack=$(awk '$2 ~ /^2/' "$dir/answers" | wc -l); sent=$(wc -l < "$dir/answers")
stored=$(sql "SELECT COUNT(DISTINCT webhook_id) FROM signals"); rows=$(sql "SELECT COUNT(*) FROM signals")
verdict=PASS
fail() { echo "  FAIL: $*"; verdict=FAIL; }
(( ack == 4 * count && stored == ack && rows == stored )) || fail "signals: sent=$sent acknowledged=$ack stored=$stored rows=$rows"
[[ -n $healthy_s ]] || fail "the healthy receiver did not get its tasks"
[[ -n $slow_s ]] || fail "the slow receiver did not get its tasks"
if [[ -n $healthy_s ]]; then
  awk -v h="$healthy_lag" -v b="$healthy_bound" 'BEGIN {exit !(h <= b)}' ||
    fail "the healthy receiver had its last task ${healthy_lag}s after every task was queued (bound ${healthy_bound}s)"
  (( slow_at_healthy < count )) || echo "  note: the slow receiver was already done when the healthy one was ($slow_at_healthy of $count)"
fi
# Delivered once in effect, per receiver.
summary=""
for name in down slow healthy; do
  total=$(( $(in_state "$name" delivered) + $(in_state "$name" pending) + $(in_state "$name" dead) ))
  delivered=$(in_state "$name" delivered)
  stats=$(curl -s "http://127.0.0.1:${rport[$name]}/stats")
  distinct=$(grep -o '"distinct" *: *[0-9]*' <<<"$stats" | grep -o '[0-9]*$')
  repeats=$(grep -o '"duplicates" *: *[0-9]*' <<<"$stats" | grep -o '[0-9]*$')
  (( total >= count && delivered == total && distinct == total )) ||
    fail "$name: deliveries=$total delivered=$delivered received_distinct=$distinct"
  summary+=" ${name}_delivered=$delivered/$total ${name}_repeats=$repeats"
done
# Dead letters: when the schedule says, and only there.
never_id="school-$(tr 'A-Z' 'a-z' <<<"${brin_of[never]}")"
never_total=$(sql "SELECT COUNT(*) FROM deliveries WHERE recipient_id = '$never_id'")
never_dead=$(in_state never dead)
# Seconds from queueing to dead letter, per delivery (updated_at is the clock time of the last change).
sql "SELECT (updated_at_us - schedule_started_at_us) / 1000000 FROM deliveries WHERE recipient_id = '$never_id' AND state = 'dead'" | sort -n > "$dir/dead_after"
earliest=$(head -1 "$dir/dead_after"); latest=$(tail -1 "$dir/dead_after")
# Each dead letter against the schedule, from its own attempts (seconds after queueing): no attempt
# came sooner than its delay allows (0.8 x, jitter), and it went dead only with 4 attempts made, or
# when the next attempt could fall after the maximum age (last attempt + 1.2 x its delay > 1800),
# or when the open circuit held it past the maximum age (the breaker's 30 s); never later than the
# maximum age plus one clock step and the breaker's period.
sql "SELECT d.delivery_id, (d.updated_at_us - d.schedule_started_at_us) / 1000000, CASE WHEN d.last_error LIKE '%circuit%' THEN 1 ELSE 0 END, a.attempt, (a.started_at_us - d.schedule_started_at_us) / 1000000.0 FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.delivery_id WHERE d.recipient_id = '$never_id' AND d.state = 'dead' ORDER BY d.delivery_id, a.attempt" > "$dir/dead_attempts"
read -r too_early early_attempts too_late by_attempts by_age by_circuit < <(awk -F'|' -v step="$step" '
  function judge() {
    if (id == "") return
    legit = (k == 4) || (k >= 1 && k < 4 && t[k] + 1.2 * d[k] > 1800) || (circuit && dead + 30 > 1800)
    if (!legit) early++
    if (dead > 1800 + step + 30) late++
    if (k == 4) na++; else if (circuit) nc++; else ng++
  }
  BEGIN { d[1] = 60; d[2] = 300; d[3] = 900 }
  $1 != id { judge(); id = $1; k = 0; dead = $2; circuit = $3 }
  $4 != "" { k++; t[k] = $5; if (k > 1 && t[k] - t[k-1] < 0.8 * d[k-1] - 1) ea++ }
  END { judge(); print early + 0, ea + 0, late + 0, na + 0, ng + 0, nc + 0 }' "$dir/dead_attempts")
(( never_total >= count && never_dead == never_total )) || fail "never: deliveries=$never_total dead=$never_dead"
(( too_early == 0 && early_attempts == 0 && too_late == 0 )) ||
  fail "never: dead before the schedule allows=$too_early attempts sooner than their delay=$early_attempts dead too late=$too_late (s after queueing: $(tr '\n' ' ' < "$dir/dead_after"))"
other_dead=$(sql "SELECT COUNT(*) FROM deliveries WHERE recipient_id <> '$never_id' AND state = 'dead'")
(( never_total >= count && never_dead == never_total )) || fail "never: deliveries=$never_total dead=$never_dead"
(( too_early == 0 && too_late == 0 )) || fail "never: dead too early=$too_early too late=$too_late (seconds after queueing: $(tr '\n' ' ' < "$dir/dead_after"))"
(( other_dead == 0 )) || fail "dead letters to receivers that came back: $other_dead"
down_attempts=$(sql "SELECT COUNT(*) FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id WHERE d.recipient_id = 'school-12ab' AND a.status <> 202")
echo "receiver_outage $store: $verdict signals=$sent acknowledged=$ack stored=$stored healthy_all_delivered_s=${healthy_s:-never} healthy_after_queued_s=${healthy_lag:-never} slow_all_delivered_s=${slow_s:-never} outage_s=$outage clock_moved_s=$moved$summary down_failed_attempts=$down_attempts never_dead=$never_dead/$never_total dead_after_s=${earliest:-}-${latest:-} dead_by_attempts=$by_attempts dead_by_max_age=$by_age dead_by_open_circuit=$by_circuit ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
[[ $verdict == PASS ]]
