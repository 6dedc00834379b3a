// The compare report's refusals (src/usecases/report-compare.ts); its numbers are checked on real runs in test/integration/report-kinds.test.ts.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { openCatalog } from '../../../src/store/catalog.js';
import { buildCompareReport, compareReportCsv } from '../../../src/usecases/report-compare.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

const clock: Clock = { now: '2026-12-03T12:00:00.000Z', today: '2026-12-03' };
const cleanups = cleanupAfterEach();

describe('buildCompareReport', () => {
  it('[15.3.23] fewer than two runs is E_INPUT_INVALID; an unknown run E_NOT_FOUND; a repeated one E_USAGE', async () => {
    const t = tempDir();
    const catalog = openCatalog(t.dir);
    cleanups.push(t.cleanup, () => catalog.close());
    const deps = { catalog, clock };
    await expect(buildCompareReport(deps, { run_ids: [] })).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
    await expect(compareReportCsv(deps, { run_ids: ['20990101-000000-abcdef'] })).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
    await expect(buildCompareReport(deps, { run_ids: ['20990101-000000-abcdef', '20990101-000000-abcdee'] })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(compareReportCsv(deps, { run_ids: ['20990101-000000-abcdef', '20990101-000000-abcdef'] })).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});
