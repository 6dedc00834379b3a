// The health use case (src/usecases/health.ts): any failed check makes the document unhealthy.
import { afterEach, describe, expect, it } from 'vitest';
import { readClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { openCatalogFor } from '../../../src/usecases/catalog.js';
import { readHealth } from '../../../src/usecases/health.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('health use case', () => {
  it('is ok with a working catalog, unhealthy after a recent fault or with the catalog closed', () => {
    const { dir, cleanup } = tempDir();
    const config = buildConfig({ flags: { data_dir: dir, disk_min_free_mb: 0 }, env: {}, file: undefined }, dir).values;
    const catalog = openCatalogFor(config);
    cleanups.push(() => catalog.close(), cleanup);
    const clock = readClock(new Date('2025-06-01T12:00:10Z'));
    const input = { version: '9.9.9', startedAtMs: Date.parse('2025-06-01T12:00:00Z'), lastFault: undefined };
    const ok = readHealth({ catalog, config, clock }, input);
    expect(ok).toMatchObject({ status: 'ok', version: '9.9.9', uptime_seconds: 10, databases: { catalog: 'ok' }, last_fault: null });
    const fault = { code: 'E_DISK_FULL', message: 'the disk is full', at_ms: Date.parse('2025-06-01T12:00:05Z') };
    expect(readHealth({ catalog, config, clock }, { ...input, lastFault: fault })).toMatchObject({
      status: 'unhealthy',
      last_fault: { code: 'E_DISK_FULL', message: 'the disk is full', at: '2025-06-01T12:00:05.000Z' },
    });
    catalog.close();
    expect(readHealth({ catalog, config, clock }, input)).toMatchObject({ status: 'unhealthy', databases: { catalog: 'error' } });
  });
});
