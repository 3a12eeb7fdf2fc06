#!/usr/bin/env bash
# Backup of an eenplan hub on PostgreSQL: the database (pg_dump custom format) and every key and
# secret file the settings name (each `file:` and `*_file:` value, except the log file), into one
# new directory, mode 0700, every file 0600, with a MANIFEST of SHA-256 sums that
# deploy/restore.sh checks. Without the pseudonym keys the stored pseudonyms cannot be matched to
# new signals, and without the data keys the sealed reasons cannot be read: a dump alone is not a
# backup. The directory therefore holds everything needed to read pupils' records: keep it
# encrypted and apart from the database host (docs/reliability.md, "Backup and restore").
#   deploy/backup.sh <eenplan.yaml> <backup-parent-dir>   prints the new directory's path
# Needs pg_dump of the server's major version or newer (postgresql-client) and python3-yaml.
# The service may keep running: pg_dump reads one consistent snapshot.
set -euo pipefail
umask 077
config=${1:?usage: deploy/backup.sh <eenplan.yaml> <backup-parent-dir>}
parent=${2:?usage: deploy/backup.sh <eenplan.yaml> <backup-parent-dir>}
config_dir=$(cd "$(dirname "$config")" && pwd)

# The connection string and the key files, resolved against the settings file's directory as
# the service resolves them. One line each: "connection <conninfo>", "file <absolute path>".
settings=$(python3 - "$config" "$config_dir" <<'PY'
import os, sys, yaml
config, base = sys.argv[1], sys.argv[2]
with open(config) as f:
    root = yaml.safe_load(f) or {}
db = root.get("database") or {}
if db.get("backend") != "postgresql":
    sys.exit("backup.sh: database.backend is not postgresql (SQLite: stop the service and copy the file with its keys)")
print("connection", db.get("connection", ""))
files = []
def walk(node, path):
    if isinstance(node, dict):
        for k, v in node.items():
            here = path + [str(k)]
            if isinstance(v, str) and (k == "file" or str(k).endswith("_file")) and here != ["logging", "file"]:
                files.append(v)
            elif isinstance(v, list) and str(k).endswith("_files"):
                files.extend(x for x in v if isinstance(x, str))
            else:
                walk(v, here)
    elif isinstance(node, list):
        for v in node:
            walk(v, path)
walk(root, [])
for f in dict.fromkeys(files):
    print("file", os.path.normpath(os.path.join(base, f)))
PY
)
connection=$(sed -n 's/^connection //p' <<<"$settings")
[[ -n $connection ]] || { echo "backup.sh: no database.connection in $config" >&2; exit 1; }

out="$parent/eenplan-backup-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out/keys"
chmod 700 "$out" "$out/keys"
pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$connection"
declare -A taken=()
while read -r path; do
  [[ -n $path ]] || continue
  name=$(basename "$path")
  if [[ -n ${taken[$name]:-} ]]; then echo "backup.sh: two key files named $name; rename one" >&2; exit 1; fi
  taken[$name]=1
  cp "$path" "$out/keys/$name"
  chmod 600 "$out/keys/$name"
  echo "$path" >> "$out/key-paths"  # where each key lived, for the restore's settings
done < <(sed -n 's/^file //p' <<<"$settings")
cp "$config" "$out/eenplan.yaml"
(cd "$out" && find . -type f ! -name MANIFEST -printf '%P\n' | sort | xargs sha256sum > MANIFEST)
chmod 600 "$out"/* 2>/dev/null || true
echo "$out"
