// The sweep report's refusals (src/usecases/report-sweep.ts); its numbers are checked on a real sweep in test/integration/report-kinds.test.ts.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { openCatalog } from '../../../src/store/catalog.js';
import { buildSweepReport, sweepReportCsv } from '../../../src/usecases/report-sweep.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

const clock: Clock = { now: '2026-12-03T12:00:00.000Z', today: '2026-12-03' };
const cleanups = cleanupAfterEach();

describe('buildSweepReport', () => {
  it('[15.3.22] an unknown sweep is E_NOT_FOUND, for the document and the CSV alike', () => {
    const t = tempDir();
    const catalog = openCatalog(t.dir);
    cleanups.push(t.cleanup, () => catalog.close());
    expect(() => buildSweepReport({ catalog, clock }, { sweep_id: 'sw-nonexistent' })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(() => [...sweepReportCsv({ catalog }, { sweep_id: 'sw-nonexistent' })]).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });
});
