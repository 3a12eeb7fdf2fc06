#!/usr/bin/env bash
# The main job: install what is needed, build eenplan-service, start it over HTTPS on loopback with
# the embedded SQLite store, let two simulated schools send signed signals through it, and show
# what the hub stored. EENPLAN_DEMO_PORT picks the port (default 8443); KEEP_RUNNING=1 leaves the
# service running afterwards. It ends with the web console's address and a demo login.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-demo"
work="$build/run"
port="${EENPLAN_DEMO_PORT:-8443}"

bash "$root/deploy/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DEENPLAN_BUILD_TESTS=OFF -DEENPLAN_BUILD_BENCHMARKS=OFF >/dev/null
# eenplan-service brings the web console with it (console/: npm ci and esbuild, target eenplan_console_assets).
cmake --build "$build" --target eenplan-service eenplan-school-sim eenplan-keys
[[ -f "$build/console/dist/index.html" ]] || echo "note: the console was not built (node and npm are needed)"

rm -rf "$work" && mkdir -p "$work/keys" "$work/tls" && chmod 700 "$work"
cd "$work"
# Keys and secrets: mode 0600 (the service refuses files group or others may read).
old_umask=$(umask)
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout tls/server.key -out tls/server.crt 2>/dev/null
openssl rand -hex 32 > keys/hub-pseudonym-v1.key
openssl rand -hex 32 > keys/data-v1.key  # the tenant data key: reasons encrypted, the audit chain keyed
# The polymorphic master keys; the printed public key is all a school needs to pseudonymise at source.
public_key=$("$build/service/eenplan-keys" generate keys/polymorphic-master.yaml)
umask "$old_umask"
secret_a="whsec_$(openssl rand -base64 32)"
secret_b="whsec_$(openssl rand -base64 32)"
cat > eenplan.yaml <<YAML
listen:
  address: 127.0.0.1
  port: $port
  tls: {certificate: tls/server.crt, private_key: tls/server.key}
database: {backend: sqlite, connection: "db=eenplan.db"}
keys:
  pseudonym_keys: [{version: 1, file: keys/hub-pseudonym-v1.key}]
  data_keys: [{version: 1, file: keys/data-v1.key}]
  polymorphic_master_key: keys/polymorphic-master.yaml
logging: {level: information, file: service.log}
routeboek: $root/deploy/config/routeboek-haaglanden-po.yaml
privacy: {agreements_file: $root/deploy/config/agreements.example.yaml}
sources:
  - {id: obs-de-regenboog, name: "OBS De Regenboog, Den Haag (ParnasSys)", secrets: ["$secret_a"], allow: {brins: [12AB]}}
  - {id: cbs-het-kompas, name: "CBS Het Kompas, Rijswijk (Magister)", secrets: ["$secret_b"], allow: {brins: [34CD]}}
YAML
chmod 600 eenplan.yaml

# A console account for the demo: both roles, so every page can be tried (docs: --add-user).
demo_user=demo
demo_password="$(openssl rand -base64 15 | tr -d '/+=')"
(umask 077 && printf '%s\n' "$demo_password" > console-password)
demo_login=""
if "$build/service/eenplan-service" --help 2>&1 | grep -- '--add-user' >/dev/null; then
  "$build/service/eenplan-service" --config eenplan.yaml --add-user "$demo_user" --role admin --role privacy_officer \
    --password-file console-password >/dev/null && demo_login=yes
fi

"$build/service/eenplan-service" --config eenplan.yaml &
service_pid=$!
cleanup() { [[ "${KEEP_RUNNING:-0}" == 1 ]] || kill "$service_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 100); do
  curl -sf --cacert tls/server.crt "https://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$service_pid" 2>/dev/null || { echo "eenplan-service did not start:"; cat service.log; exit 1; }
  sleep 0.1
done
echo "== eenplan-service is ready on https://127.0.0.1:$port (SQLite store: $work/eenplan.db)"
echo
echo "== Two schools send signed signals (pupils shown redacted; \"(pp)\": the school sends only a"
echo "   polymorphic encryption of the BSN, made at the school under the hub's public key)"
"$build/integration/simulators/eenplan-school-sim" --url "https://127.0.0.1:$port" --ca tls/server.crt --pupils 3 \
  --school "obs-de-regenboog:12AB:GM0518:$secret_a" --school "cbs-het-kompas:34CD:GM0603:$secret_b:$public_key"
echo
echo "== What the hub stored: signals per source and type"
sqlite3 -column -header eenplan.db \
  "SELECT source_id, type, COUNT(*) AS signals, COUNT(DISTINCT subject_pseudonym) AS pupils
   FROM signals GROUP BY source_id, type ORDER BY source_id, type"
echo
echo "== One pupil seen by both schools, once as a plain BSN and once encrypted at source: one hub pseudonym"
sqlite3 -column -header eenplan.db \
  "SELECT subject_pseudonym AS hub_pseudonym, GROUP_CONCAT(DISTINCT source_id) AS sources,
          GROUP_CONCAT(DISTINCT subject_kind) AS arrived_as, COUNT(*) AS signals
   FROM signals GROUP BY subject_pseudonym HAVING COUNT(DISTINCT source_id) > 1"
echo
echo "== One stored signal: no subject in it, and its content encrypted under the pupil's payload key"
echo "   (docs/retention.md: deleting the family's keys makes every copy unreadable)"
sqlite3 eenplan.db "SELECT substr(envelope, 1, 96) || '...' FROM signals WHERE type = 'absence.reported' LIMIT 1"
echo
echo "== The routeboek engine: one plan per family. The pupil both schools report has missed four weeks"
echo "   without explanation: the escalation starts (the school's duty of care, an MDO, leerplicht);"
echo "   the other absent pupil was ill, which does not count. No household is registered yet, so the"
echo "   plan is the pupil's own and the school's municipality stands in for the woongemeente."
for _ in $(seq 100); do
  [[ $(sqlite3 eenplan.db "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NULL") == 0 ]] && break
  sleep 0.1
done
sqlite3 -column -header eenplan.db \
  "SELECT '…' || substr(family_id, -12) AS plan, escalated_since, next_check FROM plans WHERE escalated_since IS NOT NULL"
echo
sqlite3 -column -header eenplan.db \
  "SELECT '…' || substr(family_id, -12) AS plan, kind, replace(rule, 'haaglanden-po/', '') AS rule, recipient, due_date
   FROM plan_decisions WHERE entry = 'decision' AND kind IN ('escalate', 'task') ORDER BY decided_at_us"
echo
echo "== Enrolment sync: every in- and uitschrijving is a notification for the leerplicht office of the"
echo "   woongemeente (Leerplichtwet art. 18). One pupil of OBS De Regenboog was de-enrolled four weeks"
echo "   ago and no school has enrolled him since: absoluut verzuim, a task for leerplicht. (No"
echo "   recipients are configured in this demo, so the decisions are recorded but not delivered.)"
sqlite3 -column -header eenplan.db \
  "SELECT replace(rule, 'haaglanden-po/registration/', '') AS rule, kind, recipient, COUNT(*) AS decisions
   FROM plan_decisions WHERE entry = 'decision' AND rule LIKE '%/registration/%' GROUP BY rule, kind, recipient ORDER BY rule"
echo
echo "== The pupil without a school, found: the plan's absoluut-verzuim task (pseudonymous plan id only)"
sqlite3 -column -header eenplan.db \
  "SELECT '…' || substr(family_id, -12) AS plan, replace(rule, 'haaglanden-po/', '') AS rule, recipient, due_date
   FROM plan_decisions WHERE entry = 'decision' AND rule LIKE '%registration/absoluut_verzuim' AND kind = 'task'"
echo
echo "== A log line (JSON, no personal data)"
grep '"event":"signal.stored"' service.log | tail -1
echo
echo "== Metrics (excerpt of https://127.0.0.1:$port/metrics)"
curl -s --cacert tls/server.crt "https://127.0.0.1:$port/metrics" | grep -E '^eenplan_http_requests_total|^eenplan_ingest_duration_seconds_count'
if [[ "${KEEP_RUNNING:-0}" == 1 ]]; then
  echo; echo "eenplan-service keeps running as pid $service_pid; stop it with: kill $service_pid"
fi
echo
echo "== The web console (Dutch): https://127.0.0.1:$port/console/  (self-signed certificate: $work/tls/server.crt)"
if [[ -n "$demo_login" ]]; then
  echo "   demo login: $demo_user / $demo_password  (roles admin and privacy_officer)"
else
  echo "   no demo login: this eenplan-service has no --add-user"
fi
[[ "${KEEP_RUNNING:-0}" == 1 ]] || echo "   (run with KEEP_RUNNING=1 to keep the service, and so the console, running)"
