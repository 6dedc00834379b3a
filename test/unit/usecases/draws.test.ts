// The draws use cases (src/usecases/draws.ts): one JSON shape, paging, stats, the sample, and the
// one import use case the CLI (a file) and the server (an upload) both call.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readClock } from '../../../src/clock.js';
import { LuckyError } from '../../../src/errors.js';
import type { Catalog } from '../../../src/store/catalog.js';
import { openCatalogFor } from '../../../src/usecases/catalog.js';
import { ensureDraws, getDraw, importResults, listDraws, listImports, openImportFile, readDrawStats } from '../../../src/usecases/draws.js';
import { tempDir } from '../../helpers/cli.js';
import { makeDraws, seedDraws } from '../../helpers/draws.js';

const clock = readClock(new Date('2025-01-01T10:00:00Z'));
const HEADER = 'contest,draw_date,b1,b2,b3,b4,b5,winners_4,prize_4,notes\n';
const CSV = `${HEADER}6001,2023-01-02,1,2,3,4,5,10,100.00,first\n6002,2023-01-03,6,7,8,9,10,11,110.00,\n`;

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function catalogIn(seed?: [number, number]): { catalog: Catalog; dir: string } {
  const { dir, cleanup } = tempDir();
  if (seed) seedDraws(dir, makeDraws(seed[0], seed[1]));
  const catalog = openCatalogFor({ data_dir: dir, books_key: undefined, books_key_file: undefined });
  cleanups.push(() => catalog.close(), cleanup);
  return { catalog, dir };
}

describe('draws use cases', () => {
  it('getDraw returns the JSON shape with tiers by name; a missing contest is E_NOT_FOUND', () => {
    const { catalog } = catalogIn([1, 10]);
    const d = getDraw({ catalog }, 3);
    expect(d.contest).toBe(3);
    expect(Object.keys(d.tiers)).toEqual(['quina', 'quadra', 'terno', 'duque']);
    expect(d.tiers.quadra).toEqual({ hits: 4, winners: 40, prize_cents: 800_000 });
    expect(() => getDraw({ catalog }, 99)).toThrow(LuckyError);
  });

  it('listDraws pages with a keyset cursor, in both orders, and lists everything without a limit', () => {
    const { catalog } = catalogIn([1, 7]);
    const first = listDraws({ catalog }, { order: 'asc', limit: 3 });
    expect(first.items.map((d) => d.contest)).toEqual([1, 2, 3]);
    expect(first.next_after).toBe(3);
    const last = listDraws({ catalog }, { order: 'asc', limit: 3, after: 6 });
    expect(last.items.map((d) => d.contest)).toEqual([7]);
    expect(last.next_after).toBeNull();
    expect(listDraws({ catalog }, { order: 'desc', limit: 2 }).items.map((d) => d.contest)).toEqual([7, 6]);
    const all = listDraws({ catalog }, { order: 'asc' });
    expect(all.items).toHaveLength(7);
    expect(all.next_after).toBeNull();
  });

  it('readDrawStats counts the range; an empty range is E_DATA_MISSING', () => {
    const { catalog } = catalogIn([1, 50]);
    const s = readDrawStats({ catalog }, { last: 10 });
    expect([s.count, s.first_contest, s.last_contest]).toEqual([10, 41, 50]);
    expect(s.frequency.reduce((n, f) => n + f.count, 0)).toBe(50);
    expect(() => readDrawStats({ catalog }, { from: 100, to: 200 })).toThrow(/no draws in that range/);
  });

  it('ensureDraws loads the sample into an empty catalog only', () => {
    const { catalog } = catalogIn();
    const loaded = ensureDraws({ catalog });
    expect(loaded?.synthetic).toBe(true);
    expect(loaded?.catalog_draws).toBe(2000);
    expect(ensureDraws({ catalog })).toBeNull();
  });

  it('importResults imports a file and an upload alike, records each in the history, and closes the file', async () => {
    const { catalog, dir } = catalogIn();
    const path = join(dir, 'a.csv');
    writeFileSync(path, CSV);
    const file = openImportFile(path);
    const fromFile = await importResults({ catalog, clock }, { source: { file }, replace: false, dryRun: false });
    expect([fromFile.inserted, fromFile.catalog_draws]).toEqual([2, 2]);
    expect(() => file.all()).toThrow();
    const upload = await importResults({ catalog, clock }, { source: { bytes: new TextEncoder().encode(CSV), name: 'a.csv' }, replace: false, dryRun: false });
    expect([upload.inserted, upload.unchanged]).toEqual([0, 2]);
    // the first import finished after the front-end's clock reading by the import's own duration
    const finishedMs = Date.parse(upload.already_imported_at!) - Date.parse(clock.now);
    expect(finishedMs).toBeGreaterThanOrEqual(0);
    expect(finishedMs).toBeLessThan(60_000);
    const history = listImports({ catalog }, { limit: 1 });
    expect(history.items).toHaveLength(1);
    expect(history.next_before).toBe(history.items[0]!.id);
    expect(listImports({ catalog }, { limit: 1, before: history.next_before! }).next_before).toBeNull();
  });

  it('importResults refuses --replace with the sample', async () => {
    const { catalog } = catalogIn();
    await expect(importResults({ catalog, clock }, { source: { sample: true }, replace: true, dryRun: false })).rejects.toThrow(/--replace/);
  });
});
