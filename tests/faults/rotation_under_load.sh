#!/usr/bin/env bash
# Fault harness: pseudonym key rotation with --repseudonymise running under live signed ingest.
# A known set of `known` children is signalled once (tests/faults/send.py) on key version 1; then
# sustained load starts (tests/faults/load.py, 4 threads, each signal a new pupil), the service is
# restarted on key versions 1 and 2 (version 2 current) while the load goes on, and
# `eenplan-service --repseudonymise` runs while the load goes on and the known children are
# signalled again, then once more after the job. Checks:
#   - the job exits 0 with 0 failed;
#   - no pupil gets a second record: as many pupil records as distinct children signalled, no
#     child's signals on two records, and the known children's signals on as many records as
#     there are known children;
#   - nothing is left on key version 1 (pupil identifiers, parents, moves, signals, tasks);
#   - every webhook-id answered 2xx is stored once, and every queued task is delivered once in
#     effect (the checks of kill9.sh).
# Ends with one verdict line "rotation_under_load <store>: PASS|FAIL ...".
#   tests/faults/rotation_under_load.sh [sqlite|postgresql] [known children (200)] [trials (1)]
set -euo pipefail
store=${1:-sqlite}
known=${2:-200}
trials=${3:-1}
source "$(dirname "$0")/lib.sh"
first_known=1000000  # pupil numbers far from load.py's, which count from 0

t_pupils=0 t_expected=0 t_migrated=0 t_known_signals=0 t_split=0
for trial in $(seq "$trials"); do
  dir="$work/t$trial"; mkdir -p "$dir"; rm -f "$work/port" "$work/stop"
  new_store "$trial" "$dir"
  start_receiver "$dir"
  openssl rand -hex 32 > "$dir/hub-v1.key"
  openssl rand -hex 32 > "$dir/hub-v2.key"
  write_config "$dir" hub-v1.key
  start_instance service "$dir"
  known_send() {  # known_send <id prefix>: the known children once more, each a new webhook-id
    # (answers in a file of their own: load.py appends to $dir/answers at the same time)
    python3 "$root/tests/faults/send.py" "${instance_port[service]}" school-a "$secret" "$1" "$first_known" "$known" 12AB \
      >> "$dir/answers.known"
  }
  known_send "msg_known_v1_$trial"
  python3 "$root/tests/faults/load.py" "$work/port" school-a "$secret" "$dir/answers" "$work/stop" 4 &
  load_pid=$!
  sleep 2
  # Rotation: version 2 becomes current; the service restarts on it under load.
  sed -i "s|pseudonym_keys: \[{version: 1, file: hub-v1.key}\]|pseudonym_keys: [{version: 1, file: hub-v1.key}, {version: 2, file: hub-v2.key}]|" "$dir/eenplan.yaml"
  grep -q 'version: 2' "$dir/eenplan.yaml"
  stop_instance service
  start_instance service "$dir"
  sleep 1
  # The job, while the load goes on and the known children are signalled again.
  (rc=0; cd "$dir" && "$service_bin" --config eenplan.yaml --repseudonymise > "$dir/job.out" 2>&1 || rc=$?; echo $rc > "$dir/job.rc") &
  job_pid=$!
  known_send "msg_known_during_$trial" || true
  wait "$job_pid" || true
  known_send "msg_known_after_$trial" || true
  sleep 1
  touch "$work/stop"; wait "$load_pid"; load_pid=""
  drain
  stop_instance service
  job_rc=$(cat "$dir/job.rc"); job_line=$(grep -o 're-pseudonymised.*' "$dir/job.out" | tail -1 || true)
  migrated=$(grep -o '[0-9]* migrated' <<<"$job_line" | grep -o '[0-9]*' || echo 0)
  cat "$dir/answers.known" >> "$dir/answers"
  check_trial "$dir"
  # After the job every stored pseudonym is on version 2, so a child is one subject pseudonym;
  # one record per child means as many pupils as distinct subjects, and no subject's signals on
  # two records. (Two pupil numbers of the generators may give one BSN: that is one child.)
  pupils=$(sql "SELECT COUNT(*) FROM pupils")
  expected=$(sql "SELECT COUNT(DISTINCT subject_pseudonym) FROM signals")
  split=$(sql "SELECT COUNT(*) FROM (SELECT s.subject_pseudonym FROM signals s JOIN signal_links l ON l.signal_id = s.signal_id GROUP BY s.subject_pseudonym HAVING COUNT(DISTINCT l.pupil_id) > 1) t")
  known_signals=$(sql "SELECT COUNT(*) FROM signals WHERE webhook_id LIKE 'msg_known_%'")
  known_children=$(sql "SELECT COUNT(DISTINCT subject_pseudonym) FROM signals WHERE webhook_id LIKE 'msg_known_%'")
  known_records=$(sql "SELECT COUNT(DISTINCT l.pupil_id) FROM signal_links l JOIN signals s ON s.signal_id = l.signal_id WHERE s.webhook_id LIKE 'msg_known_%'")
  old_left=$(sql "SELECT (SELECT COUNT(*) FROM pupil_identifiers WHERE pseudonym LIKE 'kp1:1:%')
    + (SELECT COUNT(*) FROM signals WHERE subject_pseudonym LIKE 'kp1:1:%')
    + (SELECT COUNT(*) FROM family_parents WHERE pseudonym LIKE 'kp1:1:%')
    + (SELECT COUNT(*) FROM person_moves WHERE pseudonym LIKE 'kp1:1:%')
    + (SELECT COUNT(*) FROM tasks WHERE subject_pseudonym LIKE 'kp1:1:%')")
  if (( job_rc != 0 || pupils != expected || split != 0 || known_records != known_children || old_left != 0 )); then verdict=FAIL; fi
  echo "trial $trial ($store): job_exit=$job_rc ${job_line:-no job output} pupils=$pupils distinct_children=$expected split_children=$split known_children=$known_children known_signals=$known_signals known_records=$known_records left_on_v1=$old_left acknowledged=$ack stored=$stored lost=$lost duplicates=$dup deliveries=$deliveries undelivered=$undelivered received_distinct=$distinct $verdict"
  [[ $verdict == ok ]] || { echo "  job output:"; tail -3 "$dir/job.out" | sed 's/^/    /'; grep -h '"service.failed"\|"error"' "$dir/service.log" | tail -3 | cut -c1-400 | sed 's/^/    /'; }
  add_trial
  t_pupils=$((t_pupils + pupils)); t_expected=$((t_expected + expected)); t_migrated=$((t_migrated + migrated))
  t_known_signals=$((t_known_signals + known_signals)); t_split=$((t_split + split))
done
result=PASS; (( failed > 0 )) && result=FAIL
echo "rotation_under_load $store: $result trials=$trials known_signals=$t_known_signals pupils=$t_pupils distinct_children=$t_expected split_children=$t_split migrated=$t_migrated $(totals)"
[[ $result == PASS ]]
