#!/usr/bin/env bash
# Fault harness: PostgreSQL stopped and started again under sustained signed load. A throwaway
# PostgreSQL 15 (tests/support/postgres.sh), the service on it, tests/faults/load.py sending
# distinct signed signals from 4 threads; after 2 s PostgreSQL is stopped (pg_ctl -m fast) for
# `outage` seconds, then started again on the same port; the load goes on for 4 s more. Checks:
#   - while it is down the service answers 503 with Retry-After (never a 2xx, never a crash) and
#     /readyz answers 503;
#   - it recovers by itself: 2xx again after the restart, /readyz 200;
#   - every webhook-id that got a 2xx is stored exactly once (lost = 0, duplicates = 0).
# Ends with one verdict line "pg_restart: PASS|FAIL trials=.. acknowledged=.. refused_503_retry_after=..
# other_errors=.. stored=.. lost=.. duplicates=.. readyz_down=.. recovered=..".
#   tests/faults/pg_restart.sh [trials (3)] [outage seconds (5)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
trials=${1:-3}
outage=${2:-5}
build=${EENPLAN_BUILD:-$root/build}
service_bin=${EENPLAN_SERVICE_BINARY:-$build/service/eenplan-service}
[[ -x $service_bin ]] || cmake --build "$build" -j2 --target eenplan-service >/dev/null
work=$(mktemp -d /tmp/eenplan-faults.XXXXXX)
pg_state="$work/postgres.connection"
service_pid="" load_pid=""
cleanup() {
  for p in $load_pid $service_pid; do kill "$p" 2>/dev/null || true; done
  bash "$root/tests/support/postgres.sh" stop "$pg_state" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
bash "$root/tests/support/postgres.sh" start "$pg_state" >/dev/null
pgdir=$(sed -n 's/^dir=//p' "$pg_state.dir")
pgport=$(grep -o 'port=[0-9]*' "$pg_state" | cut -d= -f2)
bindir=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v pg_ctl)")
as_owner() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_stop() { as_owner "$bindir/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null; }
pg_start() {
  as_owner "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $pgport -k $pgdir -c max_connections=200" >/dev/null
}
secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

t_ack=0 t_503=0 t_other=0 t_stored=0 t_lost=0 t_dup=0 t_ready_down=0 t_recovered=0 failed=0
for trial in $(seq "$trials"); do
  dir="$work/t$trial"; mkdir -p "$dir"; rm -f "$work/port" "$work/stop"
  psql "$(cat "$pg_state")" -qc "CREATE DATABASE trial$trial" >/dev/null
  connection="$(sed "s/dbname=postgres/dbname=trial$trial/" "$pg_state")"
  (umask 077 && openssl rand -hex 32 >"$dir/hub.key")
  cat > "$dir/eenplan.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 16}
database: {backend: postgresql, connection: "$connection", pool_size: 8}
keys: {pseudonym_keys: [{version: 1, file: hub.key}]}
logging: {level: information, file: service.log}
sources: [{id: school-a, secrets: ["$secret"]}]
ingest: {rate_limit: {enabled: false}}   # the load is one source at full speed
YAML
  (cd "$dir" && exec "$service_bin" --config eenplan.yaml >>"$dir/stderr.log" 2>&1) &
  service_pid=$!
  port=""
  for _ in $(seq 300); do
    port=$(grep -o '"port":"[0-9]*"' "$dir/service.log" 2>/dev/null | head -1 | grep -o '[0-9]*' || true)
    [[ -n $port ]] && break; sleep 0.05
  done
  echo "$port" > "$work/port"
  python3 "$root/tests/faults/load.py" "$work/port" school-a "$secret" "$dir/answers" "$work/stop" 4 &
  load_pid=$!
  sleep 2
  pg_stop
  sleep "$outage"
  ready_down=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")
  pg_start
  sleep 4
  touch "$work/stop"; wait "$load_pid"; load_pid=""
  ready_after=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")
  alive=ok; kill -0 "$service_pid" 2>/dev/null || alive=dead
  kill "$service_pid" 2>/dev/null; wait "$service_pid" 2>/dev/null || true; service_pid=""

  awk '$2 ~ /^2/ {print $1}' "$dir/answers" | sort -u > "$dir/acked"
  ack=$(wc -l < "$dir/acked")
  refused=$(awk '$2 == "503ra"' "$dir/answers" | wc -l)
  other=$(awk '$2 !~ /^2/ && $2 != "503ra"' "$dir/answers" | wc -l)
  # Answers after the last refusal: the service recovered by itself.
  recovered=$(awk '$2 == "503ra" {n = 0; seen = 1} $2 ~ /^2/ && seen {n++} END {print n + 0}' "$dir/answers")
  psql "$connection" -Atqc "SELECT webhook_id FROM signals" | sort > "$dir/stored_all"
  stored=$(sort -u "$dir/stored_all" | wc -l)
  lost=$(comm -23 "$dir/acked" <(sort -u "$dir/stored_all") | wc -l)
  dup=$(uniq -d "$dir/stored_all" | wc -l)
  verdict=ok
  if (( lost > 0 || dup > 0 || refused == 0 || recovered == 0 )) || [[ $ready_down != 503 || $ready_after != 200 || $alive != ok ]]; then
    verdict=FAIL; failed=$((failed + 1))
  fi
  echo "trial $trial: acknowledged=$ack refused_503_retry_after=$refused other_errors=$other stored=$stored lost=$lost duplicates=$dup readyz_down=$ready_down readyz_after=$ready_after acknowledged_after_recovery=$recovered service=$alive $verdict"
  t_ack=$((t_ack + ack)); t_503=$((t_503 + refused)); t_other=$((t_other + other)); t_stored=$((t_stored + stored))
  t_lost=$((t_lost + lost)); t_dup=$((t_dup + dup)); t_recovered=$((t_recovered + recovered))
done
result=PASS; (( failed > 0 )) && result=FAIL
echo "pg_restart: $result trials=$trials outage=${outage}s acknowledged=$t_ack refused_503_retry_after=$t_503 other_errors=$t_other stored=$t_stored lost=$t_lost duplicates=$t_dup acknowledged_after_recovery=$t_recovered ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
[[ $result == PASS ]]
