#!/usr/bin/env bash
# Restore drill: proves a data dir's backups can be restored. Backs the data dir up, restores the
# backup into a temporary data dir and compares the two: `runs list --json`, `draws stats --json`
# and `maintain digest --json` (row counts and SHA-256 of every table of every database). Exits 1
# on any difference, after printing it.
#
# Run it while nothing writes to the data dir (no simulate, no import): a change between the
# backup and the comparison is reported as a difference, correctly so.
#
# Usage: scripts/restore-drill.sh [DATA_DIR]      (default: $LUCKYFIVE_DATA_DIR, else ./data)
# Environment:
#   LUCKYFIVE_CLI   how to run luckyfive (default: node <repo>/bin/luckyfive.js; e.g. "npx luckyfive")
#   KEEP_DRILL=1    keep the temporary folder (backup, restored data dir, outputs) for inspection
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# LUCKYFIVE_CLI is split on spaces ("npx luckyfive"); the default keeps a path with spaces whole.
if [ -n "${LUCKYFIVE_CLI:-}" ]; then read -r -a cli <<< "$LUCKYFIVE_CLI"; else cli=(node "$here/../bin/luckyfive.js"); fi
data_dir=${1:-${LUCKYFIVE_DATA_DIR:-./data}}
[ -f "$data_dir/catalog.sqlite" ] || { echo "restore-drill: no catalog in $data_dir" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/luckyfive-drill.XXXXXX")
finish() {
  if [ "${KEEP_DRILL:-0}" = 1 ]; then echo "restore-drill: kept $work" >&2; else rm -rf -- "$work"; fi
}
trap finish EXIT

lf() { local dir=$1; shift; "${cli[@]}" --data-dir "$dir" "$@"; }

started=$(date +%s)
lf "$data_dir" maintain backup "$work/backups" --json >"$work/backup.json"
backup=$(find "$work/backups" -mindepth 1 -maxdepth 1 -type d -name 'luckyfive-backup-*' | head -n 1)
[ -n "$backup" ] || { echo "restore-drill: the backup folder was not created" >&2; exit 1; }
echo "backed up $data_dir into $backup"

restored="$work/restored"
# The books key is not in the backup: the restored copy uses the source's (its key file, unless
# the key comes from LUCKYFIVE_BOOKS_KEY or LUCKYFIVE_BOOKS_KEY_FILE, which both runs share).
if [ -z "${LUCKYFIVE_BOOKS_KEY:-}${LUCKYFIVE_BOOKS_KEY_FILE:-}" ] && [ -f "$data_dir/books.key" ]; then
  mkdir -p "$restored" && cp -p "$data_dir/books.key" "$restored/books.key"
fi
lf "$restored" maintain restore "$backup" --json >"$work/restore.json"
echo "restored into $restored"

differences=0
# compare NAME ARGS...: runs the same command on both data dirs; exit codes and stdout must match.
compare() {
  local name=$1 source_code=0 restored_code=0
  shift
  lf "$data_dir" "$@" >"$work/source.$name" 2>"$work/source.$name.err" || source_code=$?
  lf "$restored" "$@" >"$work/restored.$name" 2>"$work/restored.$name.err" || restored_code=$?
  if [ "$source_code" -ne "$restored_code" ] || ! cmp -s "$work/source.$name" "$work/restored.$name"; then
    echo "DIFFERENT: $name (exit $source_code on the source, $restored_code on the restored copy)"
    diff -u "$work/source.$name" "$work/restored.$name" | head -n 40 || true
    differences=$((differences + 1))
  else
    echo "same: $name (exit $source_code)"
  fi
}
compare runs-list runs list --json --limit 0
compare draws-stats draws stats --json
compare digest maintain digest --json

# the restored copy must pass maintenance on its own
check_code=0
lf "$restored" maintain --json >"$work/maintain.json" || check_code=$?
if [ "$check_code" -ne 0 ]; then
  echo "DIFFERENT: the restored data dir fails \`maintain\` (exit $check_code)"
  differences=$((differences + 1))
else
  echo "same: the restored data dir passes maintain"
fi

if [ "$differences" -ne 0 ]; then
  echo "restore drill FAILED: $differences difference(s) in $(( $(date +%s) - started )) s"
  exit 1
fi
echo "restore drill passed in $(( $(date +%s) - started )) s"
