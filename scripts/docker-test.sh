#!/usr/bin/env bash
# The Docker test, for real: builds the image from the project's Dockerfile (unchanged), brings up
# docker-compose.yml (API, two workers, Redis) with deploy/docker/compose.test.yml (host
# networking on 127.0.0.1 and free ports, read-only roots), waits for health, creates an API key,
# imports the results and runs a simulation on the workers through the API, restarts the API and
# finds the run again, checks that SIGTERM drains the API and a worker (exit 0, their drain
# messages), then brings up docker-compose.prod.yml's TLS proxy (Caddy, `tls internal`) and checks
# HTTPS health through it and that the API sees the client's address (trust_proxy). Last line:
#   docker test: N passed, M failed
# Exit 0 only when every check passed.
#
# Usage: scripts/docker-test.sh [--keep-engine] [--no-proxy]
#   --keep-engine  leave a dockerd this script started running (it is stopped by PID otherwise)
#   --no-proxy     skip the production variant (TLS proxy)
# Environment:
#   DOCKER_HOST                   use this engine instead of starting one
#   LUCKYFIVE_DOCKER_PULL=1       the base images can be pulled: do not build stand-ins
#   LUCKYFIVE_REQUIRE_SHARED=1    import the operator's workbook (../shared/quina/Quina.xlsx) or fail;
#                                 without it the workbook is used when present, else the sample CSV
#   LUCKYFIVE_CACHE               cache folder (default <repo>/.cache/docker): stand-in inputs, and the
#                                 started engine's data root (so a second run reuses its layers)
#
# Needs root (dockerd), Debian's docker.io, docker-compose and debootstrap (installed with apt-get
# when missing), curl, and Node with npm on the host (to fetch Node 24 for the stand-in image).
set -euo pipefail

usage() { echo "usage: scripts/docker-test.sh [--keep-engine] [--no-proxy]" >&2; }
keep_engine=0
with_proxy=1
for arg in "$@"; do
  case $arg in
    --keep-engine) keep_engine=1 ;;
    --no-proxy) with_proxy=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
cache=${LUCKYFIVE_CACHE:-$repo/.cache/docker}
mkdir -p "$cache"
export LUCKYFIVE_CACHE=$cache
work=$(mktemp -d "${TMPDIR:-/tmp}/lf-docker.XXXXXX")
started=$SECONDS
passed=0
failed=0
engine_pid=""
run_dir=""
project="lfdockertest$$"
compose_files=()

say() { echo "::: [$((SECONDS - started))s] $*" >&2; }
pass() { passed=$((passed + 1)); echo "ok   - $*" >&2; }
fail() { failed=$((failed + 1)); echo "FAIL - $*" >&2; }
# check NAME COMMAND...: one counted check
check() {
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}
json() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const v=new Function("d","return ("+process.argv[1]+")")(JSON.parse(s));console.log(typeof v==="object"?JSON.stringify(v):String(v))})' "$1"; }
compose() { docker-compose -p "$project" "${compose_files[@]}" "$@"; }

finish() {
  local status=$?
  set +e
  if [ ${#compose_files[@]} -gt 0 ]; then
    say "down -v"
    timeout 120 docker-compose -p "$project" "${compose_files[@]}" down -v --remove-orphans -t 30 >"$work/down.log" 2>&1 || cat "$work/down.log" >&2
  fi
  if [ -n "$engine_pid" ]; then
    if [ "$keep_engine" = 1 ]; then
      say "dockerd (PID $engine_pid) left running: DOCKER_HOST=$DOCKER_HOST"
    else
      say "stopping dockerd (PID $engine_pid)"
      kill -TERM "$engine_pid" 2>/dev/null
      for _ in $(seq 1 60); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$engine_pid" 2>/dev/null && kill -KILL "$engine_pid"
      # dockerd leaves its default network namespace mounted in its exec root
      umount "$run_dir/exec/netns/default" 2>/dev/null
      rm -rf --one-file-system -- "$run_dir"
    fi
  fi
  rm -rf -- "$work"
  # an error outside a check (set -e) counts as one failure
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  say "done in $((SECONDS - started)) s"
  echo "docker test: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0 || exit 1
}
trap finish EXIT
trap 'exit 130' INT TERM

# 1. Tools: Debian's packages when missing.
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. An engine: the one DOCKER_HOST (or the default socket) names, else our own dockerd, with no
#    bridge and no iptables rules (containers use the host's network, on 127.0.0.1 only). Its data
#    root is under the cache so a second run reuses the stand-ins and the build's layers; overlay2
#    when the kernel and file system allow it, else vfs (slow, but works anywhere).
if docker info >/dev/null 2>&1; then
  say "using the running engine ($(docker info -f '{{.Driver}}') storage)"
else
  run_dir=$(mktemp -d /tmp/lf-dockerd.XXXXXX)
  export DOCKER_HOST="unix://$run_dir/docker.sock"
  for driver in overlay2 vfs; do
    say "starting dockerd --bridge=none --iptables=false --storage-driver $driver"
    dockerd --bridge=none --iptables=false --ip6tables=false --storage-driver "$driver" \
      --data-root "$cache/engine-$driver" --exec-root "$run_dir/exec" --pidfile "$run_dir/dockerd.pid" \
      -H "$DOCKER_HOST" >"$cache/dockerd.log" 2>&1 &
    engine_pid=$!
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      kill -0 "$engine_pid" 2>/dev/null || break
      sleep 0.5
    done
    if docker info >/dev/null 2>&1; then break; fi
    kill -TERM "$engine_pid" 2>/dev/null && wait "$engine_pid" 2>/dev/null
    engine_pid=""
  done
  [ -n "$engine_pid" ] || { tail -n 20 "$cache/dockerd.log" >&2; fail "dockerd starts"; exit 1; }
  pass "dockerd starts (storage driver $driver)"
fi

# 3. Base images: stand-ins built here (no registry to pull from), tagged with the official names.
if [ "${LUCKYFIVE_DOCKER_PULL:-0}" != 1 ]; then
  say "stand-in base images"
  if [ "$with_proxy" = 1 ]; then scripts/docker-base-images.sh; else scripts/docker-base-images.sh --no-caddy; fi
fi

# 4. The project's image, from its Dockerfile as it is.
version=$(node -p 'require("./package.json").version')
image="luckyfive:test"
say "docker build --network host -t $image"
build_started=$SECONDS
# the build's output, each line stamped with the seconds since the build started, kept in the cache
stamp() { while IFS= read -r line; do printf '%4ds %s\n' "$((SECONDS - build_started))" "$line"; done; }
if docker build --network host -t "$image" --build-arg VERSION="$version" --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" . 2>&1 | stamp >"$cache/build.log"; then
  pass "docker build ($((SECONDS - build_started)) s, $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
else
  tail -n 40 "$cache/build.log" >&2
  fail "docker build"
  exit 1
fi
check "the image runs as a non-root user" test "$(docker image inspect -f '{{.Config.User}}' "$image")" = "10001:10001"
check "the image is labelled with the version" test "$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$image")" = "$version"
check "luckyfive --version in the image" test "$(docker run --rm --network none --read-only "$image" --version)" = "$version"

# 5. Up, on free loopback ports.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
export LF_TEST_API_PORT LF_TEST_REDIS_PORT LUCKYFIVE_IMAGE=$image LUCKYFIVE_ENV_FILE="$work/test.env"
LF_TEST_API_PORT=$(free_port)
LF_TEST_REDIS_PORT=$(free_port)
cat >"$LUCKYFIVE_ENV_FILE" <<ENV
LUCKYFIVE_LOG_LEVEL=info
LUCKYFIVE_THREADS=1
LUCKYFIVE_SHUTDOWN_TIMEOUT=20
ENV
# render FILE...: the compose files merged by docker-compose itself (`config`), then every `ports`
# and `networks` entry dropped (a host-networked container cannot publish ports: docker-compose
# refuses the combination) into $work/compose.yml; the rest (images, commands, health checks,
# read-only roots, volumes, settings) is run as written.
render() {
  local args=()
  for f in "$@"; do args+=(-f "$f"); done
  docker-compose -p "$project" "${args[@]}" config >"$work/merged.yml"
  python3 - "$work/merged.yml" "$work/compose.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for service in doc["services"].values():
    service.pop("ports", None)
    service.pop("networks", None)
    assert service.get("network_mode") == "host", "every service of the test runs on the host network"
doc.pop("networks", None)
yaml.safe_dump(doc, open(sys.argv[2], "w"), sort_keys=False)
PY
  compose_files=(-f "$work/compose.yml")
}
render docker-compose.yml deploy/docker/compose.test.yml
api="http://127.0.0.1:$LF_TEST_API_PORT/api/v1"
say "docker-compose up -d (API on 127.0.0.1:$LF_TEST_API_PORT, Redis on 127.0.0.1:$LF_TEST_REDIS_PORT)"
compose up -d --no-build >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "docker-compose up"; exit 1; }
pass "docker-compose up"
check "no container network was created (host networking only)" test -z "$(docker network ls -q --filter "label=com.docker.compose.project=$project")"

# wait_healthy SERVICE SECONDS
wait_healthy() {
  local id state=""
  id=$(compose ps -q "$1")
  for _ in $(seq 1 "$2"); do
    state=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo gone)
    [ "$state" = healthy ] && return 0
    sleep 1
  done
  echo "$1 is $state after $2 s" >&2
  compose logs --tail 30 "$1" >&2
  return 1
}
check "redis healthy" wait_healthy redis 60
check "api healthy (GET /api/v1/health from the image's HEALTHCHECK)" wait_healthy api 120
check "the API container's root file system is read-only" test "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$(compose ps -q api)")" = true
check "the API runs as uid 10001" test "$(compose exec -T api id -u | tr -d '\r')" = 10001

# 6. A key (the CLI inside the API container, as the README says keys are made), an import and a
#    simulation the workers run, all through the API.
lf() { compose exec -T api node /app/bin/luckyfive.js "$@"; }
key=$(lf auth key create --name docker-test --role admin --json | json 'd.key')
check "an admin key is created with the CLI in the container" test "${key#lf_}" != "$key"
auth=(-H "Authorization: Bearer $key")
# ../shared beside the project (a git worktree sits deeper: the nearest ancestor holding shared/quina)
shared="$repo/../shared"
dir=$(dirname "$repo")
while [ "$dir" != / ]; do
  if [ -d "$dir/shared/quina" ]; then shared="$dir/shared"; break; fi
  dir=$(dirname "$dir")
done
workbook="$shared/quina/Quina.xlsx"
if [ -f "$workbook" ]; then
  upload=$workbook
elif [ "${LUCKYFIVE_REQUIRE_SHARED:-0}" = 1 ]; then
  fail "LUCKYFIVE_REQUIRE_SHARED=1 but $workbook is missing"
  exit 1
else
  say "no workbook at $workbook: importing the bundled sample CSV"
  upload=$repo/data/sample/quina-sample.csv
fi
code=$(curl -sS -o "$work/import.json" -w '%{http_code}' --max-time 120 "${auth[@]}" -F "file=@$upload" "$api/imports")
[ "$code" = 201 ] || cat "$work/import.json" >&2
check "POST /imports $(basename "$upload") answers 201" test "$code" = 201
first=$(json 'd.first_contest + ".." + d.last_contest' <"$work/import.json" || echo none)
served=$(curl -sS --max-time 10 "${auth[@]}" "$api/draws?limit=1" | json 'd.items[0].contest')..$(curl -sS --max-time 10 "${auth[@]}" "$api/draws?limit=1&order=desc" | json 'd.items[0].contest')
check "the imported draws are served ($first)" test "$served" = "$first"

# submit_simulation BODY: prints the job id (a 202: queued for the workers)
submit_simulation() {
  local code
  code=$(curl -sS -o "$work/submit.json" -w '%{http_code}' --max-time 30 "${auth[@]}" -H 'Content-Type: application/json' -d "$1" "$api/simulations")
  [ "$code" = 202 ] || { echo "POST /simulations answered $code: $(cat "$work/submit.json")" >&2; return 1; }
  json 'd.job_id' <"$work/submit.json"
}
# wait_job JOB_ID SECONDS: waits for a final status, prints the job document
wait_job() {
  local doc status
  for _ in $(seq 1 "$2"); do
    doc=$(curl -sS --max-time 10 "${auth[@]}" "$api/simulations/$1" || true)
    status=$(printf '%s' "$doc" | json 'd.status' 2>/dev/null || echo unknown)
    case $status in completed | failed | cancelled) printf '%s\n' "$doc"; return 0 ;; esac
    sleep 1
  done
  echo "job $1 still $status after $2 s" >&2
  return 1
}
job=$(submit_simulation '{"preset":"balanced","last":100,"seed":7,"name":"docker-test"}')
say "simulation job $job queued"
doc=$(wait_job "$job" 300)
check "the simulation completed" test "$(printf '%s' "$doc" | json 'd.status')" = completed
check "it ran on the queue, on one of the workers" test "$(printf '%s' "$doc" | json 'd.placement + " " + /^worker-[12]$/.test(d.worker)')" = "queue true"
run_id=$(printf '%s' "$doc" | json 'd.run_id')
report=$(curl -sS --max-time 30 "${auth[@]}" "$api/runs/$run_id")
check "its run is served: completed, 100 contests" test "$(printf '%s' "$report" | json 'd.status + " " + d.contests')" = "completed 100"
mean_before=$(printf '%s' "$report" | json 'd.summary.mean_hits')

# 7. The data survives a restart of the API container.
compose restart -t 30 api >/dev/null 2>&1
check "api healthy again after a restart" wait_healthy api 120
after=$(curl -sS --max-time 30 "${auth[@]}" "$api/runs/$run_id" | json 'd.status + " " + d.summary.mean_hits')
check "the run and the key survived the restart" test "$after" = "completed $mean_before"

# 8. SIGTERM drains. A worker holding a run finishes it, returns it and exits 0; the API stops
#    taking connections, finishes what it serves and exits 0 with its "stopped" line.
job=$(submit_simulation '{"preset":"balanced","last":400,"seed":8,"name":"docker-drain"}')
holder=""
for _ in $(seq 1 120); do
  doc=$(curl -sS --max-time 10 "${auth[@]}" "$api/simulations/$job")
  holder=$(printf '%s' "$doc" | json 'd.worker && d.contests_done > 0 ? d.worker : ""')
  [ -n "$holder" ] && break
  sleep 0.5
done
if [ -z "$holder" ]; then
  fail "a worker takes the long simulation"
else
  say "$holder holds job $job ($(printf '%s' "$doc" | json 'd.contests_done + "/" + d.contests_planned') contests): SIGTERM"
  compose stop -t 120 "$holder" >/dev/null 2>&1
  holder_id=$(compose ps -q "$holder")
  check "$holder exits 0 after SIGTERM" test "$(docker inspect -f '{{.State.ExitCode}}' "$holder_id")" = 0
  check "$holder finished the run it held before exiting" sh -c "docker logs '$holder_id' 2>&1 | grep -q '$holder: stopped after [1-9][0-9]* run(s) done'"
  doc=$(wait_job "$job" 120)
  check "the drained worker's run was collected by the API" test "$(printf '%s' "$doc" | json 'd.status')" = completed
fi
api_id=$(compose ps -q api)
# a request in flight when SIGTERM comes gets its whole answer before the API exits: an upload of
# the results sent slowly (about 8 s, well inside shutdown_timeout = 20 s here), SIGTERM after 1 s
rate=$(($(stat -c %s "$upload") / 8 + 1))
curl -sS --max-time 60 --limit-rate "$rate" -o "$work/inflight.json" -w '%{http_code}' "${auth[@]}" -F "file=@$upload" "$api/imports" >"$work/inflight.code" 2>&1 &
inflight=$!
sleep 1
compose stop -t 60 api >/dev/null 2>&1
wait "$inflight" || true
inflight_answer="$(cat "$work/inflight.code") $(json 'd.error ? d.error.code : "imported " + d.rows_read' <"$work/inflight.json" 2>/dev/null || echo none)"
# whether it was still running when the drain began: its log line comes after "stopping" (said, not checked: a timing)
docker logs "$api_id" >"$work/api.log" 2>&1 || true
n_stop=$(grep -n 'stopping: no new connections' "$work/api.log" | tail -n 1 | cut -d: -f1)
n_req=$(grep -n '"method":"POST","route":"/api/v1/imports"' "$work/api.log" | tail -n 1 | cut -d: -f1)
when="answered before SIGTERM"
[ -n "$n_stop" ] && [ -n "$n_req" ] && [ "$n_req" -gt "$n_stop" ] && when="answered during the drain"
say "the request in flight during SIGTERM got: $inflight_answer ($when)"
check "an upload in flight during SIGTERM is answered in full ($inflight_answer)" test "${inflight_answer% *}" = "201 imported"
check "the API exits 0 after SIGTERM" test "$(docker inspect -f '{{.State.ExitCode}}' "$api_id")" = 0
n_stopped=$(grep -n 'stopped$' "$work/api.log" | tail -n 1 | cut -d: -f1)
check "the API logged its drain (stopping, then stopped)" test -n "$n_stop" -a -n "$n_stopped" -a "${n_stopped:-0}" -gt "${n_stop:-0}"

# 9. The production variant: the same stack with docker-compose.prod.yml, the API behind Caddy
#    (`tls internal`, its local CA checked by curl), trust_proxy set to the proxy's address.
if [ "$with_proxy" = 1 ]; then
  say "production variant: down -v, then up with docker-compose.prod.yml (Caddy, tls internal)"
  compose down -v -t 30 >/dev/null 2>&1
  export LF_TEST_PROXY_HTTP_PORT LF_TEST_PROXY_HTTPS_PORT
  LF_TEST_PROXY_HTTP_PORT=$(free_port)
  LF_TEST_PROXY_HTTPS_PORT=$(free_port)
  render docker-compose.yml docker-compose.prod.yml deploy/docker/compose.test.yml deploy/docker/compose.test-prod.yml
  compose up -d --no-build proxy >"$work/up-prod.log" 2>&1 || { cat "$work/up-prod.log" >&2; fail "docker-compose up (production variant)"; exit 1; }
  check "api healthy (production variant)" wait_healthy api 120
  https="https://127.0.0.1:$LF_TEST_PROXY_HTTPS_PORT"
  code=000
  for _ in $(seq 1 60); do
    if compose exec -T proxy cat /data/caddy/pki/authorities/local/root.crt >"$work/caddy-ca.crt" 2>/dev/null && [ -s "$work/caddy-ca.crt" ]; then
      # from 127.0.0.2: the address the API must see through the proxy (the proxy itself is 127.0.0.1)
      code=$(curl -sS --max-time 10 --cacert "$work/caddy-ca.crt" --interface 127.0.0.2 -D "$work/proxy-headers.txt" -o "$work/proxy-health.json" -w '%{http_code}' "$https/api/v1/health" 2>/dev/null || true)
      [ "$code" = 200 ] && break
    fi
    sleep 1
  done
  check "GET $https/api/v1/health through Caddy answers 200 (certificate verified against Caddy's local CA)" test "$code" = 200
  check "the proxy adds Strict-Transport-Security" grep -qi '^strict-transport-security: max-age=31536000' "$work/proxy-headers.txt"
  api_id=$(compose ps -q api)
  check "the API logs the client's address through the proxy (trust_proxy 127.0.0.1): 127.0.0.2" sh -c "docker logs '$api_id' 2>/dev/null | grep '\"route\":\"/api/v1/health\"' | grep -q '\"ip\":\"127.0.0.2\"'"
  # straight to the API from 127.0.0.3 with a forged X-Forwarded-For: not a trusted proxy, not believed
  curl -sS --max-time 10 --interface 127.0.0.3 -H 'X-Forwarded-For: 203.0.113.9' -o /dev/null "$api/health" || true
  check "a forged X-Forwarded-For from an untrusted address is not believed" sh -c "docker logs '$api_id' 2>/dev/null | grep -q '\"ip\":\"127.0.0.3\"' && ! docker logs '$api_id' 2>/dev/null | grep -q '\"ip\":\"203.0.113.9\"'"
fi
