// What /metrics reads about the data dir (src/usecases/ops-status.ts) and what `ledger check`
// records for it (recordLedgerCheck in src/usecases/ledger.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { openCatalog } from '../../../src/store/catalog.js';
import { writeOpsRecord } from '../../../src/store/ops-records.js';
import { assertLedgerBalance, recordLedgerCheck } from '../../../src/usecases/ledger.js';
import { readOpsStatus } from '../../../src/usecases/ops-status.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

const clock: Clock = { now: '2026-12-02T03:31:00.000Z', today: '2026-12-02' };
const cleanups = cleanupAfterEach();
function dataDir(): string {
  const t = tempDir('luckyfive-ops-status-');
  cleanups.push(t.cleanup);
  return t.dir;
}
const configOf = (dir: string) => buildConfig({ flags: { data_dir: dir }, env: {}, file: undefined }, dir).values;

describe('ops status', () => {
  it('[16.4.9] nothing recorded: no backup, no check, and the disk as statfs tells it', () => {
    const status = readOpsStatus({ config: configOf(dataDir()) });
    expect(status.last_backup_at).toBeUndefined();
    expect(status.ledger_check).toBeUndefined();
    expect(status.disk!.free_bytes).toBeGreaterThan(0);
    expect(status.disk!.size_bytes).toBeGreaterThanOrEqual(status.disk!.free_bytes);
  });

  it('[16.4.9] ledger check records its result and time; an unsound one records ok false', () => {
    const dir = dataDir();
    const catalog = openCatalog(dir);
    cleanups.push(() => catalog.close());
    const warnings: string[] = [];
    expect(recordLedgerCheck({ catalog, clock }, { onWarn: (m) => warnings.push(m) }).sound).toBe(true);
    writeOpsRecord(dir, 'backup', { at: '2026-12-02T03:30:00.000Z', ok: true });
    expect(readOpsStatus({ config: configOf(dir) })).toMatchObject({
      last_backup_at: Date.parse('2026-12-02T03:30:00.000Z') / 1000,
      ledger_check: { ok: true, at: Date.parse(clock.now) / 1000 },
    });
    assertLedgerBalance({ catalog, clock }, { date: '2026-12-01', balance_cents: 1, force: true });
    const later: Clock = { now: '2026-12-03T03:31:00.000Z', today: '2026-12-03' };
    expect(recordLedgerCheck({ catalog, clock: later }, { onWarn: (m) => warnings.push(m) }).sound).toBe(false);
    expect(readOpsStatus({ config: configOf(dir) }).ledger_check).toEqual({ ok: false, at: Date.parse(later.now) / 1000 });
    expect(warnings).toEqual([]);
  });

  it('[16.4.9] a result that cannot be recorded is a warning; the check still answers', () => {
    const dir = dataDir();
    const catalog = openCatalog(dir);
    cleanups.push(() => catalog.close());
    writeFileSync(join(dir, 'ops'), 'a file where the folder goes');
    const warnings: string[] = [];
    expect(recordLedgerCheck({ catalog, clock }, { onWarn: (m) => warnings.push(m) })).toEqual({ sound: true, problems: [] });
    expect(warnings).toEqual([expect.stringMatching(/^the check's result could not be recorded for \/metrics: /)]);
  });
});
