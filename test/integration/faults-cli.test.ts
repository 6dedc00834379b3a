// Faults and ordinary mistakes on the command line are documented errors: an exit code from the
// table and a message naming the file, never "internal error" with a stack trace.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, tempDir } from '../helpers/cli.js';
import { copyDataDir, createDataDirWithRuns, damageTable } from '../helpers/data-dir.js';

let base: { dir: string; cleanup: () => void; runIds: string[] };
const cleanups: Array<() => void> = [];
beforeAll(async () => {
  base = await createDataDirWithRuns(1);
}, 60_000);
afterAll(() => {
  base.cleanup();
  cleanups.forEach((c) => c());
});
function copy(): string {
  const c = copyDataDir(base.dir);
  cleanups.push(c.cleanup);
  return c.dir;
}
const noStack = (r: CliResult) => {
  expect(r.stderr).not.toMatch(/internal error|This is a bug|\n\s+at /);
};

describe('a damaged database on the command line', () => {
  it('[12.4.2] a damaged catalog is exit 4 naming the file in draws stats, ledger check/list/balance and maintain digest', async () => {
    const dir = copy();
    const catalog = join(dir, 'catalog.sqlite');
    damageTable(catalog, 'draws');
    damageTable(catalog, 'ledger_entries');
    for (const args of [
      ['draws', 'stats'],
      ['ledger', 'check'],
      ['ledger', 'list'],
      ['ledger', 'balance'],
      ['maintain', 'digest'],
    ]) {
      const r = await cli(args, { dataDir: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(4);
      expect(r.stderr, args.join(' ')).toContain('catalog.sqlite');
      expect(r.stderr, args.join(' ')).toMatch(/damaged|not a healthy/);
      noStack(r);
    }
  });

  it('[12.4.2] runs verify of a damaged run file is exit 4 naming the run file', async () => {
    const dir = copy();
    const id = base.runIds[0]!;
    damageTable(join(dir, 'runs', `${id}.sqlite`), 'tickets');
    const r = await cli(['runs', 'verify', id], { dataDir: dir });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`${id}.sqlite`);
    noStack(r);
  });
});

describe('disk space in maintain', () => {
  it("[12.4.1] maintain reports a disk below disk_min_free_mb (a warning and the report's disk field)", async () => {
    const dir = copy();
    const r = await cli(['maintain', '--json'], { dataDir: dir, env: { LUCKYFIVE_DISK_MIN_FREE_MB: '1000000' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/the disk under .* is low: \d+ bytes free/);
    expect(r.json().disk).toMatchObject({ status: 'low', min_free_bytes: 1_000_000 * 1024 * 1024 });
  });
});

describe('ordinary mistakes', () => {
  it('[12.4.3] --data-dir pointing at a file is exit 2 saying so', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'not-a-dir');
    writeFileSync(file, 'x');
    for (const args of [
      ['runs', 'list'],
      ['draws', 'stats'],
      ['ledger', 'list'],
    ]) {
      const r = await cli(['--data-dir', file, ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/is a file, not a folder/);
      noStack(r);
    }
    const under = await cli(['--data-dir', join(file, 'sub'), 'runs', 'list']);
    expect(under.code, under.stderr).toBe(2);
    noStack(under);
  });

  it('[12.4.3] maintain backup into a file is exit 2 saying so', async () => {
    const dir = copy();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await cli(['maintain', 'backup', file], { dataDir: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is a file, not a folder/);
    noStack(r);
  });

  it('[12.4.3] serve with --tls-cert/--tls-key files that are not PEM is exit 2 naming the flag', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const cert = join(t.dir, 'cert.pem');
    const key = join(t.dir, 'key.pem');
    writeFileSync(cert, 'not a certificate');
    writeFileSync(key, 'not a key');
    const r = await cli(['serve', '--port', '0', '--tls-cert', cert, '--tls-key', key], { dataDir: join(t.dir, 'data') });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--tls-cert .* is not a PEM certificate/);
    noStack(r);
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const r2 = await cli(['serve', '--port', '0', '--tls-cert', cert, '--tls-key', key], { dataDir: join(t.dir, 'data') });
    expect(r2.code, r2.stderr).toBe(2);
    noStack(r2);
  });

  it('[12.4.3] runs import of a catalog says it is not a run file', async () => {
    const dir = copy();
    const other = copy();
    const r = await cli(['runs', 'import', join(other, 'catalog.sqlite')], { dataDir: dir });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/is not a luckyfive run file \(it is a luckyfive catalog\)/);
    expect(r.stderr).not.toMatch(/newer luckyfive/);
    noStack(r);
  });
});
