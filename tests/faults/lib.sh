# Shared by the fault scripts (source it): the binaries, a work directory removed on exit, a
# throwaway PostgreSQL 15 when the store is postgresql, the webhook receiver, service instances
# writing their ports to $work/port (one line each, what tests/faults/load.py reads), and the
# checks at the end of a trial. Callers set `store` (sqlite|postgresql) before sourcing.
# Key and secret files the scripts write are 0600 (start-up refuses group- or world-readable ones).
umask 077
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${EENPLAN_BUILD:-$root/build}
service_bin=${EENPLAN_SERVICE_BINARY:-$build/service/eenplan-service}
receiver_bin=${EENPLAN_WEBHOOK_RECEIVER:-$build/integration/simulators/eenplan-webhook-receiver}
if [[ ! -x $service_bin || ! -x $receiver_bin ]]; then
  cmake --build "$build" -j2 --target eenplan-service eenplan-webhook-receiver >/dev/null
fi
work=$(mktemp -d /tmp/eenplan-faults.XXXXXX)
pg_state="$work/postgres.connection"
secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
receiver_secret="whsec_dGFzay1zZWNyZXQtb2YtdGhlLXJlY2VpdmVyLTEyMzQ="
load_pid="" receiver_pid=""
declare -A instance_pid=() instance_port=()
other_pids=()  # further processes a script started (more receivers), stopped on exit

faults_cleanup() {
  for p in $load_pid "${instance_pid[@]}" $receiver_pid "${other_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ $store == postgresql ]] && bash "$root/tests/support/postgres.sh" stop "$pg_state" >/dev/null 2>&1
  rm -rf "$work"
}
trap faults_cleanup EXIT
if [[ $store == postgresql ]]; then bash "$root/tests/support/postgres.sh" start "$pg_state" >/dev/null; fi

# new_store <trial> <dir>: a fresh database for the trial, its connection string in $connection.
new_store() {
  if [[ $store == postgresql ]]; then
    psql "$(cat "$pg_state")" -qc "CREATE DATABASE trial$1" >/dev/null
    connection="$(sed "s/dbname=postgres/dbname=trial$1/" "$pg_state")"
  else
    connection="db=$2/eenplan.db"
  fi
}

sql() {  # sql <query>: one value from the trial's store
  if [[ $store == postgresql ]]; then psql "$connection" -Atqc "$1"; else sqlite3 "${connection#db=}" "$1"; fi
}

# start_receiver <dir> [option...]: the webhook receiver simulator; its port in $receiver_port.
start_receiver() {
  "$receiver_bin" --secret "$receiver_secret" "${@:2}" > "$1/receiver.out" 2>&1 &
  receiver_pid=$!
  for _ in $(seq 100); do grep -q port "$1/receiver.out" 2>/dev/null && break; sleep 0.05; done
  receiver_port=$(grep -o '"port": *[0-9]*' "$1/receiver.out" | grep -o '[0-9]*$')
}

# write_config <dir> <hub-key-file>: the service's settings for this trial, on $connection, with
# the shipped routeboek and the receiver as the one task recipient. Deliveries a dead instance
# had claimed are due again after their lease (5 s).
write_config() {
  cat > "$1/eenplan.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 16}
database: {backend: $store, connection: "$connection", pool_size: 8}
keys: {pseudonym_keys: [{version: 1, file: $2}]}
logging: {level: information, file: service.log}
sources: [{id: school-a, secrets: ["$secret"]}]
ingest: {rate_limit: {enabled: false}}   # the load is one source at full speed
routeboek: $root/deploy/config/routeboek-haaglanden-po.yaml
delivery: {dispatcher_threads: 2, poll_interval_ms: 50, lease_seconds: 5}
testing: {default_agreement: true}   # one agreement over every recipient: this is not about data sharing
recipients:
  - id: school-12ab
    name: OBS De Regenboog
    connector: webhook
    url: http://127.0.0.1:$receiver_port/eenplan/tasks
    secret: "$receiver_secret"
    timeout_ms: 2000
    retry: {schedule_seconds: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], max_age_seconds: 300}
YAML
}

write_ports() {  # the live instances' ports, for load.py
  printf '%s\n' "${instance_port[@]}" > "$work/port.tmp"; mv "$work/port.tmp" "$work/port"
}

# start_instance <name> <dir>: the service in <dir> (its eenplan.yaml), waiting for the port it
# logs; the port joins $work/port.
start_instance() {
  local name=$1 dir=$2 before p=""
  before=$(( $(stat -c %s "$dir/service.log" 2>/dev/null || echo 0) + 1 ))
  (cd "$dir" && exec "$service_bin" --config eenplan.yaml >>"$dir/stderr.log" 2>&1) &
  instance_pid[$name]=$!
  for _ in $(seq 300); do
    p=$(tail -c +"$before" "$dir/service.log" 2>/dev/null | grep -o '"port":"[0-9]*"' | head -1 | grep -o '[0-9]*' || true)
    [[ -n $p ]] && break
    kill -0 "${instance_pid[$name]}" 2>/dev/null || break
    sleep 0.05
  done
  if [[ -z $p ]]; then echo "eenplan-service $name did not start; log:" >&2; tail -5 "$dir/service.log" >&2; return 1; fi
  instance_port[$name]=$p
  write_ports
}

# stop_instance <name> [signal]: kills it (SIGTERM unless told) and takes its port out of the list.
stop_instance() {
  local name=$1 signal=${2:-TERM}
  unset "instance_port[$name]"
  write_ports
  kill -"$signal" "${instance_pid[$name]}" 2>/dev/null || true
  wait "${instance_pid[$name]}" 2>/dev/null || true
  unset "instance_pid[$name]"
}

# Waits until the plan worker and the dispatcher have finished what the load left (at most 60 s).
drain() {
  for _ in $(seq 600); do
    left=$(sql "SELECT (SELECT COUNT(*) FROM signals WHERE planned_at_us IS NULL) + (SELECT COUNT(*) FROM deliveries WHERE state = 'pending')")
    [[ $left == 0 ]] && return 0
    sleep 0.1
  done
}

# check_trial <dir>: after the load and the instances have stopped, compares what was
# acknowledged with what is stored, and the outbox with what the receiver took. Sets ack stored
# lost dup deliveries undelivered distinct repeats, and verdict (ok|FAIL); stops the receiver.
check_trial() {
  local dir=$1 stats
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
  if (( lost > 0 )); then
    echo "  acknowledged, not stored (id answer): $(comm -23 "$dir/acked" <(sort -u "$dir/stored_all") | head -5 | while read -r id; do grep -m1 "^$id " "$dir/answers"; done | tr '\n' ';')"
  fi
  if (( undelivered > 0 )); then
    echo "  not delivered (recipient state count): $(sql "SELECT recipient_id || ' ' || state || ' ' || COUNT(*) FROM deliveries WHERE state <> 'delivered' GROUP BY recipient_id, state" | tr '\n' ';')"
  fi
  verdict=ok
  if (( lost > 0 || dup > 0 || undelivered > 0 || distinct != deliveries || ack == 0 )); then verdict=FAIL; fi
}

# Totals over the trials, for the verdict line.
t_ack=0 t_stored=0 t_lost=0 t_dup=0 t_deliveries=0 t_distinct=0 t_repeats=0 failed=0
add_trial() {
  t_ack=$((t_ack + ack)); t_stored=$((t_stored + stored)); t_lost=$((t_lost + lost)); t_dup=$((t_dup + dup))
  t_deliveries=$((t_deliveries + deliveries)); t_distinct=$((t_distinct + distinct)); t_repeats=$((t_repeats + repeats))
  [[ $verdict == ok ]] || failed=$((failed + 1))
}
totals() {
  echo "acknowledged=$t_ack stored=$t_stored lost=$t_lost duplicates=$t_dup deliveries=$t_deliveries received_distinct=$t_distinct receiver_repeats=$t_repeats ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
}
