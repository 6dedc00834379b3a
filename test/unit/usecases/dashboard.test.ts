/** The dashboard use case on an empty catalog, and its cache key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClock } from '../../../src/clock.js';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { dashboardCacheKey, readDashboard } from '../../../src/usecases/dashboard.js';
import { tempDir } from '../../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  catalog = openCatalog(dir);
});
afterAll(() => {
  catalog.close();
  cleanup();
});

describe('dashboard', () => {
  it('summarises an empty catalog with zero counts and no best run', () => {
    const d = readDashboard({ catalog, clock: readClock(new Date(2026, 0, 2)) });
    expect(d.draws).toEqual({ count: 0, first_contest: null, last_contest: null, last_date: null, synthetic: false, synthetic_count: 0 });
    expect(d.runs).toEqual({ count: 0, by_status: { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0, interrupted: 0 }, latest: [], best: null });
    expect(d.ledger).toMatchObject({ entries: 0, balance_cents: 0 });
    expect(d.budgets).toEqual({ count: 0, by_status: { upcoming: 0, active: 0, exhausted: 0, expired: 0 }, items: [] });
    expect(d.jobs).toEqual({ queue_depth: 0, running: 0 });
  });

  it('keys its cache by the day', () => {
    const a = dashboardCacheKey({ catalog, clock: readClock(new Date(2026, 0, 2)) });
    expect(dashboardCacheKey({ catalog, clock: readClock(new Date(2026, 0, 3)) })).not.toBe(a);
  });
});
