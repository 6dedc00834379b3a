# shellcheck shell=bash
# Shared by scripts/deploy.sh and scripts/rollback.sh (sourced, never run): the release layout,
# the service manager (systemd or plain processes), the health and smoke gate, backups, digests
# and the roll-back sequence. See scripts/deploy.sh for the model and the environment.

# ---- settings ---------------------------------------------------------------------------------
home=${LUCKYFIVE_HOME:?set LUCKYFIVE_HOME to the folder holding releases/, current, previous, backups/}
home=$(cd "$home" && pwd)
env_file=${LUCKYFIVE_ENV_FILE:-}
if [ -z "$env_file" ]; then
  if [ -f "$home/luckyfive.env" ]; then env_file=$home/luckyfive.env; elif [ -f /etc/luckyfive/luckyfive.env ]; then env_file=/etc/luckyfive/luckyfive.env; fi
fi
if [ -n "$env_file" ]; then
  [ -r "$env_file" ] || { echo "cannot read the env file $env_file" >&2; exit 2; }
  # The same KEY=value file systemd's EnvironmentFile= reads: exported to every luckyfive started here.
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
fi
manager=${LUCKYFIVE_SERVICE_MANAGER:-process}
case $manager in process | systemd) ;; *) echo "LUCKYFIVE_SERVICE_MANAGER must be process or systemd, not '$manager'" >&2; exit 2 ;; esac
workers=${LUCKYFIVE_DEPLOY_WORKERS:-0}
health_timeout=${LUCKYFIVE_DEPLOY_HEALTH_TIMEOUT:-60}
stop_timeout=${LUCKYFIVE_DEPLOY_STOP_TIMEOUT:-60}
for n in "$workers" "$health_timeout" "$stop_timeout"; do
  case $n in '' | *[!0-9]*) echo "LUCKYFIVE_DEPLOY_WORKERS, _HEALTH_TIMEOUT and _STOP_TIMEOUT must be whole numbers" >&2; exit 2 ;; esac
done
serve_host=${LUCKYFIVE_HOST:-127.0.0.1}
case $serve_host in 0.0.0.0 | :: | '[::]') serve_host=127.0.0.1 ;; esac
case $serve_host in *:*) serve_host="[$serve_host]" ;; esac
# Extra flags, split on spaces as systemd splits $VAR in ExecStart= (the units read the same ones).
read -r -a serve_flags <<<"${LUCKYFIVE_SERVE_FLAGS:-}"
read -r -a worker_flags <<<"${LUCKYFIVE_WORKER_FLAGS:-}"
scheme=http
case " ${LUCKYFIVE_SERVE_FLAGS:-} " in *' --tls-cert '*) scheme=https ;; esac
base_url=${LUCKYFIVE_DEPLOY_URL:-$scheme://$serve_host:${LUCKYFIVE_PORT:-8080}}
read -r -a curl_extra <<<"${LUCKYFIVE_DEPLOY_CURL_FLAGS:-}"
# systemd mode as root: luckyfive runs as the units' user, so backups and restored files are theirs.
if [ "$manager" = systemd ] && [ "$(id -u)" = 0 ] && [ -z "${LUCKYFIVE_DEPLOY_USER:-}" ]; then LUCKYFIVE_DEPLOY_USER=luckyfive; fi
releases=$home/releases
run_dir=$home/run
log_dir=$home/log
state_dir=$home/state
backup_dir=${LUCKYFIVE_DEPLOY_BACKUP_DIR:-$home/backups}
mkdir -p "$releases" "$run_dir" "$log_dir" "$state_dir" "$backup_dir"
if [ -n "${LUCKYFIVE_DEPLOY_USER:-}" ] && [ "$(id -u)" = 0 ]; then chown "$LUCKYFIVE_DEPLOY_USER:" "$backup_dir" "$state_dir" "$log_dir"; fi
command -v curl >/dev/null 2>&1 || { echo "curl is needed for the health gate (apt-get install curl)" >&2; exit 2; }

say() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# An interrupted deploy or rollback says where it left things.
on_interrupt() {
  say "INTERRUPTED: current is $(basename "$(link_target current)" 2>/dev/null || echo none); check the service, scripts/rollback.sh goes back"
  exit 130
}
trap on_interrupt INT TERM

# One deploy or rollback at a time.
take_lock() {
  exec 9>"$run_dir/deploy.lock"
  if ! flock -n 9; then
    say "another deploy or rollback holds $run_dir/deploy.lock"
    exit 5
  fi
}

# ---- releases ---------------------------------------------------------------------------------
# release_dir VERSION: the folder of a release (may not exist)
release_dir() { printf '%s/%s' "$releases" "$1"; }

# link_target NAME: the release folder `current` or `previous` points to (empty when none)
link_target() {
  local link=$home/$1
  [ -L "$link" ] || return 0
  local t
  t=$(readlink "$link")
  case $t in /*) ;; *) t=$home/$t ;; esac
  (cd "$t" 2>/dev/null && pwd) || printf '%s' "$t"
}

# set_link NAME RELEASE_DIR: atomically points `current` or `previous` at a release folder
set_link() {
  ln -sfn "$2" "$home/.$1.new"
  mv -T "$home/.$1.new" "$home/$1"
}

# check_release DIR VERSION: the release has an executable luckyfive printing VERSION
check_release() {
  local dir=$1 want=$2 got
  [ -x "$dir/luckyfive" ] || { say "no executable $dir/luckyfive"; return 1; }
  got=$("$dir/luckyfive" --version 2>&1) || { say "$dir/luckyfive --version failed: $got"; return 1; }
  [ "$got" = "$want" ] || { say "$dir/luckyfive --version prints '$got', expected '$want'"; return 1; }
}

# lf RELEASE_DIR ARGS...: runs a release's luckyfive (as LUCKYFIVE_DEPLOY_USER when set and we are root)
lf() {
  local dir=$1
  shift
  if [ -n "${LUCKYFIVE_DEPLOY_USER:-}" ] && [ "$(id -u)" = 0 ]; then
    runuser -u "$LUCKYFIVE_DEPLOY_USER" -- "$dir/luckyfive" "$@"
  else
    "$dir/luckyfive" "$@"
  fi
}

# ---- services ---------------------------------------------------------------------------------
# process mode: pidfiles run/serve.pid and run/worker-N.pid; logs log/serve.log and log/worker-N.log
proc_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

proc_stop() {
  local pidfile=$1 pid waited=0
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((stop_timeout * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid ($pidfile) still running ${stop_timeout} s after SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$pidfile"
}

proc_start() {
  local name=$1
  shift
  local dir
  dir=$(link_target current)
  # setsid: the service outlives this script and its terminal; stdin from /dev/null.
  if [ -n "${LUCKYFIVE_DEPLOY_USER:-}" ] && [ "$(id -u)" = 0 ]; then
    setsid runuser -u "$LUCKYFIVE_DEPLOY_USER" -- "$dir/luckyfive" "$@" </dev/null >>"$log_dir/$name.log" 2>&1 9>&- &
  else
    setsid "$dir/luckyfive" "$@" </dev/null >>"$log_dir/$name.log" 2>&1 9>&- &
  fi
  echo $! >"$run_dir/$name.pid"
}

worker_units() {
  local i
  for ((i = 1; i <= workers; i++)); do printf 'luckyfive-worker@%s.service ' "$i"; done
}

stop_services() {
  say "stopping luckyfive (SIGTERM, at most ${stop_timeout} s each)"
  if [ "$manager" = systemd ]; then
    systemctl stop luckyfive-serve.service 'luckyfive-worker@*.service'
  else
    local f
    for f in "$run_dir"/worker-*.pid; do [ -e "$f" ] && proc_stop "$f"; done
    proc_stop "$run_dir/serve.pid"
  fi
}

start_services() {
  local what=serve
  [ "$workers" -eq 0 ] || what="serve and $workers worker(s)"
  say "starting $(basename "$(link_target current)") ($what)"
  if [ "$manager" = systemd ]; then
    # shellcheck disable=SC2046
    systemctl start luckyfive-serve.service $(worker_units)
  else
    proc_start serve serve ${serve_flags[@]+"${serve_flags[@]}"}
    local i
    for ((i = 1; i <= workers; i++)); do proc_start "worker-$i" worker --name "$(hostname)-$i" ${worker_flags[@]+"${worker_flags[@]}"}; done
  fi
}

# ---- the gate ---------------------------------------------------------------------------------
# gate RELEASE_DIR: health within health_timeout s, then the smoke read. Returns 1 with a message.
gate() {
  local dir=$1 deadline=$((SECONDS + health_timeout)) body=''
  say "waiting for $base_url/api/v1/health (at most ${health_timeout} s)"
  while :; do
    if [ "$manager" = process ] && ! proc_alive "$run_dir/serve.pid"; then
      say "serve exited during start-up; the end of $log_dir/serve.log:"
      tail -n 5 "$log_dir/serve.log" >&2 || true
      return 1
    fi
    if body=$(curl -fsS --max-time 5 ${curl_extra[@]+"${curl_extra[@]}"} "$base_url/api/v1/health" 2>/dev/null); then break; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "not healthy after ${health_timeout} s (last answer: ${body:-none})"
      return 1
    fi
    sleep 0.5
  done
  say "healthy: $body"
  if [ -n "${LUCKYFIVE_SMOKE_KEY:-}" ]; then
    local path
    for path in '/api/v1/draws?limit=1' '/api/v1/runs?limit=1'; do
      if ! body=$(curl -fsS --max-time 20 ${curl_extra[@]+"${curl_extra[@]}"} -H "X-API-Key: $LUCKYFIVE_SMOKE_KEY" "$base_url$path" 2>&1); then
        say "smoke request GET $path failed: $body"
        return 1
      fi
    done
    say "smoke requests answered (GET /api/v1/draws?limit=1, /api/v1/runs?limit=1)"
  else
    if ! body=$(lf "$dir" runs list --json --limit 1 2>&1 >/dev/null); then
      say "smoke read \`luckyfive runs list --json --limit 1\` failed: $body"
      return 1
    fi
    say "smoke read answered (runs list; set LUCKYFIVE_SMOKE_KEY for HTTP reads of draws and runs)"
  fi
}

# ---- data -------------------------------------------------------------------------------------
# digest RELEASE_DIR FILE: `maintain digest --json` of the data dir into FILE
digest() { lf "$1" maintain digest --json >"$2"; }
# digest_sha FILE: the one SHA-256 over the whole data dir
digest_sha() { grep -E '^  "sha256": ' "$1" | sed -E 's/.*"([0-9a-f]{64})".*/\1/'; }
# schema_state FILE: every database file with its user_version and schema hash (the migration state)
schema_state() { grep -E '^      "(file|user_version|schema_sha256)": ' "$1" | tr -d ' ,' | paste -sd ' ' -; }

# backup RELEASE_DIR: `maintain backup` into backup_dir with that release; prints the backup folder
backup() {
  local out
  out=$(lf "$1" maintain backup "$backup_dir" --json) || return 1
  printf '%s\n' "$out" | grep -E '^  "dir": ' | sed -E 's/^  "dir": "(.*)",?$/\1/'
}

# roll_back TARGET_DIR RESTORE BACKUP PRE_DIGEST_FILE: stop, point current at TARGET (the caller
# sets `previous`), restore BACKUP
# when RESTORE is "always" (or "auto" and the migration state differs from PRE_DIGEST_FILE's),
# check the digest, start and gate. Returns 0 when TARGET serves healthy with the expected data.
roll_back() {
  local target=$1 restore=$2 bk=$3 pre=$4 now=$state_dir/rollback-digest.json
  stop_services
  set_link current "$target"
  say "current -> $(basename "$target")"
  if [ "$restore" = auto ]; then
    restore=no
    if ! digest "$target" "$now"; then
      say "cannot read the data with $(basename "$target"): restoring the backup"
      restore=always
    elif [ -n "$pre" ] && [ "$(schema_state "$now")" != "$(schema_state "$pre")" ]; then
      say "the catalog's migration state changed since the backup (the new version migrated it): restoring the backup"
      restore=always
    fi
  fi
  if [ "$restore" = always ]; then
    if [ -z "$bk" ] || [ ! -d "$bk" ]; then say "no backup to restore"; return 1; fi
    say "restoring $bk with $(basename "$target") (the data it replaces is kept in the data dir as .restore-previous-*)"
    lf "$target" maintain restore "$bk" --json >"$state_dir/restore.json" || { say "maintain restore failed"; return 1; }
  fi
  # After a restore the data must be the pre-deploy data exactly. Without one, what the new version
  # wrote while it ran (a key's last_used_at, a user's import) is kept, and only reported.
  local data_ok=1
  if [ -n "$pre" ]; then
    if ! digest "$target" "$now"; then
      say "maintain digest failed after the rollback"
      data_ok=0
    elif [ "$(digest_sha "$now")" != "$(digest_sha "$pre")" ]; then
      if [ "$restore" = always ]; then
        say "the restored data differs from before the deploy (digest $(digest_sha "$now"), was $(digest_sha "$pre"))"
        data_ok=0
      else
        say "note: the data changed while the failed version ran (same migration state, so it was kept, not restored)"
      fi
    else
      say "data digest equals the pre-deploy one ($(digest_sha "$pre"))"
    fi
  fi
  # Started even when the data differs: a service on the previous version beats none.
  start_services
  gate "$target" && [ "$data_ok" = 1 ]
}
