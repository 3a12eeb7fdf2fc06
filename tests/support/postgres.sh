#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: initdb + pg_ctl in a temporary directory,
# listening on a free loopback port, run as a non-root user (postgres when started by root).
#   postgres.sh start <state-file>   writes "host=127.0.0.1 port=N user=eenplan dbname=postgres" to it
#   postgres.sh stop <state-file>    stops the cluster and removes its directory
# EENPLAN_PG_OPTIONS: more server options for the start, e.g. "-c shared_preload_libraries=…".
set -euo pipefail
action=$1 state=$2
bindir=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v pg_ctl)")

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  dir=$(mktemp -d /tmp/eenplan-pg.XXXXXX)
  chmod 755 "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U eenplan -A trust -E UTF8 --no-locale >"$dir/initdb.log"
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + RANDOM % 30000 ))
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 ${EENPLAN_PG_OPTIONS:-}" >/dev/null; then
      echo "dir=$dir" >"$state.dir"
      echo "host=127.0.0.1 port=$port user=eenplan dbname=postgres" >"$state"
      echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
      exit 0
    fi
  done
  echo "could not start PostgreSQL; log:" >&2; cat "$dir/server.log" >&2; exit 1
  ;;
stop)
  [[ -f "$state.dir" ]] || exit 0
  dir=$(sed -n 's/^dir=//p' "$state.dir")
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir" "$state" "$state.dir"
  echo "PostgreSQL stopped"
  ;;
*) echo "usage: $0 start|stop <state-file>" >&2; exit 2 ;;
esac
