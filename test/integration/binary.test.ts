// The single binary (dist-bin/luckyfive, `npm run build:binary`) run as a user without Node would:
// copied into an empty folder, a PATH with no `node`, a fresh HOME and cache. Its results must
// equal the npm install's (`node bin/luckyfive.js`): same tickets, same figures.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY, haveBinary, runProcess, startProcess, type RunResult } from '../helpers/binary.js';
import { haveRedisServer, startRedis, type TestRedis } from '../helpers/redis.js';
import { QUINA_XLSX, haveShared } from '../helpers/shared.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NODE_CLI = join(ROOT, 'bin/luckyfive.js');
const built = haveBinary();
const shared = built && haveShared();

/** Keys that name a run or a moment rather than a result. */
const VOLATILE = /(^|_)(id|at)$|^file$|^elapsed_ms$|^created|^started|^finished/;
function stripVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !VOLATILE.test(k))
        .map(([k, v]) => [k, stripVolatile(v)]),
    );
  }
  return value;
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.skipIf(!built)('the single binary', () => {
  let work: string;
  let exe: string;
  let env: NodeJS.ProcessEnv;
  let cacheRoot: string;

  const bin = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> => runProcess(exe, args, { env: { ...env, ...extraEnv }, cwd: work });
  const node = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
    runProcess(process.execPath, [NODE_CLI, ...args], { env: { ...process.env, NO_COLOR: '1', LUCKYFIVE_THREADS: '2', ...extraEnv }, cwd: work });
  const entries = () => readdirSync(cacheRoot);

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'luckyfive-binary-'));
    const empty = join(work, 'app');
    mkdirSync(empty);
    exe = join(empty, 'luckyfive');
    copyFileSync(BINARY, exe);
    const pathDir = join(work, 'no-node-here');
    mkdirSync(pathDir);
    cacheRoot = join(work, 'xdg-cache', 'luckyfive');
    env = { PATH: pathDir, HOME: join(work, 'home'), XDG_CACHE_HOME: join(work, 'xdg-cache'), NO_COLOR: '1', LUCKYFIVE_THREADS: '2' };
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('[16.1.1] runs where no node is on the PATH and prints package.json version', async () => {
    expect(spawnSync('/bin/sh', ['-c', 'command -v node'], { env: { PATH: env.PATH } }).status).not.toBe(0);
    const r = await bin(['--version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('[16.1.2] extracts once into a hash-keyed cache entry and reuses it', async () => {
    const [entry, ...others] = entries();
    expect(others).toEqual([]);
    expect(entry).toMatch(/^[0-9a-f]{16}$/);
    const dir = join(cacheRoot, entry!);
    expect(readFileSync(join(dir, '.luckyfive-complete'), 'utf8')).toBe(entry);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const bundle = join(dir, 'dist/luckyfive.js');
    const before = statSync(bundle);
    const r = await bin(['--version']);
    expect(r.code).toBe(0);
    const after = statSync(bundle);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(entries()).toEqual([entry]);
  });

  it('[16.1.3] replaces a damaged or partial cache entry', async () => {
    const [entry] = entries();
    const dir = join(cacheRoot, entry!);
    const bundle = join(dir, 'dist/luckyfive.js');
    const size = statSync(bundle).size;
    writeFileSync(bundle, 'throw new Error("damaged")');
    let r = await bin(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
    expect(r.stderr).toMatch(/replacing a damaged cache entry/);
    expect(statSync(bundle).size).toBe(size);
    // an entry without its stamp (a copy cut short) is replaced as well
    rmSync(join(dir, '.luckyfive-complete'));
    r = await bin(['--version']);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, '.luckyfive-complete'))).toBe(true);
    expect(entries()).toEqual([entry]);
  });

  it('[16.1.4] two first runs at once share one entry (LUCKYFIVE_CACHE_DIR), and an old interrupted extraction is removed', async () => {
    const cacheDir = join(work, 'own-cache');
    const leftover = join(cacheDir, '.tmp-0123456789abcdef-1-killed');
    mkdirSync(join(leftover, 'dist'), { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(leftover, twoHoursAgo, twoHoursAgo);
    const [a, b] = await Promise.all([bin(['--version'], { LUCKYFIVE_CACHE_DIR: cacheDir }), bin(['--version'], { LUCKYFIVE_CACHE_DIR: cacheDir })]);
    expect([a.code, b.code, a.stdout.trim(), b.stdout.trim()]).toEqual([0, 0, VERSION, VERSION]);
    expect(readdirSync(cacheDir)).toEqual(entries());
  });

  it('[16.1.5] serves /api/v1/health, the OpenAPI document and its page from inside', async () => {
    const server = startProcess(exe, ['--data-dir', join(work, 'serve-data'), 'serve', '--port', '0'], { env, cwd: work });
    try {
      const [, address] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const health = await fetch(`${address}/api/v1/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string; version: string }).version).toBe(VERSION);
      expect((await fetch(`${address}/api/v1/openapi.json`)).status).toBe(200);
      expect((await fetch(`${address}/docs/static/swagger-ui.css`)).status).toBe(200);
      expect((await fetch(`${address}/assets/app.css`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  describe.skipIf(!shared)('on the real workbook, against the npm install', () => {
    const binData = () => join(work, 'bin-data');
    const nodeData = () => join(work, 'node-data');

    beforeAll(async () => {
      // bin/luckyfive.js runs the compiled dist/: CI's `npm ci` builds it (prepare)
      if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run npm run build before this test');
      const [b, n] = await Promise.all([
        bin(['--data-dir', binData(), 'import', QUINA_XLSX, '--json']),
        node(['--data-dir', nodeData(), 'import', QUINA_XLSX, '--json']),
      ]);
      expect([b.code, n.code], b.stderr + n.stderr).toEqual([0, 0]);
    }, 180_000);

    it('[16.1.6] imports the workbook like the npm install', async () => {
      const args = ['draws', 'list', '--limit', '0', '--csv'];
      const [b, n] = await Promise.all([bin(['--data-dir', binData(), ...args]), node(['--data-dir', nodeData(), ...args])]);
      expect(b.code).toBe(0);
      expect(b.stdout.split('\n').length).toBeGreaterThan(6000);
      expect(sha256(b.stdout)).toBe(sha256(n.stdout));
    });

    it('[16.1.7] simulates on 2 threads with the same tickets and figures', async () => {
      const args = ['simulate', '--preset', 'balanced', '--last', '30', '--seed', '11', '--threads', '2', '--json'];
      const b = await bin(['--data-dir', binData(), ...args]);
      const n = await node(['--data-dir', nodeData(), ...args]);
      expect([b.code, n.code], b.stderr + n.stderr).toEqual([0, 0]);
      const [bj, nj] = [JSON.parse(b.stdout) as { run_id: string }, JSON.parse(n.stdout) as { run_id: string }];
      expect(stripVolatile(bj)).toEqual(stripVolatile(nj));
      const [be, ne] = await Promise.all([
        bin(['--data-dir', binData(), 'runs', 'export', bj.run_id, '--format', 'csv']),
        node(['--data-dir', nodeData(), 'runs', 'export', nj.run_id, '--format', 'csv']),
      ]);
      expect(be.stdout.split('\n').length).toBeGreaterThan(30 * 25);
      expect(sha256(be.stdout)).toBe(sha256(ne.stdout));
      // the report's PDF and PNG need the bundled fonts and resvg's addon
      const pdf = await bin(['--data-dir', binData(), 'report', 'run', bj.run_id, '--format', 'pdf', '--out', join(work, 'r.pdf')]);
      const png = await bin(['--data-dir', binData(), 'report', 'run', bj.run_id, '--format', 'png', '--out', join(work, 'r.png')]);
      expect([pdf.code, png.code], pdf.stderr + png.stderr).toEqual([0, 0]);
      expect(readFileSync(join(work, 'r.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
      expect(readFileSync(join(work, 'r.png')).subarray(1, 4).toString()).toBe('PNG');
    }, 180_000);

    it('[16.1.8] sweeps with the same cells, and maintain checks its files', async () => {
      const args = ['sweep', '--preset', 'balanced', '--param', 'history=100,200', '--last', '15', '--seed', '5', '--threads', '2', '--json'];
      const b = await bin(['--data-dir', binData(), ...args]);
      const n = await node(['--data-dir', nodeData(), ...args]);
      expect([b.code, n.code], b.stderr + n.stderr).toEqual([0, 0]);
      expect(stripVolatile(JSON.parse(b.stdout))).toEqual(stripVolatile(JSON.parse(n.stdout)));
      const check = await bin(['--data-dir', binData(), 'maintain', 'check', '--json']);
      expect(check.code, check.stderr).toBe(0);
    }, 180_000);

    describe.skipIf(!haveRedisServer())('with Redis', () => {
      let redis: TestRedis | undefined;
      beforeAll(async () => {
        redis = await startRedis();
      });
      afterAll(async () => {
        await redis?.stop();
      });

      it('[16.1.9] a binary worker takes a run from the queue, with the same tickets as a local run', async () => {
        const worker = startProcess(exe, ['worker', '--queue', redis!.url, '--threads', '2'], { env, cwd: work });
        try {
          await worker.waitFor(/waiting for runs/);
          const args = ['simulate', '--preset', 'balanced', '--last', '10', '--seed', '23', '--json'];
          const queued = await node(['--data-dir', nodeData(), ...args], { LUCKYFIVE_QUEUE_URL: redis!.url });
          expect(queued.code, queued.stderr).toBe(0);
          const runId = (JSON.parse(queued.stdout) as { run_id: string }).run_id;
          expect(worker.stderr()).toContain(`run ${runId} taken`);
          const local = await bin(['--data-dir', binData(), ...args]);
          const localId = (JSON.parse(local.stdout) as { run_id: string }).run_id;
          const [qe, le] = await Promise.all([
            node(['--data-dir', nodeData(), 'runs', 'export', runId, '--format', 'csv']),
            bin(['--data-dir', binData(), 'runs', 'export', localId, '--format', 'csv']),
          ]);
          expect(sha256(qe.stdout)).toBe(sha256(le.stdout));
        } finally {
          expect(await worker.stop()).toBe(0);
        }
      }, 180_000);
    });
  });
});
