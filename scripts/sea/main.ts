/**
 * The main script of the single binary (Node's single executable application). Node runs it as
 * CommonJS, and its `require` loads built-in modules only. It extracts the files shipped as SEA
 * assets (the esbuild bundles, the workers, the native addons, presets, sample data, fonts) once
 * into a per-user cache folder named after their hash, then imports the real bundle from there.
 *
 * Cache: `$LUCKYFIVE_CACHE_DIR/<hash>/`, else `$XDG_CACHE_HOME/luckyfive/<hash>/`, else
 * `$HOME/.cache/luckyfive/<hash>/` (never the temp folder, which may be mounted noexec, and the
 * addons are loaded from there). An entry is written into a temporary folder beside it and renamed
 * into place, so two first runs at once are safe (the loser removes its copy and uses the winner's).
 * Every start checks that each file of the manifest is there with its size and that the entry's
 * stamp names this hash; an entry that fails is moved aside and extracted again.
 *
 * `scripts/build-binary.mjs` bundles it to CommonJS with esbuild, defining the two constants below.
 */
import cluster from 'node:cluster';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sea from 'node:sea';
import { pathToFileURL } from 'node:url';

/** the cache key: the first 16 hex digits of the SHA-256 of the manifest (set by esbuild's `define`) */
declare const __LUCKYFIVE_HASH__: string;
/** the application bundle's path inside the entry (set by esbuild's `define`) */
declare const __LUCKYFIVE_MAIN__: string;
const HASH = __LUCKYFIVE_HASH__;
const MAIN = __LUCKYFIVE_MAIN__;
const STAMP = '.luckyfive-complete';

interface Manifest {
  files: Array<{ path: string; size: number; sha256: string }>;
}

function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err ? String(err.code) : undefined;
}

function cacheBase(): string {
  const env = process.env;
  if (env.LUCKYFIVE_CACHE_DIR) return path.resolve(env.LUCKYFIVE_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'luckyfive');
  return path.join(env.HOME || os.homedir(), '.cache', 'luckyfive');
}

/** True when every file of the manifest is in `dir` with its size, and the stamp names this build. */
function isComplete(dir: string, manifest: Manifest): boolean {
  try {
    if (fs.readFileSync(path.join(dir, STAMP), 'utf8') !== HASH) return false;
    for (const f of manifest.files) if (fs.statSync(path.join(dir, f.path)).size !== f.size) return false;
    return true;
  } catch {
    return false;
  }
}

function writeEntry(tmp: string, manifest: Manifest): void {
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  for (const f of manifest.files) {
    const target = path.join(tmp, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.writeFileSync(target, new Uint8Array(sea.getRawAsset(f.path) as ArrayBuffer), { mode: 0o600 });
  }
  fs.writeFileSync(path.join(tmp, STAMP), HASH, { mode: 0o600 });
}

function removeQuietly(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // a leftover folder only costs space; the next extraction uses another name
  }
}

/** Removes what extractions killed midway left behind (`.tmp-*`, `.stale-*` older than an hour). */
function removeLeftovers(base: string): void {
  const hourAgo = Date.now() - 3600_000;
  for (const name of fs.readdirSync(base)) {
    if (!name.startsWith('.tmp-') && !name.startsWith('.stale-')) continue;
    try {
      if (fs.statSync(path.join(base, name)).mtimeMs < hourAgo) removeQuietly(path.join(base, name));
    } catch {
      // gone already
    }
  }
}

/** The entry's folder, extracted first when missing or damaged. */
function ensureEntry(): string {
  const manifest = JSON.parse(sea.getAsset('manifest.json', 'utf8')) as Manifest;
  const base = cacheBase();
  const dir = path.join(base, HASH);
  if (isComplete(dir, manifest)) return dir;
  fs.mkdirSync(base, { recursive: true, mode: 0o700 });
  removeLeftovers(base);
  const unique = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  if (fs.existsSync(dir)) {
    // damaged or partial (an interrupted copy, a file removed or cut): move it aside, then replace it
    const stale = path.join(base, `.stale-${HASH}-${unique}`);
    try {
      fs.renameSync(dir, stale);
      removeQuietly(stale);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err; // another process moved it first
    }
    process.stderr.write(`luckyfive: replacing a damaged cache entry in ${dir}\n`);
  }
  const tmp = path.join(base, `.tmp-${HASH}-${unique}`);
  try {
    writeEntry(tmp, manifest);
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // another first run won the race: use its entry if it is whole
      const code = errorCode(err);
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !isComplete(dir, manifest)) throw err;
    }
  } finally {
    removeQuietly(tmp);
  }
  return dir;
}

/** True when `file` is this executable. */
function isSelf(file: string): boolean {
  try {
    return fs.realpathSync(file) === fs.realpathSync(process.execPath);
  } catch {
    return false;
  }
}

// A process forked by node:cluster (`serve --processes N`) is started as `<binary> <argv[1]> args`
// (argv[1] being the script path under plain Node), and a single executable puts its own path in
// argv[1] as well: drop the repeated path so that the arguments start at argv[2] again.
if (cluster.isWorker && process.argv.length > 2 && isSelf(process.argv[2]!)) process.argv.splice(2, 1);

let dir: string;
try {
  dir = ensureEntry();
} catch (err) {
  process.stderr.write(
    `luckyfive: cannot prepare the cache folder (${err instanceof Error ? err.message : String(err)}); set LUCKYFIVE_CACHE_DIR to a writable folder\n`,
  );
  process.exit(1);
}
import(pathToFileURL(path.join(dir, MAIN)).href).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
