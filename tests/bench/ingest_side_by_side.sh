#!/usr/bin/env bash
# eenplan's ingest next to a hand-built Node-RED 4 flow (tests/bench/nodered-peer), under the same
# wrk load (same threads, connections and duration; distinct pre-signed signals), on one throwaway
# PostgreSQL 15, over loopback, all on this machine:
#   1. peak: eenplan on PostgreSQL, eenplan on SQLite, the Node-RED flow; signals/s, p50, p99,
#      rows stored, and eenplan's ratio to the flow. Idle RSS of the service (3 s after start, no
#      request yet) and its peak RSS (VmHWM after the run). Then the ceiling: the same load against
#      the service's HTTP server with no work behind it and against a bare epoll server
#      (eenplan-http-ceiling), and their ratios to the flow: no design goes faster here.
#   2. half of eenplan's PostgreSQL peak, paced (ingest.lua with EENPLAN_RATE), on PostgreSQL and
#      on SQLite at the same rate: p50/p99 of the answer.
#   3. the whole pipeline at that rate on PostgreSQL: the shipped routeboek, the plan worker, the
#      dispatcher and the webhook receiver simulator as recipient; every signal is a new pupil's
#      30-day absence, which the routeboek plans a task for. The lag from receipt to plan decision
#      and to the first delivery attempt, from the stored timestamps (signals.received_at_us is
#      taken before the commit, so it precedes the 202 and the lags are, if anything, overstated;
#      the plan worker stamps each decision when it applies its signal).
#   tests/bench/ingest_side_by_side.sh [peak seconds (10)] [connections (16)] [half-peak seconds (30)]
# EENPLAN_BENCH_PERF=<dir>: also profile (`perf record -e cpu-clock -g`: this VM has no hardware
# counters) the whole machine during the PostgreSQL peak run, and the service for 10 s of the
# PostgreSQL pipeline drain; <dir>/perf-report.txt (the service at peak), perf-postgres-report.txt
# (PostgreSQL's processes at peak), perf-machine-report.txt (the peak's samples by process) and
# perf-pipeline-report.txt (perf report --no-children).
# EENPLAN_BENCH_PG_STATEMENTS=<file>: load pg_stat_statements and append to <file> the statements
# of the PostgreSQL peak run and of the pipeline phase (load and drain) by total time, planning
# included: what PostgreSQL spends its time on.
# EENPLAN_BENCH_ONLY=peak|half: one phase (half needs EENPLAN_BENCH_RATE=<signals/s> then).
# EENPLAN_BENCH_PLAN_WORKERS=<n>, EENPLAN_BENCH_PLAN_BATCH=<n>: the pipeline's plan.workers and
# plan.batch_size (else the defaults). EENPLAN_BENCH_BATCH_WRITERS=<n>: ingest.batch_writers.
# EENPLAN_BENCH_NO_BUILD=1: use EENPLAN_BENCH_BUILD as it is (another tree's build, for an A/B).
# The pipeline phase also prints the plan worker's drain rate: the backlog it had at the end of the
# load over the time it took to plan it.
# Needs wrk, node/npm, PostgreSQL 15 and sqlite3 (deploy/install-deps.sh --test).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-10}
connections=${2:-16}
half_seconds=${3:-30}
threads=2
only=${EENPLAN_BENCH_ONLY:-}
build=${EENPLAN_BENCH_BUILD:-$root/build-bench}
peer="$root/tests/bench/nodered-peer"
work=$(mktemp -d /tmp/eenplan-side.XXXXXX)
chmod 755 "$work"

if [[ -z ${EENPLAN_BENCH_NO_BUILD:-} ]]; then
  CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-$(command -v ccache || true)} \
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target eenplan-service eenplan-ingest-requests eenplan-webhook-receiver \
    eenplan-http-ceiling >/dev/null
fi
if ! cmp -s "$peer/package-lock.json" "$peer/node_modules/.package-lock.json" 2>/dev/null; then
  (cd "$peer" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi

pg_state="$work/postgres.connection"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  bash "$root/tests/support/postgres.sh" stop "$pg_state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
if [[ -n ${EENPLAN_BENCH_PG_STATEMENTS:-} ]]; then
  export EENPLAN_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=1000 -c pg_stat_statements.track_planning=on"
fi
bash "$root/tests/support/postgres.sh" start "$pg_state" >/dev/null
pg_base=$(cat "$pg_state")
pg_port=$(grep -o 'port=[0-9]*' <<<"$pg_base" | cut -d= -f2)
# With EENPLAN_BENCH_PG_STATEMENTS: statements_reset <connection> before a run, statements_dump
# <connection> <run> after it (the statements of that database by total time, planning included).
statements_reset() {
  [[ -n ${EENPLAN_BENCH_PG_STATEMENTS:-} ]] || return 0
  psql "$1" -Atqc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
}
statements_dump() {
  [[ -n ${EENPLAN_BENCH_PG_STATEMENTS:-} ]] || return 0
  {
    echo "-- $2"
    psql "$1" -qc "SELECT round((total_plan_time + total_exec_time)::numeric, 0) AS total_ms,
        round((100 * (total_plan_time + total_exec_time) / SUM(total_plan_time + total_exec_time) OVER ())::numeric, 1) AS pct,
        round(total_plan_time::numeric, 0) AS plan_ms, calls, rows,
        left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_plan_time + total_exec_time DESC LIMIT 30"
  } >>"$EENPLAN_BENCH_PG_STATEMENTS"
}
new_pg_db() {  # new_pg_db <name>: prints its connection string
  psql "$pg_base" -qc "CREATE DATABASE $1" >/dev/null
  sed "s/dbname=postgres/dbname=$1/" <<<"$pg_base"
}

secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
receiver_secret="whsec_dGFzay1zZWNyZXQtb2YtdGhlLXJlY2VpdmVyLTEyMzQ="
(umask 077 && openssl rand -hex 32 >"$work/hub.key")

kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }   # kb <pid> VmRSS|VmHWM
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

service_pid="" service_port=""
# start_service <name> <store> <connection> [pipeline]: the Release service in $work/<name>.
start_service() {
  local name=$1 store=$2 connection=$3 pipeline=${4:-}
  local dir="$work/$name"
  mkdir -p "$dir"
  {
    echo "listen: {address: 127.0.0.1, port: 0, threads: 32}"
    echo "database: {backend: $store, connection: \"$connection\", pool_size: 16}"
    echo "keys: {pseudonym_keys: [{version: 1, file: $work/hub.key}]}"
    echo "logging: {level: notice, file: $dir/service.log}"
    echo "sources: [{id: school-a, secrets: [\"$secret\"]}]"
    echo "ingest: {rate_limit: {enabled: false}, batch_writers: ${EENPLAN_BENCH_BATCH_WRITERS:-0}}   # one source at full speed"
    if [[ -n $pipeline ]]; then
      cat <<YAML
routeboek: $root/deploy/config/routeboek-haaglanden-po.yaml
testing: {default_agreement: true}   # one agreement over every recipient: this is not about data sharing
plan: {$(plan_settings)}
recipients:
  - id: school-12ab
    name: OBS De Regenboog
    connector: webhook
    url: http://127.0.0.1:$receiver_port/eenplan/tasks
    secret: "$receiver_secret"
YAML
    fi
  } >"$dir/eenplan.yaml"
  "$build/service/eenplan-service" --config "$dir/eenplan.yaml" >"$dir/stderr.log" 2>&1 &
  service_pid=$!
  pids+=("$service_pid")
  service_port=""
  for _ in $(seq 300); do
    service_port=$(grep -o '"port":"[0-9]*"' "$dir/service.log" 2>/dev/null | head -1 | grep -o '[0-9]*' || true)
    [[ -n $service_port ]] && break
    sleep 0.05
  done
  [[ -n $service_port ]] || { echo "eenplan-service ($name) did not start:" >&2; tail -5 "$dir/service.log" "$dir/stderr.log" >&2; exit 1; }
}

plan_settings() {  # the pipeline's plan settings from EENPLAN_BENCH_PLAN_WORKERS and _BATCH, if set
  local settings=()
  [[ -n ${EENPLAN_BENCH_PLAN_WORKERS:-} ]] && settings+=("workers: $EENPLAN_BENCH_PLAN_WORKERS")
  [[ -n ${EENPLAN_BENCH_PLAN_BATCH:-} ]] && settings+=("batch_size: $EENPLAN_BENCH_PLAN_BATCH")
  local IFS=,
  echo "${settings[*]}"
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# CPU time in clock ticks: of one process, of every PostgreSQL process (the bench's cluster is the
# only one expected), of the whole machine (busy, all cores). per_signal <ticks> <count>: µs each.
ticks=$(getconf CLK_TCK)
cpu_pid() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_postgres() {
  local total=0 p
  for p in /proc/[0-9]*; do
    [[ $(cat "$p/comm" 2>/dev/null) == postgres ]] && total=$(( total + $(awk '{print $14 + $15}' "$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
cpu_machine() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
per_signal() { awk -v t="$1" -v n="$2" -v hz="$ticks" 'BEGIN {printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0)}'; }
cpu_start() { cpu0=($(cpu_machine) $(cpu_pid "$1") $(cpu_postgres)); }
# cpu_line <pid> <count>: "CPU per request: machine M µs, server S µs, PostgreSQL P µs"
cpu_line() {
  local now=($(cpu_machine) $(cpu_pid "$1") $(cpu_postgres))
  printf 'CPU per request: machine %s µs, server %s µs, PostgreSQL %s µs' "$(per_signal $(( now[0] - cpu0[0] )) "$2")" \
    "$(per_signal $(( now[1] - cpu0[1] )) "$2")" "$(per_signal $(( now[2] - cpu0[2] )) "$2")"
}

# load <port> <seconds> <requests.lua> [rate]: wrk's summary line "rate|requests …|p50|p99".
load() {
  local out
  out=$(EENPLAN_REQUESTS="$3" EENPLAN_THREADS=$threads EENPLAN_RATE=${4:-} \
    wrk -t$threads -c"$connections" -d"$2s" -s "$root/tests/bench/ingest.lua" "http://127.0.0.1:$1")
  printf '%s|%s\n' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(grep '^requests ' <<<"$out")"
}

requests() {  # requests <count> <port> <out.lua> [--first-pupil N]
  "$build/tests/bench/eenplan-ingest-requests" "$1" school-a "$secret" "127.0.0.1:$2" "$3" "${@:4}"
}

echo "eenplan ingest side by side: $(date -u +%Y-%m-%dT%H:%MZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores," \
  "$(free -g | awk '/^Mem:/ {print $2}') GiB; PostgreSQL $(psql "$pg_base" -Atc 'SHOW server_version'), Node-RED" \
  "$(node -p "require('$peer/node_modules/node-red/package.json').version"), node $(node --version);" \
  "wrk -t$threads -c$connections; service, database, peer and wrk share the machine; load average $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A rate
if [[ $only != half ]]; then
  echo "-- peak: wrk -t$threads -c$connections -d${seconds}s, distinct pre-signed signals, each answered after commit"
  count=$(( seconds * 12000 ))
  for target in eenplan-postgresql eenplan-sqlite nodered-postgresql; do
    case $target in
    eenplan-postgresql)
      connection=$(new_pg_db peak_eenplan)
      statements_reset "$connection"
      start_service peak-pg postgresql "$connection"
      ;;
    eenplan-sqlite) connection="db=$work/peak.db"; start_service peak-sqlite sqlite "$connection" ;;
    nodered-postgresql)
      new_pg_db peak_peer >/dev/null
      psql "$(sed 's/dbname=postgres/dbname=peak_peer/' <<<"$pg_base")" -qf "$peer/schema.sql"
      mkdir -p "$work/nodered"
      service_port=$(( 20000 + RANDOM % 30000 ))
      (cd "$peer" && PEER_PORT=$service_port PEER_USER_DIR="$work/nodered" PEER_SECRET=$secret \
        PEER_PSEUDONYM_KEY=$(cat "$work/hub.key") PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=eenplan PGDATABASE=peak_peer \
        exec node node_modules/node-red/red.js --settings settings.js >"$work/nodered/out.log" 2>&1) &
      service_pid=$!
      pids+=("$service_pid")
      for _ in $(seq 200); do
        curl -s -o /dev/null "http://127.0.0.1:$service_port/" && break
        sleep 0.1
      done
      ;;
    esac
    sleep 3
    idle=$(kb "$service_pid" VmRSS)
    requests "$count" "$service_port" "$work/requests.lua"
    if [[ -n ${EENPLAN_BENCH_PERF:-} && $target == eenplan-postgresql ]]; then
      mkdir -p "$EENPLAN_BENCH_PERF"
      perf record -a -e cpu-clock -g -o "$EENPLAN_BENCH_PERF/perf.data" -- sleep "$seconds" >/dev/null 2>&1 &
      perf_pid=$!
    fi
    cpu_start "$service_pid"
    IFS='|' read -r rate[$target] summary <<<"$(load "$service_port" "$seconds" "$work/requests.lua")"
    cpu=$(cpu_line "$service_pid" "$(grep -o 'requests [0-9]*' <<<"$summary" | cut -d' ' -f2)")
    peak=$(kb "$service_pid" VmHWM)
    case $target in
    eenplan-postgresql)
      stored=$(psql "$connection" -Atc "SELECT COUNT(*) FROM signals")
      statements_dump "$connection" "peak, eenplan-postgresql"
      ;;
    eenplan-sqlite) stored=$(sqlite3 "$work/peak.db" "SELECT COUNT(*) FROM signals") ;;
    nodered-postgresql) stored=$(psql "$(sed 's/dbname=postgres/dbname=peak_peer/' <<<"$pg_base")" -Atc "SELECT COUNT(*) FROM signals") ;;
    esac
    printf '%-19s %8s signals/s   %s, stored %s; RSS idle %s MB, peak %s MB; load %s\n%19s %s\n' "$target" \
      "${rate[$target]}" "$summary" "$stored" "$(mb "$idle")" "$(mb "$peak")" "$(cut -d' ' -f1 /proc/loadavg)" "" "$cpu"
    stop_pid "$service_pid"
    if [[ -n ${perf_pid:-} ]]; then
      wait "$perf_pid" || true
      perf report -i "$EENPLAN_BENCH_PERF/perf.data" --no-children --stdio --percent-limit 0.7 --comm eenplan-service \
        >"$EENPLAN_BENCH_PERF/perf-report.txt" 2>/dev/null || true
      perf report -i "$EENPLAN_BENCH_PERF/perf.data" --no-children --stdio --percent-limit 0.7 --comm postgres \
        >"$EENPLAN_BENCH_PERF/perf-postgres-report.txt" 2>/dev/null || true
      perf report -i "$EENPLAN_BENCH_PERF/perf.data" --no-children --stdio --sort comm \
        >"$EENPLAN_BENCH_PERF/perf-machine-report.txt" 2>/dev/null || true
      perf_pid=""
    fi
  done
  awk -v e="${rate[eenplan-postgresql]}" -v s="${rate[eenplan-sqlite]}" -v n="${rate[nodered-postgresql]}" \
    'BEGIN {printf "eenplan/Node-RED: PostgreSQL %.2fx, SQLite %.2fx\n", e / n, s / n}'
  # The ceiling: the same load against servers that do no work at all (tests/bench/http_ceiling.cpp).
  # What wrk and the loopback allow on this machine, and what the service's HTTP layer alone allows:
  # no ingest design goes faster than these in this bench.
  echo "-- ceiling: the same load, each request read whole and answered 202 with no work behind it"
  for mode in service raw; do
    "$build/tests/bench/eenplan-http-ceiling" "$mode" >"$work/ceiling.out" 2>&1 &
    service_pid=$!
    pids+=("$service_pid")
    for _ in $(seq 100); do grep -q port "$work/ceiling.out" 2>/dev/null && break; sleep 0.05; done
    service_port=$(grep -o '"port": *[0-9]*' "$work/ceiling.out" | grep -o '[0-9]*$')
    requests "$count" "$service_port" "$work/requests.lua"
    cpu_start "$service_pid"
    IFS='|' read -r rate[ceiling-$mode] summary <<<"$(load "$service_port" "$seconds" "$work/requests.lua")"
    cpu=$(cpu_line "$service_pid" "$(grep -o 'requests [0-9]*' <<<"$summary" | cut -d' ' -f2)")
    printf '%-19s %8s requests/s  %s; load %s\n%19s %s\n' "ceiling-$mode" "${rate[ceiling-$mode]}" "$summary" \
      "$(cut -d' ' -f1 /proc/loadavg)" "" "$cpu"
    stop_pid "$service_pid"
  done
  awk -v c="${rate[ceiling-service]}" -v r="${rate[ceiling-raw]}" -v n="${rate[nodered-postgresql]}" -v cores="$(nproc)" \
    'BEGIN {printf "ceiling/Node-RED: the service'"'"'s HTTP server with no work %.2fx, a bare epoll server %.2fx;" \
      " 5x the flow is %.0f signals/s, %.0f µs of the machine'"'"'s CPU per signal\n", c / n, r / n, 5 * n, cores * 1e6 / (5 * n)}'
fi

[[ $only == peak ]] && exit 0
half=${EENPLAN_BENCH_RATE:-$(awk -v e="${rate[eenplan-postgresql]}" 'BEGIN {printf "%d", e / 2}')}
echo "-- half of peak, ingest: $half signals/s paced, wrk -t$threads -c$connections -d${half_seconds}s, as in the peak runs"
for store in postgresql sqlite; do
  if [[ $store == postgresql ]]; then connection=$(new_pg_db half_ingest); else connection="db=$work/half.db"; fi
  start_service "half-$store" "$store" "$connection"
  requests $(( half * half_seconds * 12 / 10 + 1000 )) "$service_port" "$work/requests.lua"
  IFS='|' read -r achieved summary <<<"$(load "$service_port" "$half_seconds" "$work/requests.lua" "$half")"
  rss=$(kb "$service_pid" VmRSS)
  printf '%-19s %8s signals/s   %s; RSS %s MB; load %s\n' "eenplan-$store" "$achieved" "$summary" "$(mb "$rss")" \
    "$(cut -d' ' -f1 /proc/loadavg)"
  stop_pid "$service_pid"
done

echo "-- half of peak, pipeline: $half signals/s paced for ${half_seconds}s on PostgreSQL, each a new pupil's absence that" \
  "the routeboek plans a task for; plan worker, dispatcher (defaults) and the webhook receiver running"
"$build/integration/simulators/eenplan-webhook-receiver" --secret "$receiver_secret" >"$work/receiver.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q port "$work/receiver.out" 2>/dev/null && break; sleep 0.05; done
receiver_port=$(grep -o '"port": *[0-9]*' "$work/receiver.out" | grep -o '[0-9]*$')

# percentiles <file of microseconds>: "p50 X ms, p99 Y ms, max Z ms (n N)"
percentiles() {
  sort -n "$1" | awk '{v[NR] = $1} END {
    if (NR == 0) { print "none"; exit }
    i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
    printf "p50 %.0f ms, p99 %.0f ms, max %.0f ms (n %d)", v[i50] / 1000, v[i99] / 1000, v[NR] / 1000, NR }'
}

connection=$(new_pg_db half_pipeline)
sql() { psql "$connection" -Atqc "$1"; }
start_service half-pipeline postgresql "$connection" pipeline
requests $(( half * half_seconds * 12 / 10 + 1000 )) "$service_port" "$work/requests.lua" --first-pupil 1000000
statements_reset "$connection"
IFS='|' read -r achieved summary <<<"$(load "$service_port" "$half_seconds" "$work/requests.lua" "$half")"
rss=$(kb "$service_pid" VmRSS)
backlog=$(sql "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NULL AND plan_parked_at_us IS NULL")
if [[ -n ${EENPLAN_BENCH_PERF:-} ]]; then  # the plan worker and the dispatcher at work
  perf record -e cpu-clock -g -o "$EENPLAN_BENCH_PERF/perf-pipeline.data" -p "$service_pid" -- sleep 10 >/dev/null 2>&1 || true
  perf report -i "$EENPLAN_BENCH_PERF/perf-pipeline.data" --no-children --stdio --percent-limit 0.7 \
    >"$EENPLAN_BENCH_PERF/perf-pipeline-report.txt" 2>/dev/null || true
fi
# Let the plan worker and the dispatcher finish what the load left (at most ~5 min), then read the lags.
# The plan worker's drain rate: the backlog it had at the end of the load over the time it took.
drain_start=$(date +%s.%N)
planned_in=""
for _ in $(seq 3000); do
  IFS='|' read -r unplanned pending <<<"$(sql "SELECT (SELECT COUNT(*) FROM signals WHERE planned_at_us IS NULL AND plan_parked_at_us IS NULL), (SELECT COUNT(*) FROM deliveries WHERE state = 'pending')")"
  [[ -z $planned_in && $unplanned == 0 ]] && planned_in=$(awk -v a="$drain_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
  left=$(( unplanned + pending ))
  [[ $left == 0 ]] && break
  sleep 0.1
done
waited=$(awk -v a="$drain_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
sql "SELECT MIN(d.decided_at_us) - s.received_at_us FROM plan_decisions d JOIN signals s ON s.signal_id = d.signal_id
     WHERE d.entry = 'decision' GROUP BY s.signal_id, s.received_at_us" >"$work/decision.lag"
sql "SELECT MIN(a.started_at_us) - s.received_at_us FROM plan_decisions d JOIN signals s ON s.signal_id = d.signal_id
     JOIN delivery_attempts a ON a.delivery_id = d.delivery_id WHERE d.entry = 'decision'
     GROUP BY s.signal_id, s.received_at_us" >"$work/attempt.lag"
# The dispatcher's share: from the decision's stamp (the start of its plan batch) to the attempt.
sql "SELECT MIN(a.started_at_us) - MIN(d.decided_at_us) FROM plan_decisions d JOIN delivery_attempts a
     ON a.delivery_id = d.delivery_id WHERE d.entry = 'decision' GROUP BY d.delivery_id" >"$work/dispatch.lag"
signals=$(sql "SELECT COUNT(*) FROM signals")
printf '%-19s %8s signals/s   %s; RSS %s MB; unplanned at the end of the load %s; load %s\n' "eenplan-postgresql" \
  "$achieved" "$summary" "$(mb "$rss")" "$backlog" "$(cut -d' ' -f1 /proc/loadavg)"
printf '    lag to plan decision:          %s of %s signals\n' "$(percentiles "$work/decision.lag")" "$signals"
printf '    lag to first delivery attempt: %s; drained %s s after the load%s\n' \
  "$(percentiles "$work/attempt.lag")" "$waited" "$([[ $left == 0 ]] || echo ", $left left")"
printf '    from plan decision to first attempt: %s\n' "$(percentiles "$work/dispatch.lag")"
if [[ $backlog -gt 0 && -n $planned_in ]]; then
  printf '    plan worker drain:             %s unplanned signals in %s s after the load, %s signals/s\n' "$backlog" \
    "$planned_in" "$(awk -v n="$backlog" -v t="$planned_in" 'BEGIN {printf "%.0f", n / (t > 0.05 ? t : 0.05)}')"
fi
statements_dump "$connection" pipeline
stop_pid "$service_pid"
