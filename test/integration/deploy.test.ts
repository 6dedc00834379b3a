/**
 * scripts/deploy.sh and scripts/rollback.sh end to end, in process mode on 127.0.0.1 (issue 16):
 * three releases built from this tree (1.0.0, 2.0.0, and a broken 3.0.0 whose extra catalog
 * migration renames the draws table, so it starts healthy but fails its smoke read), deployed in
 * turn: 1 -> 2 succeeds with the data kept; 2 -> 3 rolls back by itself to 2, restoring the backup
 * (2 refuses the catalog 3 migrated) with the data intact; rollback.sh by hand goes 2 -> 1.
 * Every serve the scripts start is stopped by its pidfile's PID afterwards.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FIELDS } from '../../src/config.js';
import { type TestRedis, freePort, haveRedisServer, startRedis } from '../helpers/redis.js';
import { presentOrSkip } from '../helpers/shared.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** curl (the health gate), flock and setsid (util-linux) on Linux; skipped with a message elsewhere. */
function haveDeployTools(): boolean {
  const missing = ['curl', 'flock', 'setsid'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0);
  const ok = process.platform === 'linux' && missing.length === 0;
  return presentOrSkip(ok, `the deploy test lacks ${missing.join(', ') || 'Linux'} (apt-get install curl util-linux)`, 'the deploy test');
}

/** A tool a test needs: skipped with a message when missing, a failure under LUCKYFIVE_REQUIRE_SHARED=1 (CI installs it). */
function haveTool(tool: string, debianPackage: string): boolean {
  const present = spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
  return presentOrSkip(present, `${tool} is missing (apt-get install ${debianPackage})`, 'a deploy check');
}

/** The built app: this tree's dist/ (built by `npm ci`'s prepare and by CI), else compiled here into `into`. */
function builtDist(into: string): string {
  if (existsSync(join(ROOT, 'dist/cli/main.js'))) return join(ROOT, 'dist');
  const out = join(into, 'dist');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`tsc failed: ${r.stdout}${r.stderr}`);
  return out;
}

/** releases/<version>/: dist, bin, presets, sample, fonts, its own package.json, node_modules linked, a `luckyfive` wrapper. */
function makeRelease(home: string, dist: string, version: string): string {
  const dir = join(home, 'releases', version);
  mkdirSync(join(dir, 'data'), { recursive: true });
  cpSync(dist, join(dir, 'dist'), { recursive: true });
  for (const p of ['bin', 'recipes', 'data/sample', 'data/fonts']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  writeFileSync(join(dir, 'luckyfive'), `#!/bin/sh\nexec "${process.execPath}" "$(dirname "$0")/bin/luckyfive.js" "$@"\n`);
  chmodSync(join(dir, 'luckyfive'), 0o755);
  return dir;
}

/** 3.0.0's flaw: one more catalog migration, renaming `draws`; it starts, answers health, and fails every draws read. */
function breakRelease(dir: string): void {
  const migrations = join(dir, 'dist/store/catalog-migrations');
  writeFileSync(
    join(migrations, '099-deploy-probe.js'),
    "export const mDeployProbe = { version: 16, name: 'deploy-probe', up(db) { db.exec('ALTER TABLE draws RENAME TO draws_broken'); } };\n",
  );
  const index = join(migrations, 'index.js');
  const source = readFileSync(index, 'utf8');
  const patched = source.replace(/export const CATALOG_MIGRATIONS = \[([^\]]*)\]/, (_m, list: string) => {
    const count = list.split(',').filter((s) => s.trim()).length;
    if (count !== 15) throw new Error(`the deploy test's broken release expects 15 catalog migrations, found ${count}: update its probe's version`);
    return `export const CATALOG_MIGRATIONS = [${list.trimEnd().replace(/,?$/, ',')} mDeployProbe]`;
  });
  writeFileSync(index, `import { mDeployProbe } from './099-deploy-probe.js';\n${patched}`);
}

interface Digest {
  sha256: string;
  files: { file: string; user_version: number; schema_sha256: string; tables: Record<string, { rows: number; sha256: string }> }[];
}

/** The data that matters, without `api_keys` (the smoke key's `last_used_at` moves as it is used). */
function dataOf(d: Digest): unknown {
  return d.files.map((f) => ({ ...f, tables: Object.fromEntries(Object.entries(f.tables).filter(([t]) => t !== 'api_keys')) }));
}

describe.runIf(haveDeployTools())('deploy.sh and rollback.sh (process mode)', () => {
  let work: string;
  let home: string;
  let port: number;
  let envFile: string;
  let redis: TestRedis | undefined;

  /** The running worker is the given release's (process mode: run/worker-1.pid); nothing to check without Redis. */
  function expectWorkerOf(version: string): void {
    if (!redis) return;
    const pid = Number(readFileSync(join(home, 'run/worker-1.pid'), 'utf8'));
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline.join(' ')).toContain(`releases/${version}/bin/luckyfive.js worker`);
  }

  function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): SpawnSyncReturns<string> {
    const env: Record<string, string | undefined> = { ...process.env, LUCKYFIVE_HOME: home, LUCKYFIVE_ENV_FILE: envFile, ...extraEnv };
    delete env.LUCKYFIVE_DATA_DIR;
    return spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 150_000 });
  }
  const script = (name: string, ...args: string[]) => run('bash', [join(ROOT, 'scripts', name), ...args]);
  const lf = (...args: string[]) => run(join(home, 'current/luckyfive'), ['--data-dir', join(home, 'data'), ...args]);
  const currentVersion = () => basename(readlinkSync(join(home, 'current')));
  const digest = (): Digest => JSON.parse(lf('maintain', 'digest', '--json').stdout) as Digest;
  /** GET /api/v1/health on a fresh connection (a kept-alive one may belong to the server a deploy just stopped). */
  async function health(): Promise<{ status: string; version: string }> {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(5_000), headers: { connection: 'close' } });
    return (await res.json()) as { status: string; version: string };
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'luckyfive-deploy-'));
    home = join(work, 'home');
    port = await freePort();
    // with a redis-server, each version also runs one `luckyfive worker` (LUCKYFIVE_DEPLOY_WORKERS=1)
    if (haveRedisServer()) redis = await startRedis();
    const dist = builtDist(work);
    for (const v of ['1.0.0', '2.0.0', '3.0.0']) makeRelease(home, dist, v);
    breakRelease(join(home, 'releases/3.0.0'));
    envFile = join(home, 'luckyfive.env');
    writeFileSync(
      envFile,
      [
        `LUCKYFIVE_DATA_DIR=${join(home, 'data')}`,
        `LUCKYFIVE_PORT=${port}`,
        'LUCKYFIVE_HOST=127.0.0.1',
        'LUCKYFIVE_THREADS=1',
        'LUCKYFIVE_SHUTDOWN_TIMEOUT=10',
        'LUCKYFIVE_DEPLOY_HEALTH_TIMEOUT=40',
        'LUCKYFIVE_DEPLOY_STOP_TIMEOUT=20',
        ...(redis ? [`LUCKYFIVE_QUEUE_URL=${redis.url}`, 'LUCKYFIVE_DEPLOY_WORKERS=1'] : []),
        '',
      ].join('\n'),
    );
  }, 240_000);

  afterAll(async () => {
    if (!home) return;
    for (const pidfile of [join(home, 'run/serve.pid'), join(home, 'run/worker-1.pid')]) {
      if (!existsSync(pidfile)) continue;
      const pid = Number(readFileSync(pidfile, 'utf8'));
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue; // already gone
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // stopped by SIGTERM
      }
    }
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('[16.3.1] deploys 1.0.0 first, then 2.0.0 with the data kept, backed up with 1.0.0 before the switch', async () => {
    const first = script('deploy.sh', '1.0.0');
    expect(first.status, first.stderr).toBe(0);
    expect(lf('import', '--sample', '--json').status).toBe(0);
    const sim = lf('simulate', '--preset', 'balanced', '--last', '3', '--threads', '1', '--json');
    expect(sim.status, sim.stderr).toBe(0);
    const key = JSON.parse(lf('auth', 'key', 'create', '--name', 'smoke', '--role', 'viewer', '--json').stdout) as { key: string };
    writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}LUCKYFIVE_SMOKE_KEY=${key.key}\n`);
    const before = digest();

    const second = script('deploy.sh', '2.0.0');
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain('smoke requests answered');
    expect(second.stderr).toContain('deployed 2.0.0');
    expect(currentVersion()).toBe('2.0.0');
    expect(basename(readlinkSync(join(home, 'previous')))).toBe('1.0.0');
    expect(lf('--version').stdout.trim()).toBe('2.0.0');
    expect(await health()).toMatchObject({ status: 'ok', version: '2.0.0' });
    expectWorkerOf('2.0.0');
    expect(dataOf(digest())).toEqual(dataOf(before));
    const manifest = readFileSync(join(/backup: (\S+);/.exec(second.stderr)![1]!, 'manifest.json'), 'utf8');
    expect(JSON.parse(manifest)).toMatchObject({ luckyfive_version: '1.0.0' });
  }, 150_000);

  it('[16.3.2] a 3.0.0 that migrates the catalog and fails its smoke read is rolled back to 2.0.0 by itself, the backup restored, the data intact (exit 10)', async () => {
    const before = digest();
    const third = script('deploy.sh', '3.0.0');
    expect(third.status, third.stderr).toBe(10);
    expect(third.stderr).toContain('smoke request GET /api/v1/draws?limit=1 failed');
    expect(third.stderr).toContain('the new version migrated it): restoring the backup');
    expect(third.stderr).toContain('data digest equals the pre-deploy one');
    expect(third.stderr).toContain('DEPLOY FAILED, ROLLED BACK');
    expect(currentVersion()).toBe('2.0.0');
    expect(basename(readlinkSync(join(home, 'previous')))).toBe('1.0.0');
    expect(await health()).toMatchObject({ status: 'ok', version: '2.0.0' });
    expectWorkerOf('2.0.0');
    const after = digest();
    expect(after.files.find((f) => f.file === 'catalog.sqlite')!.user_version).toBe(15);
    expect(dataOf(after)).toEqual(dataOf(before));
    // what 3.0.0 migrated is set aside in the data dir, not deleted
    expect(readdirSync(join(home, 'data')).filter((n) => n.startsWith('.restore-previous-'))).toHaveLength(1);
  }, 150_000);

  it('[16.3.3] rollback.sh goes back by hand from 2.0.0 to the previous release, 1.0.0', async () => {
    const before = digest();
    const back = script('rollback.sh');
    expect(back.status, back.stderr).toBe(0);
    expect(back.stderr).toContain('rolled back: 1.0.0 serves');
    expect(currentVersion()).toBe('1.0.0');
    expect(basename(readlinkSync(join(home, 'previous')))).toBe('2.0.0');
    expect(await health()).toMatchObject({ status: 'ok', version: '1.0.0' });
    expectWorkerOf('1.0.0');
    expect(dataOf(digest())).toEqual(dataOf(before));
  }, 150_000);

  it('[16.3.11] without a smoke key the gate is a CLI read, which 3.0.0 passes; rollback.sh then finds 1.0.0 cannot read the migrated catalog and restores the backup the deploy took with 1.0.0', async () => {
    const withKey = readFileSync(envFile, 'utf8');
    writeFileSync(envFile, withKey.replace(/^LUCKYFIVE_SMOKE_KEY=.*\n/m, ''));
    try {
      const before = digest();
      const deployed = script('deploy.sh', '3.0.0');
      expect(deployed.status, deployed.stderr).toBe(0);
      expect(deployed.stderr).toContain('smoke read answered (runs list');
      const back = script('rollback.sh');
      expect(back.status, back.stderr).toBe(0);
      expect(back.stderr).toContain('1.0.0 cannot read the catalog (a newer version migrated it): restoring');
      expect(back.stderr).toContain('data digest equals the pre-deploy one');
      expect(currentVersion()).toBe('1.0.0');
      expect(await health()).toMatchObject({ status: 'ok', version: '1.0.0' });
      expectWorkerOf('1.0.0');
      const after = digest();
      expect(after.files.find((f) => f.file === 'catalog.sqlite')!.user_version).toBe(15);
      expect(dataOf(after)).toEqual(dataOf(before));
    } finally {
      writeFileSync(envFile, withKey);
    }
  }, 150_000);

  it.runIf(haveTool('logrotate', 'logrotate'))(
    '[16.3.8] deploy/logrotate/luckyfive rotates the process-mode serve.log while serve keeps appending to it (copytruncate)',
    async () => {
      const conf = join(work, 'logrotate.conf');
      const text = readFileSync(join(ROOT, 'deploy/logrotate/luckyfive'), 'utf8')
        .replaceAll('/opt/luckyfive/log', join(home, 'log'))
        .replaceAll('/var/log/luckyfive', join(work, 'var-log'))
        .replace(/^\s*su .*$/gm, '');
      writeFileSync(conf, text);
      const state = join(work, 'logrotate.state');
      const dry = spawnSync('logrotate', ['-d', '-s', state, conf], { encoding: 'utf8', timeout: 30_000 });
      expect(dry.status, dry.stderr).toBe(0);
      expect(dry.stderr).not.toMatch(/error/i);
      const log = join(home, 'log/serve.log');
      const forced = spawnSync('logrotate', ['-f', '-s', state, conf], { encoding: 'utf8', timeout: 30_000 });
      expect(forced.status, forced.stderr).toBe(0);
      expect(existsSync(`${log}.1`)).toBe(true);
      expect(statSync(log).size).toBe(0);
      // serve still writes to the truncated file (it appends), and still answers
      expect(await health()).toMatchObject({ status: 'ok' });
      const deadline = Date.now() + 10_000;
      while (statSync(log).size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(readFileSync(log, 'utf8')).toContain('/api/v1/health');
    },
  );

  it('[16.3.4] refuses a release that is missing or prints another version, changing nothing (exit 3), and a bad command line (exit 2)', () => {
    const missing = script('deploy.sh', '9.9.9');
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain('no executable');
    const wrong = join(home, 'releases/4.0.0');
    mkdirSync(wrong);
    writeFileSync(join(wrong, 'luckyfive'), '#!/bin/sh\necho 1.0.0\n', { mode: 0o755 });
    const mismatch = script('deploy.sh', '4.0.0');
    expect(mismatch.status).toBe(3);
    expect(mismatch.stderr).toContain("prints '1.0.0', expected '4.0.0'");
    expect(currentVersion()).toBe('1.0.0');
    expect(script('deploy.sh').status).toBe(2);
    expect(script('rollback.sh', '--restore').status).toBe(2);
  });

  it('[16.3.12] in systemd mode drives the units through systemctl: stop serve and the workers, start serve and LUCKYFIVE_DEPLOY_WORKERS worker instances (a stand-in systemctl runs current/luckyfive)', async () => {
    const bin = join(work, 'fake-systemd');
    mkdirSync(bin, { recursive: true });
    const calls = join(work, 'systemctl.calls');
    // Records each call; `start luckyfive-serve.service` runs current/luckyfive serve as the unit would, `stop` sends SIGTERM and waits.
    writeFileSync(
      join(bin, 'systemctl'),
      [
        '#!/usr/bin/env bash',
        'set -euo pipefail',
        `echo "$*" >>'${calls}'`,
        'pidfile=$LUCKYFIVE_HOME/run/serve.pid',
        'case "$1 $2" in',
        '  "start luckyfive-serve.service") setsid "$LUCKYFIVE_HOME/current/luckyfive" serve </dev/null >>"$LUCKYFIVE_HOME/log/serve.log" 2>&1 9>&- & echo $! >"$pidfile" ;;',
        '  "stop luckyfive-serve.service")',
        '    if [ -f "$pidfile" ]; then pid=$(cat "$pidfile"); kill -TERM "$pid" 2>/dev/null || true',
        '      for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; rm -f "$pidfile"; fi ;;',
        'esac',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    // the env file's values win over the environment's: the manager and the workers are set there
    const before = readFileSync(envFile, 'utf8');
    writeFileSync(envFile, `${before.replace(/^LUCKYFIVE_DEPLOY_WORKERS=.*\n/m, '')}LUCKYFIVE_SERVICE_MANAGER=systemd\nLUCKYFIVE_DEPLOY_WORKERS=2\n`);
    try {
      // as root, systemd mode runs luckyfive as the units' user (luckyfive), which this machine lacks
      const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, ...(process.getuid?.() === 0 ? { LUCKYFIVE_DEPLOY_USER: 'root' } : {}) };
      const deployed = run('bash', [join(ROOT, 'scripts/deploy.sh'), '2.0.0'], env);
      expect(deployed.status, deployed.stderr).toBe(0);
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
        'stop luckyfive-serve.service luckyfive-worker@*.service',
        'start luckyfive-serve.service luckyfive-worker@1.service luckyfive-worker@2.service',
      ]);
    } finally {
      writeFileSync(envFile, before);
    }
    expect(currentVersion()).toBe('2.0.0');
    expect(await health()).toMatchObject({ status: 'ok', version: '2.0.0' });
  }, 150_000);
});

describe('deploy/systemd units', () => {
  const UNITS = ['luckyfive-serve.service', 'luckyfive-worker@.service', 'luckyfive-maintain.service', 'luckyfive-maintain.timer'];
  const unit = (name: string) => readFileSync(join(ROOT, 'deploy/systemd', name), 'utf8');
  const setting = (text: string, key: string) => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);

  it('[16.3.9] run as a dedicated user from the env file, hardened, writing only under the state directory; serve reloads on SIGHUP and has longer to stop than shutdown_timeout', () => {
    for (const name of UNITS.filter((n) => n.endsWith('.service'))) {
      const text = unit(name);
      expect(setting(text, 'User'), name).toEqual(['luckyfive']);
      expect(setting(text, 'EnvironmentFile'), name).toEqual(['/etc/luckyfive/luckyfive.env']);
      for (const [key, value] of [
        ['NoNewPrivileges', 'yes'],
        ['ProtectSystem', 'strict'],
        ['ReadWritePaths', '/var/lib/luckyfive'],
        ['PrivateTmp', 'yes'],
        ['ProtectHome', 'yes'],
        ['CapabilityBoundingSet', ''],
      ])
        expect(setting(text, key!), `${name} ${key}`).toEqual([value]);
      expect(setting(text, 'ExecStart')[0], name).toMatch(/^\/opt\/luckyfive\/current\//);
    }
    const serve = unit('luckyfive-serve.service');
    expect(setting(serve, 'ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(setting(serve, 'KillSignal')).toEqual(['SIGTERM']);
    expect(Number(setting(serve, 'TimeoutStopSec')[0])).toBeGreaterThan(Number(CONFIG_FIELDS.shutdown_timeout.default()));
    expect(setting(unit('luckyfive-worker@.service'), 'ExecStart')[0]).toContain('worker --name %H-%i');
    expect(setting(unit('luckyfive-maintain.service'), 'ExecStart')[0]).toMatch(/\/scripts\/nightly-maintenance\.sh$/);
    expect(setting(unit('luckyfive-maintain.timer'), 'Unit')).toEqual(['luckyfive-maintain.service']);
  });

  it.runIf(haveTool('systemd-analyze', 'systemd'))(
    '[16.3.10] pass `systemd-analyze verify` without a warning (paths under /opt/luckyfive pointed at a stand-in release)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'luckyfive-units-'));
      try {
        const opt = join(dir, 'opt');
        mkdirSync(join(opt, 'current/scripts'), { recursive: true });
        for (const f of ['current/luckyfive', 'current/scripts/nightly-maintenance.sh']) writeFileSync(join(opt, f), '#!/bin/sh\n', { mode: 0o755 });
        for (const name of UNITS) writeFileSync(join(dir, name), unit(name).replaceAll('/opt/luckyfive', opt));
        const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...UNITS.map((n) => join(dir, n))], { encoding: 'utf8', timeout: 60_000 });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr.trim()).toBe('');
        const calendar = spawnSync('systemd-analyze', ['calendar', setting(unit('luckyfive-maintain.timer'), 'OnCalendar')[0]!], {
          encoding: 'utf8',
          timeout: 30_000,
        });
        expect(calendar.status, calendar.stderr).toBe(0);
        expect(calendar.stdout).toContain('03:30:00');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
