#!/usr/bin/env bash
# Backup and restore end to end (PostgreSQL): a hub on a throwaway PostgreSQL 15 takes `children`
# signed signals (tests/faults/send.py) and delivers their tasks; deploy/backup.sh takes the
# database and the key files while the service runs; a second, fresh PostgreSQL cluster gets them
# through deploy/restore.sh (keys into a new directory); the service starts on the restored
# database with the restored keys. Checks:
#   - the restored database holds the same signals, pupils, families, plans and deliveries (a
#     digest of their ids and pseudonyms, before and after);
#   - the service starts on it (no migration to apply) and the same children signalled again are
#     linked to their existing records (the pseudonym key came back with the data): no new pupil;
#   - a damaged backup is refused by restore.sh before anything is written;
#   - backup files are 0600 in a 0700 directory.
# Ends with one verdict line "backup_restore: PASS|FAIL ...".
#   tests/faults/backup_restore.sh [children (50)]
set -euo pipefail
children=${1:-50}
store=postgresql
source "$(dirname "$0")/lib.sh"
pg2_state="$work/postgres2.connection"
trap 'bash "$root/tests/support/postgres.sh" stop "$pg2_state" >/dev/null 2>&1; faults_cleanup' EXIT

dir="$work/t1"; mkdir -p "$dir"
new_store 1 "$dir"
start_receiver "$dir"
mkdir -p "$dir/keys"
openssl rand -hex 32 > "$dir/keys/hub-v1.key"
openssl rand -hex 32 > "$dir/keys/data-v1.key"
chmod 600 "$dir/keys/"*
write_config "$dir" keys/hub-v1.key
sed -i 's|keys: {pseudonym_keys: \[{version: 1, file: keys/hub-v1.key}\]}|keys: {pseudonym_keys: [{version: 1, file: keys/hub-v1.key}], data_keys: [{version: 1, file: keys/data-v1.key}]}|' "$dir/eenplan.yaml"
grep -q data_keys "$dir/eenplan.yaml"
start_instance service "$dir"
port=${instance_port[service]}
python3 "$root/tests/faults/send.py" "$port" school-a "$secret" msg_before 1 "$children" 12AB > "$dir/answers"
drain

digest() {  # digest <connection>: what must survive, as one hash
  psql "$1" -Atqc "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
      SELECT 's' || signal_id || webhook_id || COALESCE(subject_pseudonym, '') AS x FROM signals
      UNION ALL SELECT 'p' || pupil_id FROM pupils
      UNION ALL SELECT 'i' || pseudonym || pupil_id FROM pupil_identifiers
      UNION ALL SELECT 'f' || family_id FROM plans
      UNION ALL SELECT 'd' || delivery_id || state FROM deliveries) t"
}
count() { psql "$1" -Atqc "SELECT COUNT(*) FROM $2"; }
before=$(digest "$connection")
signals_before=$(count "$connection" signals); pupils_before=$(count "$connection" pupils)
deliveries_before=$(count "$connection" deliveries)

t0=$(date +%s.%N)
backup=$(bash "$root/deploy/backup.sh" "$dir/eenplan.yaml" "$work/backups" | tail -1)
backup_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
stop_instance service
backup_size=$(du -sk "$backup" | cut -f1)
modes=$(find "$backup" -type f -printf '%m\n' | sort -u | tr '\n' ' ')
dir_mode=$(stat -c %a "$backup")

# A fresh cluster; a copy of the backup with one byte of the dump changed is refused first.
bash "$root/tests/support/postgres.sh" start "$pg2_state" >/dev/null
psql "$(cat "$pg2_state")" -qc "CREATE DATABASE restored" >/dev/null
restored="$(sed "s/dbname=postgres/dbname=restored/" "$pg2_state")"
cp -a "$backup" "$work/damaged"
printf 'X' | dd of="$work/damaged/database.dump" bs=1 seek=100 conv=notrunc 2>/dev/null
damaged_refused=no
bash "$root/deploy/restore.sh" "$work/damaged" "$restored" "$work/restored-keys" >/dev/null 2>&1 || damaged_refused=yes
[[ $(count "$restored" "pg_tables WHERE schemaname = 'public'") == 0 ]] || damaged_refused="no (tables written)"

t0=$(date +%s.%N)
bash "$root/deploy/restore.sh" "$backup" "$restored" "$work/restored-keys" > "$dir/restore.out"
restore_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
after=$(digest "$restored")

# The service on the restored database and keys, in a new directory.
dir2="$work/t2"; mkdir -p "$dir2"
connection=$restored
other_pids+=("$receiver_pid")  # the first receiver, stopped on exit
start_receiver "$dir2"
write_config "$dir2" "$work/restored-keys/hub-v1.key"
sed -i "s|keys: {pseudonym_keys: \[{version: 1, file: \([^}]*\)}\]}|keys: {pseudonym_keys: [{version: 1, file: \1}], data_keys: [{version: 1, file: $work/restored-keys/data-v1.key}]}|" "$dir2/eenplan.yaml"
start_instance restored "$dir2"
migrated_on_start=$(grep '"store.migrated"' "$dir2/service.log" | grep -o '"count":"[0-9]*"' | grep -o '[0-9]*' | tail -1 || true)
python3 "$root/tests/faults/send.py" "${instance_port[restored]}" school-a "$secret" msg_after 1 "$children" 12AB >> "$dir/answers"
drain
pupils_after=$(count "$restored" pupils); signals_after=$(count "$restored" signals)
stop_instance restored

verdict=PASS
fail() { echo "  FAIL: $*"; verdict=FAIL; }
[[ $before == "$after" ]] || fail "the restored database differs from the backed-up one"
(( pupils_after == pupils_before )) || fail "signals about the same children made new pupils ($pupils_before -> $pupils_after)"
(( signals_after == signals_before + children )) || fail "signals after the restore: $signals_after, expected $((signals_before + children))"
[[ $migrated_on_start == 0 ]] || fail "the service applied ${migrated_on_start:-?} migrations to the restored database"
[[ $damaged_refused == yes ]] || fail "a damaged backup was not refused: $damaged_refused"
[[ $modes == "600 " && $dir_mode == 700 ]] || fail "backup modes: files $modes, directory $dir_mode"
(( $(awk '$2 !~ /^2/' "$dir/answers" | wc -l) == 0 )) || fail "a signal was not answered 2xx"
echo "backup_restore: $verdict signals=$signals_before pupils=$pupils_before deliveries=$deliveries_before key_files=$(ls "$backup/keys" | wc -l) backup_s=$backup_s restore_s=$restore_s backup_kb=$backup_size same_digest=$([[ $before == "$after" ]] && echo yes || echo no) damaged_refused=$damaged_refused pupils_after_resend=$pupils_after migrations_on_start=$migrated_on_start ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
[[ $verdict == PASS ]]
