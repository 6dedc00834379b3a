// `maintain backup` records its success for /metrics (src/maintain/backup.ts): the time it
// finished, in the data dir it backed up; a backup that left a damaged file out is not counted.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDataDir } from '../../../src/maintain/backup.js';
import { readOpsRecord } from '../../../src/store/ops-records.js';
import { tempDir } from '../../helpers/cli.js';
import { createDataDirWithRuns } from '../../helpers/data-dir.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

describe('backup record', () => {
  it('[16.4.10] a whole backup records when it finished; one that left a damaged run file out does not', async () => {
    const data = await createDataDirWithRuns(2);
    const dest = tempDir('luckyfive-backups-');
    cleanups.push(data.cleanup, dest.cleanup);
    const times = [new Date('2026-12-02T03:30:00.000Z'), new Date('2026-12-02T03:30:04.000Z')];
    let calls = 0;
    const now = () => times[Math.min(calls++, 1)]!;
    const report = await backupDataDir(data.dir, dest.dir, { version: '0.0.0-test', now });
    expect(report.ok).toBe(true);
    expect(readOpsRecord(data.dir, 'backup')).toEqual({ at: '2026-12-02T03:30:04.000Z', ok: true, detail: report.dir });

    const fd = openSync(join(data.dir, 'runs', `${data.runIds[0]}.sqlite`), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096);
    closeSync(fd);
    const damaged = await backupDataDir(data.dir, dest.dir, { version: '0.0.0-test', now: () => new Date('2026-12-03T03:30:00.000Z') });
    expect(damaged.ok).toBe(false);
    expect(readOpsRecord(data.dir, 'backup')?.at).toBe('2026-12-02T03:30:04.000Z');
  });
});
