#!/usr/bin/env bash
# The query plans of the console's data API on PostgreSQL with 100 000 signals, tasks, deliveries
# and delivery attempts (docs/console-api.md quotes them): a throwaway cluster (tests/support/
# postgres.sh), every migration, generated rows, ANALYZE, then EXPLAIN ANALYZE of the statements
# service/console/console_store.cpp sends for the log's first and a deep page, its filters, the
# delivery issues, health and the dashboard. Prints the plans; stops the cluster on exit.
#   tests/bench/console_explain.sh [rows]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rows=${1:-100000}
state=$(mktemp /tmp/eenplan-console-explain.XXXXXX)
trap 'bash "$root/tests/support/postgres.sh" stop "$state" >/dev/null' EXIT
bash "$root/tests/support/postgres.sh" start "$state" >/dev/null
conn=$(cat "$state")
for f in $(ls "$root"/schemas/sql/*.sql | grep -v '\.sqlite\.sql$' | sort); do
  psql "$conn" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null
done
base=1764500000000000
psql "$conn" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO signals (signal_id, source_id, webhook_id, correlation_id, type, occurred_at, received_at_us, subject_kind, subject_pseudonym, envelope, planned_at_us)
SELECT 'sig-' || lpad(g::text, 7, '0'), 'school-' || (g % 20), 'w' || g, 'corr-' || g,
       CASE WHEN g % 3 = 0 THEN 'absence.reported' ELSE 'enrolment.started' END, '2026-12-01T08:00:00Z',
       $base + g::bigint * 10000000, 'bsn', 'p' || g, '{}', $base + g::bigint * 10000000 + 1000
FROM generate_series(1, $rows) g;
INSERT INTO tasks (task_id, type, recipient_id, subject_pseudonym, due_date, reason, reference, correlation_id, created_by, created_at_us)
SELECT 'task-' || g, 'leerplicht.melding', 'rcp-' || (g % 10), 'p' || g, '2026-12-14', 'r', 'ref', 'corr-' || g, 'routeboek',
       $base + g::bigint * 10000000
FROM generate_series(1, $rows) g;
INSERT INTO deliveries (delivery_id, task_id, recipient_id, connector, payload, state, attempts, schedule_attempts, schedule_started_at_us,
                        next_attempt_at_us, correlation_id, created_at_us, updated_at_us, last_status, last_error)
SELECT 'del-' || lpad(g::text, 7, '0'), 'task-' || g, 'rcp-' || (g % 10), 'webhook', 'x',
       CASE WHEN g % 50 = 0 THEN 'dead' ELSE 'delivered' END, 1, 1, 0, 0, 'corr-' || g,
       $base + g::bigint * 10000000, $base + g::bigint * 10000000 + 5000,
       CASE WHEN g % 50 = 0 THEN 503 ELSE 200 END, CASE WHEN g % 50 = 0 THEN 'HTTP 503' ELSE NULL END
FROM generate_series(1, $rows) g;
INSERT INTO delivery_attempts (delivery_id, attempt, started_at_us, latency_us, status, outcome, error, instance_id, correlation_id)
SELECT 'del-' || lpad(g::text, 7, '0'), 1, $base + g::bigint * 10000000 + 2000, 20000 + g % 1000,
       CASE WHEN g % 50 = 0 THEN 503 ELSE 200 END, CASE WHEN g % 50 = 0 THEN 'dead' ELSE 'delivered' END, NULL, 'i1', 'corr-' || g
FROM generate_series(1, $rows) g;
ANALYZE;
SQL
deep=$((base + rows / 20 * 10000000))
last_day=$((base + rows * 10000000 - 86400000000))
log_in="SELECT signal_id, source_id, type, received_at_us, correlation_id, planned_at_us, plan_parked_at_us FROM signals"
log_out="SELECT a.delivery_id, a.attempt, a.started_at_us, a.latency_us, a.status, a.outcome, a.error, a.correlation_id, d.recipient_id, t.type FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id JOIN tasks t ON t.task_id = d.task_id"
while IFS='|' read -r name sql; do
  echo "== $name"
  psql "$conn" -q -c "EXPLAIN ANALYZE $sql"
done <<EOF2
log in, first page|$log_in ORDER BY received_at_us DESC, signal_id DESC LIMIT 51
log in, deep page|$log_in WHERE (received_at_us, signal_id) < ($deep, 'sig-0005000') ORDER BY received_at_us DESC, signal_id DESC LIMIT 51
log in, one source, deep page|$log_in WHERE source_id = 'school-3' AND (received_at_us, signal_id) < ($deep, 'sig-0005000') ORDER BY received_at_us DESC, signal_id DESC LIMIT 51
log in, correlation id|$log_in WHERE correlation_id = 'corr-77' ORDER BY received_at_us DESC, signal_id DESC LIMIT 51
log out, first page|$log_out ORDER BY a.started_at_us DESC, a.delivery_id DESC, a.attempt DESC LIMIT 51
log out, deep page|$log_out WHERE (a.started_at_us, a.delivery_id, a.attempt) < ($deep, 'x', 2) ORDER BY a.started_at_us DESC, a.delivery_id DESC, a.attempt DESC LIMIT 51
log out, one recipient|$log_out WHERE d.recipient_id = 'rcp-3' ORDER BY a.started_at_us DESC, a.delivery_id DESC, a.attempt DESC LIMIT 51
log out, dead only|$log_out WHERE a.outcome = 'dead' ORDER BY a.started_at_us DESC, a.delivery_id DESC, a.attempt DESC LIMIT 51
delivery issues|SELECT delivery_id, recipient_id, state, last_status, last_error, updated_at_us FROM deliveries WHERE (state IN ('dead', 'blocked') OR (state = 'pending' AND last_error IS NOT NULL)) ORDER BY updated_at_us DESC, delivery_id LIMIT 100000
health, recipient last success|SELECT MAX(updated_at_us) FROM deliveries WHERE recipient_id = 'rcp-3' AND state = 'delivered'
health, recipients 24h|SELECT d.recipient_id, COUNT(*), SUM(CASE WHEN a.outcome = 'delivered' THEN 0 ELSE 1 END) FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id WHERE a.started_at_us >= $last_day GROUP BY d.recipient_id
health, source 24h|SELECT COUNT(*) FROM signals WHERE source_id = 'school-3' AND received_at_us >= $last_day
dashboard, signals per hour|SELECT source_id, received_at_us / 3600000000, COUNT(*) FROM signals WHERE received_at_us >= $last_day GROUP BY source_id, received_at_us / 3600000000
dashboard, deliveries|SELECT COUNT(*), SUM(CASE WHEN outcome = 'delivered' THEN 1 ELSE 0 END) FROM delivery_attempts WHERE started_at_us >= $last_day
EOF2
