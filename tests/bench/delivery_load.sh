#!/usr/bin/env bash
# Delivery throughput: N tasks in the outbox, delivered by one or more eenplan-service instances
# to a local Standard Webhooks receiver (eenplan-webhook-receiver) over loopback.
#   [EENPLAN_LOG_LEVEL=information] tests/bench/delivery_load.sh <build-dir> sqlite|postgresql <instances> <tasks>
# PostgreSQL runs on a throwaway cluster (tests/support/postgres.sh). Prints the receiver's
# counts (no duplicates expected) and the bench program's line.
set -euo pipefail
build=$(realpath "$1") backend=$2 instances=$3 tasks=$4
level=${EENPLAN_LOG_LEVEL:-warning}  # information logs one JSON line per attempt
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/eenplan-delivery-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ $backend == postgresql ]] && bash "$here/tests/support/postgres.sh" stop "$work/pg" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [[ $backend == postgresql ]]; then
  bash "$here/tests/support/postgres.sh" start "$work/pg" >/dev/null
  admin=$(cat "$work/pg")
  psql "$admin" -qc "CREATE DATABASE eenplan_bench" >/dev/null
  connection="${admin%dbname=*}dbname=eenplan_bench"
else
  connection="db=$work/eenplan.db"
fi

secret="whsec_dGFzay1zZWNyZXQtb2YtdGhlLXJlY2VpdmVyLTEyMzQ="
coproc RECEIVER { exec "$build/integration/simulators/eenplan-webhook-receiver" --secret "$secret" --threads 32; }
pids+=("$RECEIVER_PID")
read -r line <&"${RECEIVER[0]}"
port=$(sed 's/[^0-9]//g' <<<"$line")

(umask 077 && openssl rand -hex 32 >"$work/hub-v1.key")
for i in $(seq 1 "$instances"); do
  cat >"$work/eenplan-$i.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 4}
database: {backend: $backend, connection: "$connection", pool_size: 8}
keys: {pseudonym_keys: [{version: 1, file: hub-v1.key}]}
logging: {level: $level, file: service-$i.log}
sources: []
delivery: {dispatcher_threads: 4, batch_size: 200, poll_interval_ms: 20}
testing: {default_agreement: true}   # the bench measures delivery, not the sharing policy
recipients:
  - {id: gm0518, connector: webhook, url: "http://127.0.0.1:$port/eenplan/tasks", secret: "$secret", timeout_ms: 5000}
YAML
done
"$build/service/eenplan-service" --config "$work/eenplan-1.yaml" --migrate >/dev/null
for i in $(seq 1 "$instances"); do
  "$build/service/eenplan-service" --config "$work/eenplan-$i.yaml" &
  pids+=("$!")
done
sleep 1
"$build/tests/bench/eenplan-delivery-bench" "$backend" "$connection" "$tasks" gm0518
echo "receiver: $(curl -s "http://127.0.0.1:$port/stats")"
