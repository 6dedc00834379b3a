#!/usr/bin/env bash
# Rolls luckyfive back by hand to the `previous` release or a named one (the same layout and
# environment as scripts/deploy.sh: read its header).
#
# Usage: scripts/rollback.sh [VERSION] [--restore BACKUP_DIR]
#
#   1. preflight: the target release exists and `--version` prints its version;
#   2. stop the running version (SIGTERM, bounded);
#   3. point `current` at the target and `previous` at the version that ran;
#   4. the data: with --restore, `maintain restore BACKUP_DIR` with the target release; without it,
#      when the target cannot read the catalog (a newer version migrated it: E_SCHEMA_TOO_NEW, exit
#      4), the backup the last deploy made with the target version is restored (state/last-deploy),
#      and the digest taken at that deploy is checked; otherwise the data is left as it is;
#   5. start the target and gate it on health and the smoke read, as deploy.sh does.
# The data a restore replaces is kept in the data dir (`.restore-previous-*`; `maintain restore
# --rollback` brings it back).
#
# Exit status:
#   0   the target serves, healthy, smoke read answered
#   2   usage or settings error; nothing changed
#   3   preflight failed (no previous release, no such release, wrong --version); nothing changed
#   5   another deploy or rollback is running
#   11  the rollback did not complete (restore failed, data differs, or the target failed its gate)
set -euo pipefail

usage() { echo "usage: scripts/rollback.sh [VERSION] [--restore BACKUP_DIR]   (see the header of this script)" >&2; }
version=''
restore_from=''
while [ $# -gt 0 ]; do
  case $1 in
    --restore)
      if [ $# -lt 2 ] || [ -z "$2" ]; then usage; exit 2; fi
      restore_from=$2
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    -*) usage; exit 2 ;;
    *)
      [ -z "$version" ] || { usage; exit 2; }
      version=$1
      shift
      ;;
  esac
done
case $version in */* | . | ..) echo "VERSION must be a folder name under releases/" >&2; exit 2 ;; esac
if [ -n "$restore_from" ]; then
  [ -f "$restore_from/manifest.json" ] || [ -d "$restore_from" ] || { echo "no backup folder $restore_from" >&2; exit 2; }
  restore_from=$(cd "$restore_from" && pwd)
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/deploy-lib.sh
. "$here/deploy-lib.sh"
take_lock

if [ -n "$version" ]; then
  target=$(release_dir "$version")
else
  target=$(link_target previous)
  [ -n "$target" ] || { say "no previous release to roll back to (name a VERSION)"; exit 3; }
  version=$(basename "$target")
fi
say "rollback to $version: preflight"
check_release "$target" "$version" || exit 3
target=$(cd "$target" && pwd)
from=$(link_target current)

restore=no
bk=$restore_from
pre=''
if [ -n "$bk" ]; then
  restore=always
else
  # Can the target open the catalog? An older luckyfive refuses one a newer version migrated (exit 4).
  stop_services
  check_out=''
  if ! check_out=$(lf "$target" runs list --json --limit 1 2>&1 >/dev/null); then
    case $check_out in
      *'schema version'*)
        # The backup the last deploy took with this very version, before the version after it migrated the data.
        if [ -f "$state_dir/last-deploy" ] && grep -qx "from=$version" "$state_dir/last-deploy"; then
          bk=$(sed -n 's/^backup=//p' "$state_dir/last-deploy")
          pre=$(sed -n 's/^digest=//p' "$state_dir/last-deploy")
          restore=always
          say "$version cannot read the catalog (a newer version migrated it): restoring $bk, taken by $version at the last deploy"
        else
          say "$version cannot read the catalog ($check_out) and the last deploy left no backup made by $version: pass --restore BACKUP_DIR"
          start_services
          exit 11
        fi
        ;;
      *) say "warning: \`runs list\` with $version failed: $check_out" ;;
    esac
  fi
fi

if roll_back "$target" "$restore" "$bk" "$pre"; then
  [ -z "$from" ] || [ "$from" = "$target" ] || set_link previous "$from"
  say "rolled back: $version serves${bk:+ (data restored from $bk)}"
  exit 0
fi
[ -z "$from" ] || [ "$from" = "$target" ] || set_link previous "$from"
say "ROLLBACK DID NOT COMPLETE: see the lines above"
exit 11
