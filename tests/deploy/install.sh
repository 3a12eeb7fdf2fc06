#!/usr/bin/env bash
# What users get: `cmake --install` of a build into a temporary prefix, then the installed programs
# run from that layout alone. The source and build trees are hidden from them (empty tmpfs mounts
# in a mount namespace of their own: as root, else in a user namespace; without either they are
# only left out of the environment, and the script says so), they start in a directory outside
# both with an empty environment, on settings the script writes there. Checks:
#   - the layout: bin/ holds eenplan-service, eenplan-keys, eenplan-keyserver and no simulator;
#     share/eenplan/examples the example settings, routeboeken and calendar; share/eenplan/scripts
#     the backup scripts; lib/systemd/system the units, whose ExecStart names the installed binary
#     (and `systemd-analyze verify` accepts them, when it is there), also /usr/bin when a package
#     build installs the units with DESTDIR and --prefix /usr;
#   - eenplan-keys prints its usage (--help: on stdout, exit 0; no command: exit 64), generates
#     master keys whose public key it prints again, a clients' CA and a client certificate;
#     eenplan-keyserver starts on them and answers GET /healthz over TLS;
#   - eenplan-service starts on SQLite with the installed routeboek and school calendar, takes one
#     signed signal (202), answers GET /healthz, and serves the installed console's index.html at
#     GET /console/ (when the build has the console's assets; if the build tree has them and the
#     prefix does not, that fails), then stops cleanly on SIGTERM.
#   tests/deploy/install.sh [build-dir (default <repo>/build)]
set -euo pipefail
umask 077
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
work=$(mktemp -d /tmp/eenplan-install.XXXXXX)
prefix="$work/prefix" run="$work/run"
secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
service_pid="" keyserver_pid=""
cleanup() {
  for pid in $service_pid $keyserver_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  if [[ -f $run/service.log ]]; then tail -5 "$run/service.log" >&2; fi
  if [[ -f $run/stderr.log ]]; then tail -5 "$run/stderr.log" >&2; fi
  exit 1
}

# How the installed programs are kept from the trees: a private mount namespace (root), else one
# inside a user namespace, else nothing but the empty environment.
hide=()
if unshare -m true 2>/dev/null; then hide=(unshare -m); elif unshare -rm true 2>/dev/null; then hide=(unshare -rm); fi
hidden="hidden by ${hide[*]}"
if (( ${#hide[@]} == 0 )); then
  hidden="only left out of the environment"
  echo "note: no mount namespace here; the trees are only left out of the environment"
fi
keep_env=(PATH=/usr/bin:/bin HOME="$run" LANG=C.UTF-8)
for var in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
  if [[ -n ${!var:-} ]]; then keep_env+=("$var=${!var}"); fi
done
# installed <command...>: runs in $run with the trees hidden, an empty environment but for PATH,
# HOME, LANG and the sanitizers' options, and dies with this script (setpriv --pdeathsig). Every
# step execs the next, so `(installed ...) &` leaves the program's own pid in $!; it replaces the
# shell it runs in, so call it in a subshell: `(installed ...)` or `$(installed ...)`.
installed() {
  local inner=(env -i -C "$run" "${keep_env[@]}" setpriv --pdeathsig KILL -- "$@")
  if (( ${#hide[@]} )); then
    # shellcheck disable=SC2016 # the inner script's own arguments
    exec "${hide[@]}" -- bash -c 'for t in "$1" "$2"; do mount -t tmpfs -o size=64k,mode=000 eenplan-hidden "$t"; done
                                  exec "${@:3}"' _ "$build" "$root" "${inner[@]}"
  fi
  exec "${inner[@]}"
}

cmake --install "$build" --prefix "$prefix" > "$work/install.log" || fail "cmake --install: $(tail -3 "$work/install.log")"

# The layout.
for f in bin/eenplan-service bin/eenplan-keys bin/eenplan-keyserver share/eenplan/scripts/backup.sh \
         share/eenplan/scripts/restore.sh; do
  [[ -x $prefix/$f ]] || fail "$f is not installed (or not executable)"
done
for f in share/eenplan/examples/eenplan.example.yaml share/eenplan/examples/keyserver.example.yaml \
         share/eenplan/examples/agreements.example.yaml share/eenplan/examples/routeboek-haaglanden-po.yaml \
         share/eenplan/examples/schoolvakanties-2026-2028.yaml lib/systemd/system/eenplan-service.service \
         lib/systemd/system/eenplan-keyserver.service share/doc/eenplan/README.md share/doc/eenplan/privacy.md; do
  [[ -f $prefix/$f ]] || fail "$f is not installed"
done
for sim in eenplan-school-sim eenplan-webhook-receiver eenplan-zgw-sim; do
  [[ ! -e $prefix/bin/$sim ]] || fail "the test-only $sim is installed"
done
units="$prefix/lib/systemd/system"
grep -qx "ExecStart=$prefix/bin/eenplan-service --config /etc/eenplan/eenplan.yaml" "$units/eenplan-service.service" ||
  fail "eenplan-service.service: ExecStart does not name $prefix/bin/eenplan-service"
grep -q "^ExecStart=$prefix/bin/eenplan-keyserver " "$units/eenplan-keyserver.service" ||
  fail "eenplan-keyserver.service: ExecStart does not name $prefix/bin/eenplan-keyserver"
if grep -n '/usr/local' "$units"/*.service | grep -v ':#'; then fail "an installed unit still names /usr/local"; fi
# A package build's install (DESTDIR, prefix /usr): the units name /usr/bin.
DESTDIR="$work/stage" cmake --install "$build" --prefix /usr --component systemd > "$work/stage.log" ||
  fail "cmake --install --component systemd: $(tail -3 "$work/stage.log")"
grep -qx "ExecStart=/usr/bin/eenplan-service --config /etc/eenplan/eenplan.yaml" \
  "$work/stage/usr/lib/systemd/system/eenplan-service.service" || fail "with DESTDIR and --prefix /usr, ExecStart is not /usr/bin/eenplan-service"
if command -v systemd-analyze >/dev/null; then
  timeout 60 systemd-analyze verify "$units"/*.service || fail "systemd-analyze verify rejects the installed units"
  echo "systemd-analyze verify: ok"
else
  echo "note: no systemd-analyze here; the units are not verified"
fi

mkdir -m 700 "$run"
if (( ${#hide[@]} )) && (installed cat "$build/CMakeCache.txt" "$root/CMakeLists.txt" >/dev/null 2>&1); then
  fail "the source and build trees are not hidden from the installed programs"
fi
# eenplan-keys from the installed layout.
usage=$(installed "$prefix/bin/eenplan-keys" --help 2>/dev/null) || fail "eenplan-keys --help did not exit 0"
grep -q 'eenplan-keys generate <master.yaml>' <<<"$usage" || fail "eenplan-keys --help: no usage on stdout ($usage)"
status=0
(installed "$prefix/bin/eenplan-keys") >/dev/null 2>&1 || status=$?
[[ $status == 64 ]] || fail "eenplan-keys without a command did not exit 64 (EX_USAGE)"
public=$(installed "$prefix/bin/eenplan-keys" generate master.yaml) || fail "eenplan-keys generate failed"
[[ $(stat -c %a "$run/master.yaml") == 600 ]] || fail "master.yaml is not 0600"
[[ $public =~ ^[0-9a-f]{66}$ ]] || fail "eenplan-keys generate printed no public key ($public)"
[[ $(installed "$prefix/bin/eenplan-keys" public-key master.yaml) == "$public" ]] || fail "public-key differs from generate's"
(installed "$prefix/bin/eenplan-keys" ca clients-ca.key clients-ca.crt 'CN=install test clients CA') > /dev/null ||
  fail "eenplan-keys ca failed"
(installed "$prefix/bin/eenplan-keys" client-certificate clients-ca.key clients-ca.crt 'CN=hub,O=install test' \
  hub.key hub.crt) > /dev/null || fail "eenplan-keys client-certificate failed"
echo "eenplan-keys: usage, generate, public-key, ca, client-certificate ok"

# wait_for_port <log> <pid> <marker>: the port in the first line of <log> with <marker>"<digits>".
wait_for_port() {
  local p=""
  for _ in $(seq 200); do
    p=$(grep -o "$3\"[0-9]*\"" "$1" 2>/dev/null | head -1 | grep -o '[0-9]*' || true)
    [[ -n $p ]] && break
    kill -0 "$2" 2>/dev/null || break
    sleep 0.05
  done
  echo "$p"
}

# eenplan-keyserver from the installed layout, on the keys just made: GET /healthz over TLS.
keyserver_usage=$(installed "$prefix/bin/eenplan-keyserver" 2>&1) && fail "eenplan-keyserver without --config exited 0"
grep -q 'usage: eenplan-keyserver' <<<"$keyserver_usage" || fail "eenplan-keyserver: no usage ($keyserver_usage)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$run/keyserver-tls.key" -out "$run/keyserver-tls.crt" 2>/dev/null
cat > "$run/keyserver.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 2,
         tls: {certificate: keyserver-tls.crt, private_key: keyserver-tls.key, client_ca_file: clients-ca.crt}}
master_key_file: master.yaml
clients: [{id: hub, certificate: {subject: "CN=hub,O=install test"}, domains: [hub]}]
logging: {level: information, file: keyserver.log}
YAML
(installed "$prefix/bin/eenplan-keyserver" --config keyserver.yaml > "$run/keyserver.stderr" 2>&1) &
keyserver_pid=$!
keyserver_port=$(wait_for_port "$run/keyserver.log" "$keyserver_pid" '"event":"keyserver.listening","port":')
[[ -n $keyserver_port ]] || fail "the installed eenplan-keyserver did not start: $(tail -3 "$run/keyserver.stderr" "$run/keyserver.log" 2>&1)"
health=$(curl -sS --cacert "$run/keyserver-tls.crt" --cert "$run/hub.crt" --key "$run/hub.key" -o /dev/null \
  -w '%{http_code}' "https://127.0.0.1:$keyserver_port/healthz") || true
[[ $health == 200 ]] || fail "eenplan-keyserver GET /healthz: $health"
kill -TERM "$keyserver_pid"
status=0
wait "$keyserver_pid" || status=$?
keyserver_pid=""
(( status == 0 )) || fail "eenplan-keyserver exited $status on SIGTERM"
echo "eenplan-keyserver: /healthz 200 over TLS, stopped cleanly"

# eenplan-service from the installed layout, with the installed routeboek and calendar.
openssl rand -hex 32 > "$run/hub.key"
examples="$prefix/share/eenplan/examples"
cat > "$run/eenplan.yaml" <<YAML
listen: {address: 127.0.0.1, port: 0, threads: 4}
database: {backend: sqlite, connection: "db=$run/eenplan.db", pool_size: 2}
keys: {pseudonym_keys: [{version: 1, file: hub.key}]}
logging: {level: information, file: service.log}
sources: [{id: school-a, secrets: ["$secret"]}]
routeboek: $examples/routeboek-haaglanden-po.yaml
school_calendar: $examples/schoolvakanties-2026-2028.yaml
YAML
(installed "$prefix/bin/eenplan-service" --config eenplan.yaml --check-config > "$run/check.log" 2>&1) ||
  fail "--check-config: $(tail -3 "$run/check.log")"
(installed "$prefix/bin/eenplan-service" --config eenplan.yaml > "$run/stderr.log" 2>&1) &
service_pid=$!
port=$(wait_for_port "$run/service.log" "$service_pid" '"port":')
[[ -n $port ]] || fail "the installed eenplan-service did not start"

answer=$(python3 "$root/tests/faults/send.py" "$port" school-a "$secret" install 1 1 12AB) || true
[[ $answer == "install_12AB_1 202" ]] || fail "signed signal: expected 202, got '$answer'"
health=$(curl -sS -o "$work/healthz" -w '%{http_code}' "http://127.0.0.1:$port/healthz") || true
[[ $health == 200 ]] || fail "GET /healthz: $health $(cat "$work/healthz" 2>/dev/null)"
echo "eenplan-service: signal 202, /healthz 200"

console="$prefix/share/eenplan/console"
if [[ -f $console/index.html ]]; then
  status=$(curl -sS -o "$work/console.html" -w '%{http_code}' "http://127.0.0.1:$port/console/") || true
  [[ $status == 200 ]] || fail "GET /console/: $status $(head -c 300 "$work/console.html" 2>/dev/null)"
  cmp -s "$work/console.html" "$console/index.html" || fail "GET /console/ is not the installed index.html"
  echo "eenplan-service: /console/ serves the installed index.html"
elif [[ -f $build/console/dist/index.html ]]; then
  fail "the build has the console's assets but they are not installed in share/eenplan/console"
else
  echo "note: this build has no console assets (no Node.js); /console/ not checked"
fi

kill -TERM "$service_pid"
status=0
wait "$service_pid" || status=$?
service_pid=""
(( status == 0 )) || fail "eenplan-service exited $status on SIGTERM"
echo "install: PASS (prefix layout, keys, service from $prefix with the source and build trees $hidden)"
