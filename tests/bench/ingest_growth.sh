#!/usr/bin/env bash
# Ingest on a grown PostgreSQL store against the same store empty: measures the ingest rate (wrk,
# as in ingest_side_by_side.sh) on an empty database, then bulk-loads <signals> stored signals
# for <pupils> pupil records (pupils, pupil_identifiers, signals, signal_links: the tables ingest
# reads and writes), each row shaped like the rows the service wrote in the first run (the same
# sealed envelope size, real-looking ids and pseudonyms, times spread over the past year), and
# measures again on the grown database. Rows go in through the real schema, indexes in place, in
# chunks of 1 000 000 (progress printed), so the indexes grow as they would in service.
#   tests/bench/ingest_growth.sh [signals (10000000)] [pupils (1000000)] [seconds (10)] [connections (16)]
# Loading 10 million rows takes a while on a 2-core machine; this is a script, not a CI test.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
signals=${1:-10000000}
pupils=${2:-1000000}
seconds=${3:-10}
connections=${4:-16}
threads=2
build=${EENPLAN_BENCH_BUILD:-$root/build-bench}
work=$(mktemp -d /tmp/eenplan-growth.XXXXXX)
chmod 755 "$work"
CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-$(command -v ccache || true)} \
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target eenplan-service eenplan-ingest-requests >/dev/null

pg_state="$work/postgres.connection"
service_pid=""
cleanup() {
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null || true
  bash "$root/tests/support/postgres.sh" stop "$pg_state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$root/tests/support/postgres.sh" start "$pg_state" >/dev/null
psql "$(cat "$pg_state")" -qc "CREATE DATABASE growth" >/dev/null
connection="$(sed 's/dbname=postgres/dbname=growth/' "$pg_state")"
sql() { psql "$connection" -v ON_ERROR_STOP=1 -Atq "$@"; }

secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
(umask 077 && openssl rand -hex 32 >"$work/hub.key")
cat >"$work/eenplan.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 32}
database: {backend: postgresql, connection: "$connection", pool_size: 16}
keys: {pseudonym_keys: [{version: 1, file: $work/hub.key}]}
logging: {level: notice, file: $work/service.log}
sources: [{id: school-a, secrets: ["$secret"]}]
ingest: {rate_limit: {enabled: false}}   # one source at full speed
YAML

run=0
measure() {  # measure <label>: one wrk run against a fresh service process; prints the rate line
  run=$(( run + 1 ))
  : >"$work/service.log"
  "$build/service/eenplan-service" --config "$work/eenplan.yaml" >"$work/stderr.log" 2>&1 &
  service_pid=$!
  local port=""
  for _ in $(seq 600); do
    port=$(grep -o '"port":"[0-9]*"' "$work/service.log" 2>/dev/null | head -1 | grep -o '[0-9]*' || true)
    [[ -n $port ]] && break
    sleep 0.05
  done
  [[ -n $port ]] || { echo "eenplan-service did not start" >&2; tail -5 "$work/service.log" "$work/stderr.log" >&2; exit 1; }
  # Run r sends the pupils of the 5 000-pupil pool under new webhook-ids (the generator's ids are
  # msg_load_<i>; the first run's rows are renamed below so that a later run is no replay).
  "$build/tests/bench/eenplan-ingest-requests" $(( seconds * 12000 )) school-a "$secret" "127.0.0.1:$port" "$work/requests.lua"
  local out
  out=$(EENPLAN_REQUESTS="$work/requests.lua" EENPLAN_THREADS=$threads \
    wrk -t$threads -c"$connections" -d"${seconds}s" -s "$root/tests/bench/ingest.lua" "http://127.0.0.1:$port")
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  printf '%-34s %8s signals/s   %s\n' "$1" "$rate" "$(grep '^requests ' <<<"$out")"
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""
  sql -c "UPDATE signals SET webhook_id = 'run${run}_' || webhook_id WHERE webhook_id LIKE 'msg_load_%'"
}

echo "eenplan ingest growth: $(date -u +%Y-%m-%dT%H:%MZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
  "PostgreSQL $(sql -c 'SHOW server_version'); wrk -t$threads -c$connections -d${seconds}s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "empty database"
empty=$rate

# Templates from what the service stored: one signal row and its link.
template=$(sql -c "SELECT signal_id FROM signals ORDER BY received_at_us LIMIT 1")
[[ -n $template ]] || { echo "the first run stored nothing" >&2; exit 1; }
start=$(date +%s)
sql <<SQL
SET synchronous_commit = off;
CREATE UNLOGGED TABLE bulk_pupils AS
  SELECT g, gen_random_uuid()::text AS pupil_id,
         encode(sha256(('bulk-pupil-' || g)::bytea), 'hex') AS pseudonym
  FROM generate_series(0, $pupils - 1) g;
CREATE INDEX ON bulk_pupils (g);
INSERT INTO pupils (pupil_id, created_at_us, created_by_signal, merged_into, family_id)
  SELECT pupil_id, (extract(epoch FROM now()) * 1e6)::bigint - (g % 365) * 86400000000, gen_random_uuid()::text, NULL, NULL
  FROM bulk_pupils;
INSERT INTO pupil_identifiers (pseudonym, kind, pupil_id, signal_id, added_at_us)
  SELECT b.pseudonym, i.kind, b.pupil_id, gen_random_uuid()::text, (extract(epoch FROM now()) * 1e6)::bigint
  FROM bulk_pupils b, (SELECT kind FROM pupil_identifiers LIMIT 1) i;
SQL
echo "loaded $pupils pupils in $(( $(date +%s) - start )) s"
chunk=1000000
for (( from = 0; from < signals; from += chunk )); do
  to=$(( from + chunk < signals ? from + chunk : signals ))
  sql <<SQL
SET synchronous_commit = off;
CREATE UNLOGGED TABLE bulk_signals AS
  SELECT n AS g, gen_random_uuid()::text AS signal_id, b.pupil_id, b.pseudonym,
         (extract(epoch FROM now()) * 1e6)::bigint - 86400000000 - ((n::bigint * 7919) % 31536000) * 1000000 AS received_at_us
  FROM generate_series($from, $to - 1) AS series(n) JOIN bulk_pupils b ON b.g = n % $pupils;
INSERT INTO signals (signal_id, source_id, webhook_id, correlation_id, type, occurred_at, received_at_us, subject_kind,
                     subject_pseudonym, school_brin, school_gemeentecode, envelope, planned_at_us)
  SELECT s.signal_id, t.source_id, 'bulk_' || s.g, gen_random_uuid()::text, t.type, t.occurred_at, s.received_at_us,
         t.subject_kind, s.pseudonym, t.school_brin, t.school_gemeentecode, t.envelope, s.received_at_us + 50000
  FROM bulk_signals s, (SELECT * FROM signals WHERE signal_id = '$template') t;
INSERT INTO signal_links (signal_id, pupil_id, rule, score, evidence, linked_at_us)
  SELECT s.signal_id, s.pupil_id, l.rule, l.score, l.evidence, s.received_at_us
  FROM bulk_signals s, (SELECT * FROM signal_links WHERE signal_id = '$template') l;
DROP TABLE bulk_signals;
SQL
  echo "loaded $to signals, $(( $(date +%s) - start )) s"
done
sql -c "DROP TABLE bulk_pupils"
sql -c "VACUUM ANALYZE"
echo "database: $(sql -c "SELECT pg_size_pretty(pg_database_size('growth'))"), signals $(sql -c 'SELECT COUNT(*) FROM signals'),"\
  "pupils $(sql -c 'SELECT COUNT(*) FROM pupils'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "$signals signals, $pupils pupils"
grown=$rate
measure "again (warm cache)"
awk -v e="$empty" -v g="$grown" -v w="$rate" 'BEGIN {printf "grown/empty: %.0f %% (first run), %.0f %% (second run)\n", 100 * g / e, 100 * w / e}'
