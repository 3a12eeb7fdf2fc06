#!/usr/bin/env bash
# Ingest on a grown PostgreSQL store against the same store empty, measured side by side: two
# databases in one throwaway cluster, "empty" and "grown", both migrated by the service and seeded
# by the same short ingest run (the request generator's pool of 5 000 pupils, pseudonymised with
# the same hub key, so that the measured signals link to pupils already on record in both).
# "grown" then gets <signals> stored signals for <pupils> pupil records in bulk (pupils,
# pupil_identifiers, signals, signal_links: the tables ingest reads and writes; rows shaped like
# the service's own: the sealed envelope and link of a row the seed run stored, random version 4
# UUIDs as the hub made them before migration 0017, hex pseudonyms, receipt times over the past
# year in insertion order). The load drops the four tables' indexes and constraints, inserts with
# `INSERT … SELECT generate_series`, re-creates them (maintenance_work_mem 1 GB), VACUUM ANALYZEs
# like autovacuum would, all in backends reniced to 10; it then checks that the grown database's
# schema (`pg_dump --schema-only`) is the one the migrations made in "empty".
# Then, for each build: rounds of wrk (-t2 -c16, <seconds> each, a fresh service process per run)
# alternating empty, grown, empty, grown …; every run (with the time from the service's launch to
# its listening port: migrations and the work done at every start), the ratio of the medians,
# load averages.
#   tests/bench/ingest_growth.sh [signals (10000000)] [pupils (1000000)] [rounds (3)] [seconds (10)] [connections (16)]
# EENPLAN_BENCH_BUILD: the build measured (default <root>/build-bench, built here as Release).
# EENPLAN_BENCH_BEFORE=<build dir>: measure that build first (e.g. main's Release build), then
#   EENPLAN_BENCH_BUILD on the same databases (it applies its own migrations when it starts).
#   The databases are loaded with the schema of the first build measured.
# EENPLAN_BENCH_PERF=<dir>: profile one extra grown run of the last build: perf of the service
#   and of the PostgreSQL backends (perf-service.txt, perf-postgres.txt), block reads and hits
#   per index and table during the run (pg-stat.txt), and EXPLAIN (ANALYZE, BUFFERS) of ingest's
#   statements on the grown database (explain.txt).
# A script, not a CI test: the load takes minutes and 11 GB of disk for 10 M signals.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
signals=${1:-10000000}
pupils=${2:-1000000}
rounds=${3:-3}
seconds=${4:-10}
connections=${5:-16}
threads=2
build=${EENPLAN_BENCH_BUILD:-$root/build-bench}
before=${EENPLAN_BENCH_BEFORE:-}
perf_dir=${EENPLAN_BENCH_PERF:-}
work=$(mktemp -d /tmp/eenplan-growth.XXXXXX)
chmod 755 "$work"
CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-$(command -v ccache || true)} \
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target eenplan-service eenplan-ingest-requests >/dev/null
builds=()
[[ -n $before ]] && builds+=("$before")
builds+=("$build")

pg_state="$work/postgres.connection"
service_pid=""
cleanup() {
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null || true
  bash "$root/tests/support/postgres.sh" stop "$pg_state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$root/tests/support/postgres.sh" start "$pg_state" >/dev/null
pg_base=$(cat "$pg_state")
declare -A connection
for db in empty grown; do
  psql "$pg_base" -qc "CREATE DATABASE $db" >/dev/null
  connection[$db]=$(sed "s/dbname=postgres/dbname=$db/" <<<"$pg_base")
done
sql() { local db=$1; shift; psql "${connection[$db]}" -v ON_ERROR_STOP=1 -Atq "$@"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
(umask 077 && openssl rand -hex 32 >"$work/hub.key")

# pg_stat <db>: block reads (outside shared_buffers) and hits per table and index since the last
# pg_stat_reset(), and rows written per table.
pg_stat() {
  echo "blocks read from outside shared_buffers / found in them, per table (heap) and index"
  sql "$1" -F ' ' -c "SELECT * FROM (
      SELECT relname, '(heap)' AS index, heap_blks_read AS read, heap_blks_hit AS hit FROM pg_statio_user_tables
      UNION ALL SELECT relname, indexrelname, idx_blks_read, idx_blks_hit FROM pg_statio_user_indexes) s
    WHERE read + hit > 0 ORDER BY read DESC, hit DESC" | column -t
  echo; echo "rows written per table (inserted, updated), index and sequential scans"
  sql "$1" -F ' ' -c "SELECT relname, n_tup_ins, n_tup_upd, idx_scan, seq_scan FROM pg_stat_user_tables
                      WHERE n_tup_ins + n_tup_upd > 0 ORDER BY n_tup_ins DESC" | column -t
}

run=0
rate=""
# measure <db> <build> <seconds> [perf]: one wrk run against a fresh service process; sets rate.
measure() {
  local db=$1 bin=$2/service/eenplan-service length=$3 profile=${4:-}
  run=$(( run + 1 ))
  cat >"$work/eenplan.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 32}
database: {backend: postgresql, connection: "${connection[$db]}", pool_size: 16}
keys: {pseudonym_keys: [{version: 1, file: $work/hub.key}]}
logging: {level: notice, file: $work/service.log}
sources: [{id: school-a, secrets: ["$secret"]}]
ingest: {rate_limit: {enabled: false}}   # one source at full speed
YAML
  : >"$work/service.log"
  local started=$EPOCHREALTIME
  "$bin" --config "$work/eenplan.yaml" >"$work/stderr.log" 2>&1 &
  service_pid=$!
  local port=""
  for _ in $(seq 6000); do
    port=$(grep -o '"port":"[0-9]*"' "$work/service.log" 2>/dev/null | head -1 | grep -o '[0-9]*' || true)
    [[ -n $port ]] && break
    sleep 0.05
  done
  startup=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
  [[ -n $port ]] || { echo "eenplan-service did not start" >&2; tail -5 "$work/service.log" "$work/stderr.log" >&2; exit 1; }
  # The generator's signals for its pool of 5 000 pupils, ids msg_load_<i>, signed now; after the
  # run the stored ones are renamed (run<r>_msg_load_<i>), so that no later run is a replay.
  "${builds[0]}/tests/bench/eenplan-ingest-requests" $(( length * 12000 )) school-a "$secret" "127.0.0.1:$port" "$work/requests.lua"
  local perf_pids=()
  if [[ -n $profile ]]; then
    perf record -e cpu-clock -g -p "$service_pid" -o "$perf_dir/perf-service.data" -- sleep "$length" >/dev/null 2>&1 &
    perf_pids+=($!)
    local backends=$(pgrep -d, -f "postgres: eenplan $db " || true)
    [[ -n $backends ]] && { perf record -e cpu-clock -g -p "$backends" -o "$perf_dir/perf-postgres.data" -- sleep "$length" >/dev/null 2>&1 & perf_pids+=($!); }
  fi
  local out
  out=$(EENPLAN_REQUESTS="$work/requests.lua" EENPLAN_THREADS=$threads \
    wrk -t$threads -c"$connections" -d"${length}s" -s "$root/tests/bench/ingest.lua" "http://127.0.0.1:$port")
  for p in "${perf_pids[@]}"; do wait "$p" || true; done
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""
  if [[ -n $profile ]]; then sleep 1; pg_stat "$db" >"$perf_dir/pg-stat.txt"; fi  # before the rename below
  sql "$db" -c "UPDATE signals SET webhook_id = 'run${run}_' || webhook_id
                WHERE source_id = 'school-a' AND webhook_id LIKE 'msg_load_%'"
  result="$(grep '^requests ' <<<"$out"); start ${startup} s; load average $(loadavg)"
}

echo "eenplan ingest growth: $(date -u +%Y-%m-%dT%H:%MZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
  "PostgreSQL $(sql empty -c 'SHOW server_version'), shared_buffers $(sql empty -c 'SHOW shared_buffers');" \
  "wrk -t$threads -c$connections -d${seconds}s; load average $(loadavg)"
for b in "${builds[@]}"; do echo "build: $b ($(git -C "$b/.." log -1 --format=%h 2>/dev/null || echo '?'))"; done
# Both databases migrated and seeded by the first build, 5 s each.
for db in empty grown; do
  measure "$db" "${builds[0]}" 5
  echo "seed $db: $rate signals/s"
done

# --- the load ---------------------------------------------------------------------------------
template=$(sql grown -c "SELECT signal_id FROM signals ORDER BY received_at_us LIMIT 1")
[[ -n $template ]] || { echo "the seed run stored nothing" >&2; exit 1; }
tables="'signals','signal_links','pupils','pupil_identifiers'"
start=$(date +%s)
# The backend renices itself through psql's shell escape (this script runs as the cluster's owner
# or root), so the load yields the CPU to everyone else on the machine.
kind="SELECT pg_backend_pid() AS backend \\gset
\\setenv BACKEND :backend
\\! renice -n 10 -p \$BACKEND >/dev/null
SET synchronous_commit = off;
SET maintenance_work_mem = '1GB';
SET max_parallel_maintenance_workers = 0;"
# The indexes and key constraints of the four tables, to re-create after the insert.
sql grown <<SQL
CREATE TABLE bulk_ddl AS
  SELECT 1 AS step, 'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(conname) || ' '
                    || pg_get_constraintdef(oid) AS ddl,
         'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(conname) AS undo
  FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid::regclass::text IN ($tables)
  UNION ALL
  SELECT 2, indexdef, 'DROP INDEX ' || quote_ident(indexname) FROM pg_indexes i
  WHERE tablename IN ($tables) AND schemaname = 'public'
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
SQL
[[ $(sql grown -c "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'") == 0 ]] ||
  { echo "foreign keys in the schema: the loader does not handle them" >&2; exit 1; }
sql grown -c "SELECT undo || ';' FROM bulk_ddl ORDER BY step DESC" | sql grown
# Ids as the hub made them before 0017 (version 4), derived from the row number so that the four
# tables are generated independently; pseudonyms hex like the seed's (64 characters).
sql grown <<SQL
$kind
CREATE FUNCTION pg_temp.uuid4(seed text) RETURNS text IMMUTABLE LANGUAGE sql AS
  \$\$ SELECT overlay(overlay(md5(seed)::uuid::text placing '4' from 15 for 1) placing '8' from 20 for 1) \$\$;
CREATE FUNCTION pg_temp.pseudonym(g bigint) RETURNS text IMMUTABLE LANGUAGE sql AS
  \$\$ SELECT encode(sha256(('bulk-pupil-' || g)::bytea), 'hex') \$\$;
\\set year_us 31536000000000
SELECT (extract(epoch FROM now()) * 1e6)::bigint - :year_us - 86400000000 AS t0 \\gset
INSERT INTO pupils (pupil_id, created_at_us, created_by_signal, merged_into, family_id)
  SELECT pg_temp.uuid4('p' || g), :t0 + g * (:year_us / $pupils), pg_temp.uuid4('s' || g), NULL, NULL
  FROM generate_series(0, $pupils - 1) g;
INSERT INTO pupil_identifiers (pseudonym, kind, pupil_id, signal_id, added_at_us)
  SELECT pg_temp.pseudonym(g), i.kind, pg_temp.uuid4('p' || g), pg_temp.uuid4('s' || g), :t0 + g * (:year_us / $pupils)
  FROM generate_series(0, $pupils - 1) g, (SELECT kind FROM pupil_identifiers LIMIT 1) i;
\\echo loaded $pupils pupils
INSERT INTO signals (signal_id, source_id, webhook_id, correlation_id, type, occurred_at, received_at_us, subject_kind,
                     subject_pseudonym, school_brin, school_gemeentecode, envelope, planned_at_us)
  SELECT pg_temp.uuid4('s' || n), t.source_id, 'bulk_' || n, pg_temp.uuid4('c' || n), t.type, t.occurred_at,
         :t0 + n * (:year_us / $signals), t.subject_kind, pg_temp.pseudonym(n % $pupils), t.school_brin,
         t.school_gemeentecode, t.envelope, :t0 + n * (:year_us / $signals) + 50000
  FROM generate_series(0, $signals - 1) n, (SELECT * FROM signals WHERE signal_id = '$template') t;
\\echo loaded $signals signals
INSERT INTO signal_links (signal_id, pupil_id, rule, score, evidence, linked_at_us)
  SELECT pg_temp.uuid4('s' || n), pg_temp.uuid4('p' || (n % $pupils)), l.rule, l.score, l.evidence,
         :t0 + n * (:year_us / $signals)
  FROM generate_series(0, $signals - 1) n, (SELECT * FROM signal_links WHERE signal_id = '$template') l;
\\echo loaded $signals signal links
SQL
echo "rows inserted: $(( $(date +%s) - start )) s; load average $(loadavg)"
{ echo "$kind"; sql grown -c "SELECT ddl || ';' FROM bulk_ddl ORDER BY step"; echo "DROP TABLE bulk_ddl;"; } | sql grown
echo "indexes and constraints re-created: $(( $(date +%s) - start )) s; load average $(loadavg)"
{ echo "$kind"; echo "VACUUM ANALYZE;"; echo "CHECKPOINT;"; } | sql grown
echo "vacuumed and analysed: $(( $(date +%s) - start )) s; load average $(loadavg)"
schema() { pg_dump --schema-only --no-owner "${connection[$1]}" | grep -Ev '^(--|\\(un)?restrict |$)'; }
if ! diff <(schema empty) <(schema grown) >"$work/schema.diff"; then
  echo "the grown database's schema differs from the migrated one:" >&2; cat "$work/schema.diff" >&2; exit 1
fi
echo "database: $(sql grown -c "SELECT pg_size_pretty(pg_database_size('grown'))"), signals $(sql grown -c 'SELECT COUNT(*) FROM signals')," \
  "pupils $(sql grown -c 'SELECT COUNT(*) FROM pupils'); schema identical to the migrated one (pg_dump --schema-only)"

# --- the measurement --------------------------------------------------------------------------
median() { sort -n | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for b in "${builds[@]}"; do
  echo "build $b"
  declare -A rates=([empty]="" [grown]="")
  for (( r = 1; r <= rounds; r++ )); do
    for db in empty grown; do
      measure "$db" "$b" "$seconds"
      rates[$db]+="$rate "
      printf '  %-6s round %d  %8s signals/s   %s\n' "$db" "$r" "$rate" "$result"
    done
  done
  e=$(tr ' ' '\n' <<<"${rates[empty]}" | grep . | median)
  g=$(tr ' ' '\n' <<<"${rates[grown]}" | grep . | median)
  awk -v e="$e" -v g="$g" 'BEGIN {printf "  median empty %.2f, grown %.2f signals/s: grown/empty %.0f %%\n", e, g, 100 * g / e}'
done
# The measured signals landed on pupils the seed run created (not on new ones): links of the
# runs' signals to pupils older than the runs, against all of the runs' links.
for db in empty grown; do
  echo "$db: $(sql "$db" -c "SELECT COUNT(*) FROM signals WHERE webhook_id LIKE 'run%'") signals stored by the runs," \
    "$(sql "$db" -c "SELECT COUNT(*) FROM signals s JOIN signal_links l USING (signal_id) JOIN pupils p USING (pupil_id)
                      WHERE s.webhook_id LIKE 'run%' AND p.created_by_signal <> s.signal_id") linked to an existing pupil;" \
    "pupils $(sql "$db" -c 'SELECT COUNT(*) FROM pupils')"
done

# --- the profile ------------------------------------------------------------------------------
if [[ -n $perf_dir ]]; then
  mkdir -p "$perf_dir"
  sql grown -c "SELECT pg_stat_reset()" >/dev/null
  measure grown "$build" "$seconds" perf
  echo "profiled grown run: $rate signals/s   $result"
  perf report --no-children --percent-limit 1.5 --stdio -i "$perf_dir/perf-service.data" >"$perf_dir/perf-service.txt" 2>/dev/null || true
  [[ -f $perf_dir/perf-postgres.data ]] &&
    { perf report --no-children --sort dso,symbol --percent-limit 1 --stdio -g none -i "$perf_dir/perf-postgres.data" \
        >"$perf_dir/perf-postgres.txt" 2>/dev/null || true; }
  # Ingest's statements on the grown database, each for 64 new signals of 64 pupils on record
  # (random ones of the million), rolled back: the pseudonym lookup, then the signal and link
  # inserts with random (version 4) ids as the hub made them before 0017 and with time-ordered
  # (version 7) ids, on different pupils so that neither finds the other's leaves in the buffers.
  explain_insert() {  # explain_insert <id expression over g> <pupil offset> <label>
    cat <<SQL
BEGIN;
CREATE TEMP TABLE new_rows AS
  SELECT $1 AS signal_id, g, encode(sha256(('bulk-pupil-' || (g * 7919 + $2) % $pupils)::bytea), 'hex') AS pseudonym,
         md5('p' || (g * 7919 + $2) % $pupils)::uuid::text AS pupil
  FROM generate_series(1, 64) g;
\\echo --- $3: INSERT INTO signals (64 rows)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) INSERT INTO signals (signal_id, source_id, webhook_id, correlation_id,
    type, occurred_at, received_at_us, subject_kind, subject_pseudonym, school_brin, school_gemeentecode, envelope)
  SELECT n.signal_id, source_id, 'explain_' || n.g, n.signal_id, type, occurred_at, received_at_us, subject_kind,
         n.pseudonym, school_brin, school_gemeentecode, envelope
  FROM signals, new_rows n WHERE signals.signal_id = '$template'
  ON CONFLICT (source_id, webhook_id) DO NOTHING;
\\echo --- $3: INSERT INTO signal_links (64 rows)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) INSERT INTO signal_links (signal_id, pupil_id, rule, evidence, linked_at_us)
  SELECT n.signal_id, n.pupil, 'identifier', '{}', 0 FROM new_rows n;
ROLLBACK;
SQL
  }
  v7="lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20)"
  v7="substr($v7, 1, 8) || '-' || substr($v7, 9, 4) || '-7' || substr($v7, 14, 3) || '-8' || substr($v7, 18, 3) || '-' || substr(md5(random()::text), 1, 12)"
  { cat <<SQL
\\echo --- the pseudonym lookup (64 pupils on record)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT pseudonym, pupil_id FROM pupil_identifiers
  WHERE pseudonym IN (SELECT encode(sha256(('bulk-pupil-' || g * 7919 % $pupils)::bytea), 'hex') FROM generate_series(1, 64) g);
SQL
    explain_insert "gen_random_uuid()::text" 1 "version 4 ids"
    explain_insert "$v7" 2 "version 7 ids"
    explain_insert "gen_random_uuid()::text" 3 "version 4 ids, again"
    explain_insert "$v7" 4 "version 7 ids, again"
  } | sql grown >"$perf_dir/explain.txt" 2>&1
  echo "profile in $perf_dir"
fi
