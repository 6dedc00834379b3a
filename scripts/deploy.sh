#!/usr/bin/env bash
# Deploys a luckyfive release on one host and rolls back by itself when the new version fails.
#
# Usage: scripts/deploy.sh VERSION
#
# Model: everything lives under $LUCKYFIVE_HOME:
#   releases/<VERSION>/luckyfive   one folder per release with an executable `luckyfive` (in
#                                  production the single binary; anything executable works)
#   current -> releases/<V>        what runs; the systemd units start current/luckyfive
#   previous -> releases/<V>       what ran before (scripts/rollback.sh goes back to it)
#   backups/                       `maintain backup` folders, one per deploy (LUCKYFIVE_DEPLOY_BACKUP_DIR)
#   state/                         the digests and the record of the last deploy
#   run/, log/                     process mode only: pidfiles and the services' stdout/stderr
# The data dir is LUCKYFIVE_DATA_DIR (from the env file), outside the releases.
#
# Steps:
#   1. preflight: releases/VERSION/luckyfive exists and `--version` prints VERSION;
#   2. stop the running version (SIGTERM: it drains; SIGKILL after LUCKYFIVE_DEPLOY_STOP_TIMEOUT s);
#   3. with the CURRENT version: `maintain backup` into backups/ and `maintain digest` (the data's
#      digest and each database's migration state) into state/pre-deploy-digest.json;
#   4. point `current` at the new release (`previous` at the old one) and start it: serve, and
#      LUCKYFIVE_DEPLOY_WORKERS workers;
#   5. gate: GET /api/v1/health answers 200 within LUCKYFIVE_DEPLOY_HEALTH_TIMEOUT s, then the smoke
#      read: with LUCKYFIVE_SMOKE_KEY (a viewer API key) GET /api/v1/draws?limit=1 and
#      /api/v1/runs?limit=1; without it `luckyfive runs list --json --limit 1` with the new release;
#   6. on any failure: stop the new version, point `current` back, restore the backup when the
#      migration state changed (an older luckyfive refuses a catalog a newer one migrated:
#      E_SCHEMA_TOO_NEW, exit 4), check the digest equals the pre-deploy one, start the old
#      version, gate it, and exit 10.
# The data is backed up with the service stopped, so the backup, the digest and a restore agree
# exactly; the downtime is the backup's duration plus the new version's start.
#
# Environment (the env file is read first: LUCKYFIVE_ENV_FILE, else $LUCKYFIVE_HOME/luckyfive.env,
# else /etc/luckyfive/luckyfive.env; its values are exported to every luckyfive started here and win
# over the same variables in the caller's environment, so the scripts see what the units see):
#   LUCKYFIVE_HOME                   the folder above (required)
#   LUCKYFIVE_SERVICE_MANAGER        process (default: pidfiles in run/, logs in log/) or systemd
#                                    (systemctl stop/start luckyfive-serve and luckyfive-worker@N)
#   LUCKYFIVE_DEPLOY_WORKERS         workers to start (default 0; they need LUCKYFIVE_QUEUE_URL)
#   LUCKYFIVE_DEPLOY_HEALTH_TIMEOUT  seconds to wait for health (default 60)
#   LUCKYFIVE_DEPLOY_STOP_TIMEOUT    seconds a process has to drain after SIGTERM (default 60)
#   LUCKYFIVE_SERVE_FLAGS            extra flags for serve, e.g. "--tls-cert FILE --tls-key FILE" (the
#                                    systemd unit reads the same variable); LUCKYFIVE_WORKER_FLAGS for workers
#   LUCKYFIVE_DEPLOY_URL             where serve answers (default http://LUCKYFIVE_HOST:LUCKYFIVE_PORT,
#                                    https:// when LUCKYFIVE_SERVE_FLAGS has --tls-cert)
#   LUCKYFIVE_DEPLOY_CURL_FLAGS      extra curl flags, e.g. "--cacert /etc/luckyfive/ca.pem"
#   LUCKYFIVE_DEPLOY_USER            run luckyfive as this user when the script runs as root
#   LUCKYFIVE_SMOKE_KEY              a viewer API key for the smoke requests (recommended)
#
# Exit status:
#   0   deployed: VERSION serves, healthy, smoke read answered
#   2   usage or settings error; nothing changed
#   3   preflight failed (no such release, wrong --version); nothing changed
#   4   the backup or digest with the current version failed; the current version is started again
#   5   another deploy or rollback is running
#   10  VERSION failed its gate and was rolled back: the previous version serves, healthy, with the
#       pre-deploy data (digest checked)
#   11  VERSION failed AND the rollback did not complete (service down or data differs): act now
#   12  first deploy (nothing to roll back to) and VERSION failed its gate; it was stopped
set -euo pipefail

usage() { echo "usage: scripts/deploy.sh VERSION   (see the header of this script)" >&2; }
if [ $# -ne 1 ] || [ -z "$1" ] || [ "${1#-}" != "$1" ]; then usage; exit 2; fi
version=$1
case $version in */* | . | ..) echo "VERSION must be a folder name under releases/" >&2; exit 2 ;; esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/deploy-lib.sh
. "$here/deploy-lib.sh"
take_lock

new=$(release_dir "$version")
say "deploy $version: preflight"
check_release "$new" "$version" || exit 3
new=$(cd "$new" && pwd)
old=$(link_target current)
old_previous=$(link_target previous)
if [ "$old" = "$new" ]; then
  say "$version is already current: restarting it and gating"
fi

pre=$state_dir/pre-deploy-digest.json
bk=''
stop_services
if [ -n "$old" ] && [ "$old" != "$new" ]; then
  say "backing up the data with $(basename "$old")"
  if ! bk=$(backup "$old") || [ -z "$bk" ] || ! digest "$old" "$pre"; then
    say "the backup or digest with $(basename "$old") failed: not deploying; starting $(basename "$old") again"
    start_services
    gate "$old" || say "and $(basename "$old") does not pass its gate either"
    exit 4
  fi
  say "backup: $bk; data digest $(digest_sha "$pre")"
  set_link previous "$old"
fi
set_link current "$new"
printf 'version=%s\nfrom=%s\nbackup=%s\ndigest=%s\nat=%s\n' "$version" "${old:+$(basename "$old")}" "$bk" "$pre" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$state_dir/last-deploy"
start_services
if gate "$new"; then
  say "deployed $version"
  exit 0
fi

if [ -z "$old" ] || [ "$old" = "$new" ]; then
  stop_services
  say "DEPLOY FAILED: $version did not pass its gate and there is no other version to roll back to; it was stopped"
  exit 12
fi
say "$version failed its gate: rolling back to $(basename "$old")"
if roll_back "$old" auto "$bk" "$pre"; then
  if [ -n "$old_previous" ]; then set_link previous "$old_previous"; else rm -f "$home/previous"; fi
  say "DEPLOY FAILED, ROLLED BACK: $version did not pass its gate; $(basename "$old") serves again with the pre-deploy data"
  exit 10
fi
say "DEPLOY FAILED AND THE ROLLBACK DID NOT COMPLETE: see the lines above; the backup is $bk"
exit 11
