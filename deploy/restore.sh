#!/usr/bin/env bash
# Restore of a backup made by deploy/backup.sh into an empty PostgreSQL database: checks the
# MANIFEST's SHA-256 sums first (a damaged backup is refused before anything is written), restores
# the dump (pg_restore, stopping at the first error), and copies the key files into <key-dir>
# (mode 0700, files 0600; an existing file with other content is refused, never overwritten).
# Then point the settings' database.connection and key `file:` entries at the restored database
# and <key-dir> (the backed-up settings are in <backup>/eenplan.yaml, the old key paths in
# <backup>/key-paths) and start the service: migrations already applied are skipped.
#   deploy/restore.sh <backup-dir> <conninfo of an empty database> <key-dir>
set -euo pipefail
umask 077
backup=${1:?usage: deploy/restore.sh <backup-dir> <conninfo> <key-dir>}
connection=${2:?usage: deploy/restore.sh <backup-dir> <conninfo> <key-dir>}
keys=${3:?usage: deploy/restore.sh <backup-dir> <conninfo> <key-dir>}

(cd "$backup" && sha256sum --quiet --check MANIFEST) || { echo "restore.sh: $backup fails its MANIFEST; nothing restored" >&2; exit 1; }
tables=$(psql "$connection" -Atqc "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
if (( tables > 0 )); then echo "restore.sh: the target database is not empty ($tables tables); nothing restored" >&2; exit 1; fi
for key in "$backup"/keys/*; do
  [[ -e $key ]] || continue
  target="$keys/$(basename "$key")"
  if [[ -e $target ]] && ! cmp -s "$key" "$target"; then
    echo "restore.sh: $target exists with other content; nothing restored" >&2; exit 1
  fi
done
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$connection" "$backup/database.dump"
mkdir -p "$keys"
chmod 700 "$keys"
for key in "$backup"/keys/*; do
  [[ -e $key ]] || continue
  install -m 600 "$key" "$keys/$(basename "$key")"
done
echo "restored $(psql "$connection" -Atqc "SELECT COUNT(*) FROM signals") signals and $(ls "$backup/keys" | wc -l) key files"
