#!/usr/bin/env bash
# Nightly maintenance of a luckyfive data dir, safe while a simulate or the server runs:
#   1. `luckyfive maintain`: integrity and foreign-key checks, ANALYZE, optimize, WAL checkpoint
#      on the catalog and every run file (files in use are skipped, never blocked);
#   2. `luckyfive ledger check`: the books' hash chain, reversals and signs, its result recorded
#      for the `luckyfive_ledger_check_ok` metric (the alert "ledger check not run" fires after 36 h);
#   3. `luckyfive maintain backup`: an online, consistent backup into a timestamped folder;
#   4. retention: backup folders older than N days are deleted, only after today's backup
#      succeeded, and the newest backup is always kept.
# Everything is appended to a log file with UTC timestamps.
#
# crontab line (every night at 03:30; cron's PATH is minimal, so name node's directory):
#   30 3 * * * PATH=/usr/local/bin:/usr/bin:/bin LUCKYFIVE_DATA_DIR=/srv/luckyfive/data LUCKYFIVE_BACKUP_DIR=/srv/backups/luckyfive /srv/luckyfive/scripts/nightly-maintenance.sh
# and, say, a weekly VACUUM on Sundays:
#   30 4 * * 0 ... LUCKYFIVE_MAINTAIN_FLAGS=--vacuum /srv/luckyfive/scripts/nightly-maintenance.sh
#
# Environment:
#   LUCKYFIVE_DATA_DIR               the data dir (required)
#   LUCKYFIVE_BACKUP_DIR             where backup folders go (default: <data dir>/../luckyfive-backups)
#   LUCKYFIVE_BACKUP_RETENTION_DAYS  delete backup folders older than this many days (default 14)
#   LUCKYFIVE_MAINTENANCE_LOG        log file (default: <backup dir>/nightly-maintenance.log)
#   LUCKYFIVE_MAINTAIN_FLAGS         extra flags for `maintain`, e.g. "--vacuum" or "--repair"
#   LUCKYFIVE_CLI                    how to run luckyfive (default: node <repo>/bin/luckyfive.js;
#                                    e.g. "npx luckyfive")
# Exit status: 0 when all went well; otherwise the first failing step's luckyfive exit code
# (4: a file failed its checks or was left out of the backup; 5: another maintenance held the lock).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# LUCKYFIVE_CLI is split on spaces ("npx luckyfive"); the default keeps a path with spaces whole.
if [ -n "${LUCKYFIVE_CLI:-}" ]; then read -r -a cli <<< "$LUCKYFIVE_CLI"; else cli=(node "$here/../bin/luckyfive.js"); fi
data_dir=${LUCKYFIVE_DATA_DIR:?set LUCKYFIVE_DATA_DIR to the data dir to maintain}
backup_dir=${LUCKYFIVE_BACKUP_DIR:-$data_dir/../luckyfive-backups}
retention_days=${LUCKYFIVE_BACKUP_RETENTION_DAYS:-14}
read -r -a maintain_flags <<< "${LUCKYFIVE_MAINTAIN_FLAGS:-}"
case $retention_days in '' | *[!0-9]*) echo "LUCKYFIVE_BACKUP_RETENTION_DAYS must be a whole number of days" >&2; exit 2 ;; esac
[ "$retention_days" -ge 1 ] || { echo "LUCKYFIVE_BACKUP_RETENTION_DAYS must be at least 1" >&2; exit 2; }

mkdir -p "$backup_dir"
log_file=${LUCKYFIVE_MAINTENANCE_LOG:-$backup_dir/nightly-maintenance.log}
exec >>"$log_file" 2>&1

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
lf() { "${cli[@]}" --data-dir "$data_dir" "$@"; }

status=0
log "start: data dir $data_dir, backups in $backup_dir, retention $retention_days day(s)"

maintain_code=0
lf maintain ${maintain_flags[@]+"${maintain_flags[@]}"} || maintain_code=$?
log "maintain finished with exit code $maintain_code"
[ "$maintain_code" -eq 0 ] || status=$maintain_code

ledger_code=0
lf ledger check || ledger_code=$?
log "ledger check finished with exit code $ledger_code"
[ "$status" -ne 0 ] || status=$ledger_code

backup_code=0
lf maintain backup "$backup_dir" || backup_code=$?
log "backup finished with exit code $backup_code"
[ "$status" -ne 0 ] || status=$backup_code

# Retention only after a backup that exists (exit 0, or 4 = written with a damaged run file left
# out): a failing backup must never leave us with fewer backups than before.
if [ "$backup_code" -eq 0 ] || [ "$backup_code" -eq 4 ]; then
  newest=$(find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name 'luckyfive-backup-*' | sort | tail -n 1)
  while IFS= read -r old; do
    [ -n "$old" ] && [ "$old" != "$newest" ] || continue
    log "retention: deleting $old"
    rm -rf -- "$old"
  done < <(find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name 'luckyfive-backup-*' -mmin "+$((retention_days * 1440))" | sort)
  # half-written folders of a backup that was killed
  find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name '.luckyfive-backup-*.partial' -mmin +1440 -exec rm -rf -- {} +
else
  log "retention skipped: no new backup"
fi

log "done: exit $status"
exit "$status"
