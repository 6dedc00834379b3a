// The single binary (`npm run build:binary` first): its size, the size of its cache entry, and the
// start-up time of `dist-bin/luckyfive --version` beside `node bin/luckyfive.js --version` (Node on
// PATH, the npm install; `npm run build` first) in the same run: the binary's first run (an empty
// cache: it extracts its files) and later runs (the cache entry reused).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Bench } from 'tinybench';

const root = resolve(import.meta.dirname, '..');
const binary = join(root, 'dist-bin/luckyfive');
const cli = join(root, 'bin/luckyfive.js');
if (!existsSync(binary) || !existsSync(join(root, 'dist/cli/main.js'))) {
  console.error('build first: npm run build && npm run build:binary');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'luckyfive-bench-binary-'));
const warmCache = join(work, 'warm');
const coldCache = join(work, 'cold');
const envWith = (cache: string) => ({ ...process.env, LUCKYFIVE_CACHE_DIR: cache });
const run = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
};

function treeBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    bytes += statSync(join(e.parentPath, e.name)).size;
    files++;
  }
  return { bytes, files };
}

try {
  run(binary, ['--version'], envWith(warmCache));
  const size = statSync(binary).size;
  const entry = treeBytes(warmCache);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  console.log(`binary: ${size} bytes (${mb(size)} MB); cache entry: ${entry.bytes} bytes (${mb(entry.bytes)} MB) in ${entry.files} files`);

  const bench = new Bench({ iterations: 20, time: 0, warmupIterations: 2 });
  bench.add('node -e 0 (Node 20 itself)', () => run(process.execPath, ['-e', '0']));
  bench.add('node bin/luckyfive.js --version', () => run(process.execPath, [cli, '--version']));
  bench.add('dist-bin/luckyfive --version (cache reused)', () => run(binary, ['--version'], envWith(warmCache)));
  bench.add('dist-bin/luckyfive --version (first run: empty cache)', () => run(binary, ['--version'], envWith(coldCache)), {
    beforeEach: () => rmSync(coldCache, { recursive: true, force: true }),
  });
  await bench.run();
  console.table(bench.table());
  const mean = (name: string) => (bench.getTask(name)?.result as { latency?: { mean: number } } | undefined)?.latency?.mean ?? NaN;
  const npm = mean('node bin/luckyfive.js --version');
  console.log(
    `ratio to node bin/luckyfive.js --version: cache reused ${(mean('dist-bin/luckyfive --version (cache reused)') / npm).toFixed(2)}, ` +
      `first run ${(mean('dist-bin/luckyfive --version (first run: empty cache)') / npm).toFixed(2)}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
