#!/usr/bin/env bash
# Back up the product's database: one pg_dump custom-format file named with the date and time.
#
#   scripts/backup.sh                 # $DATABASE_URL into ./backups/
#   BACKUP_DIR=/srv/backups scripts/backup.sh
#
# The custom format (-Fc) is compressed and restores with pg_restore, table by table, into an empty
# database: scripts/restore_check.sh DUMP proves a dump does. The file holds every family's records:
# keep it as the council keeps the live database (encrypted, access-controlled, within retention).
# With compose: docker compose exec -T db pg_dump -Fc -U earlyhelp earlyhelp > backups/<name>.dump
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL (postgres://user@host:5432/earlyhelp)}"
case $DATABASE_URL in
    postgres://* | postgresql://*) ;;
    *) echo "backup.sh: DATABASE_URL must be a PostgreSQL URL" >&2; exit 2 ;;
esac

BACKUP_DIR=${BACKUP_DIR:-backups}
mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"
name=${DATABASE_URL##*/}
name=${name%%\?*}
file="$BACKUP_DIR/$name-$(date -u +%Y%m%dT%H%M%SZ).dump"

umask 077
# Into a partial file first, so an interrupted dump never looks like a finished one.
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" --dbname="$DATABASE_URL"
mv "$file.partial" "$file"

tables=$(pg_restore --list "$file" | grep -c ' TABLE DATA ' || true)
echo "backup.sh: wrote $file ($(du -h "$file" | cut -f1), $tables tables)"
