import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LuckyError } from '../../../src/errors.js';
import { importDraws } from '../../../src/import/import-draws.js';
import { importSample } from '../../../src/import/sample.js';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { getDraw } from '../../../src/store/draws-repo.js';
import { tempDir } from '../../helpers/cli.js';

const HEADER = 'contest,draw_date,b1,b2,b3,b4,b5,winners_4,prize_4,notes\n';
const csv = (body: string) => new TextEncoder().encode(HEADER + body);
const A = csv('6001,2023-01-02,1,2,3,4,5,10,100.00,first\n6002,2023-01-03,6,7,8,9,10,11,110.00,\n');
const clock = () => new Date('2025-01-01T10:00:00Z');

const open: Catalog[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  open.splice(0).forEach((c) => c.close());
  cleanups.splice(0).forEach((c) => c());
});
function catalog(): Catalog {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const c = openCatalog(dir);
  open.push(c);
  return c;
}
const count = (c: Catalog, sql = 'SELECT COUNT(*) AS n FROM draws') => (c.db.prepare(sql).get() as { n: number }).n;

describe('import service', () => {
  it('inserts new contests, records the import and reports gaps', () => {
    const c = catalog();
    const r = importDraws(c.db, csv('6001,2023-01-02,1,2,3,4,5,10,100.00,\n6004,2023-01-05,1,2,3,4,6,,,\n'), { fileName: 'a.csv', now: clock });
    expect(r).toMatchObject({
      format: 'csv',
      rows_read: 2,
      inserted: 2,
      unchanged: 0,
      replaced: 0,
      first_contest: 6001,
      last_contest: 6004,
      gaps: [{ from: 6002, to: 6003 }],
    });
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    const row = c.db.prepare('SELECT * FROM imports').get() as Record<string, unknown>;
    expect(row).toMatchObject({ file_name: 'a.csv', format: 'csv', rows_read: 2, inserted: 2, first_contest: 6001, last_contest: 6004, synthetic: 0 });
    const d = c.db.prepare('SELECT source, raw, import_id FROM draws WHERE contest = 6001').get() as Record<string, unknown>;
    expect(d).toMatchObject({ source: 'file:a.csv', import_id: r.import_id });
    expect(JSON.parse(d.raw as string)).toMatchObject({ contest: '6001', prize_4: '100.00' });
  });

  it('the same file again: all unchanged, and it says when it was imported before', () => {
    const c = catalog();
    importDraws(c.db, A, { fileName: 'a.csv', now: clock });
    const r = importDraws(c.db, A, { fileName: 'a.csv' });
    expect(r).toMatchObject({ inserted: 0, unchanged: 2, conflicts: [], already_imported_at: '2025-01-01T10:00:00.000Z' });
  });

  it('different values are conflicts left alone; --replace overwrites them', () => {
    const c = catalog();
    importDraws(c.db, A, { fileName: 'a.csv' });
    const B = csv('6001,2023-01-02,1,2,3,4,5,10,100.01,first\n6002,2023-01-03,6,7,8,9,10,11,110.00,\n6003,2023-01-04,1,2,3,4,5,,,\n');
    const kept = importDraws(c.db, B, { fileName: 'b.csv' });
    expect(kept).toMatchObject({ inserted: 1, unchanged: 1, replaced: 0 });
    expect(kept.conflicts).toEqual([
      { contest: 6001, fields: ['prize_4_cents'], stored: { prize_4_cents: 10000 }, incoming: { prize_4_cents: 10001 }, action: 'kept' },
    ]);
    expect(getDraw(c.db, 6001)!.tiers[4].prize_cents).toBe(10000);
    const replaced = importDraws(c.db, B, { fileName: 'b.csv', replace: true });
    expect(replaced).toMatchObject({ inserted: 0, unchanged: 2, replaced: 1 });
    expect(replaced.conflicts[0]!.action).toBe('replaced');
    expect(getDraw(c.db, 6001)!.tiers[4].prize_cents).toBe(10001);
  });

  it('columns absent from a file are neither compared nor overwritten', () => {
    const c = catalog();
    importDraws(c.db, A, { fileName: 'a.csv' });
    const ballsOnly = new TextEncoder().encode('contest,date,b1,b2,b3,b4,b5\n6001,2023-01-02,1,2,3,4,5\n6002,2023-01-03,6,7,8,9,11\n');
    const r = importDraws(c.db, ballsOnly, { fileName: 'c.csv', replace: true });
    expect(r).toMatchObject({ unchanged: 1, replaced: 1 });
    expect(r.conflicts[0]!.fields).toEqual(['balls']);
    expect(getDraw(c.db, 6002)).toMatchObject({ balls: [6, 7, 8, 9, 11], tiers: { 4: { winners: 11, prize_cents: 11000 } } });
    expect(getDraw(c.db, 6001)!.notes).toBe('first');
  });

  it('a dry run reports exactly what would happen and writes nothing', () => {
    const c = catalog();
    importDraws(c.db, A, { fileName: 'a.csv' });
    const before = count(c, 'SELECT COUNT(*) AS n FROM imports');
    const r = importDraws(c.db, csv('6001,2023-01-02,1,2,3,4,5,10,999.00,first\n6010,2023-01-10,1,2,3,4,5,,,\n'), {
      fileName: 'd.csv',
      dryRun: true,
      replace: true,
    });
    expect(r).toMatchObject({ dry_run: true, inserted: 1, replaced: 1, last_contest: 6010, import_id: null, gaps: [{ from: 6003, to: 6009 }] });
    expect(count(c)).toBe(2);
    expect(count(c, 'SELECT COUNT(*) AS n FROM imports')).toBe(before);
    expect(getDraw(c.db, 6001)!.tiers[4].prize_cents).toBe(10000);
  });

  it('an unusable file changes nothing: unrecognisable columns, or every row rejected', () => {
    const c = catalog();
    importDraws(c.db, A, { fileName: 'a.csv' });
    const expected: Record<string, RegExp> = {
      'no-recognisable-columns.csv': /no recognisable draw columns/,
      'all-rows-bad.csv': /none of its 2 rows is a valid draw/,
      'header-only.csv': /has a header but no draws/,
      'not-a-workbook.xlsx': /not an \.xlsx workbook/,
    };
    for (const [name, message] of Object.entries(expected)) {
      const bytes = readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url));
      expect(() => importDraws(c.db, bytes, { fileName: name }), name).toThrow(LuckyError);
      expect(() => importDraws(c.db, bytes, { fileName: name }), name).toThrow(message);
    }
    expect(count(c)).toBe(2);
    expect(count(c, 'SELECT COUNT(*) AS n FROM imports')).toBe(1);
  });

  it('rejected rows are reported and the good rows land', () => {
    const c = catalog();
    const r = importDraws(c.db, csv('6001,2023-01-02,1,2,3,4,5,,,\n6002,2023-01-03,1,2,3,4,81,,,\n'), { fileName: 'e.csv' });
    expect(r.inserted).toBe(1);
    expect(r.rejected).toEqual([{ row: 3, reason: 'contest 6002: ball 5 is 81, outside 1..80' }]);
  });

  it('the synthetic sample: 2,000 synthetic rows; a real import removes them in the same transaction', () => {
    const c = catalog();
    const s = importSample(c.db);
    expect(s).toMatchObject({ synthetic: true, inserted: 2000, first_contest: 4883, last_contest: 6882, gaps: [] });
    expect(count(c, "SELECT COUNT(*) AS n FROM draws WHERE synthetic = 1 AND source = 'synthetic:sample-v1'")).toBe(2000);
    const r = importDraws(c.db, A, { fileName: 'a.csv' });
    expect(r).toMatchObject({ removed_synthetic: 2000, inserted: 2, conflicts: [], first_contest: 6001, last_contest: 6002 });
    expect(count(c)).toBe(2);
    // the sample never mixes with real data
    expect(() => importSample(c.db)).toThrow(/real draws/);
  });

  it('[17.7.2] the sample file imported under any name is synthetic, never official results; a file mixing its rows with others is refused', () => {
    const bytes = readFileSync(new URL('../../../data/sample/quina-sample.csv', import.meta.url));
    const c = catalog();
    const r = importDraws(c.db, bytes, { fileName: 'my-results.csv' });
    expect(r).toMatchObject({ synthetic: true, inserted: 2000 });
    expect(count(c, 'SELECT COUNT(*) AS n FROM draws WHERE synthetic = 1')).toBe(2000);
    // a real file still replaces it, and the sample under another name is then refused like `import --sample`
    importDraws(c.db, A, { fileName: 'a.csv', now: clock });
    expect(count(c, 'SELECT COUNT(*) AS n FROM draws WHERE synthetic = 1')).toBe(0);
    expect(() => importDraws(c.db, bytes, { fileName: 'copy.csv' })).toThrow(/real draws/);
    expect(count(c)).toBe(2);
    // sample rows pasted among real ones: refused whole, nothing written
    const lines = new TextDecoder().decode(bytes).split('\n');
    const real = lines[3]!.replace(/SYNTHETIC[^,]*$/, 'typed in from the operator');
    const mixed = new TextEncoder().encode(`${lines.slice(0, 3).join('\n')}\n${real}\n`);
    const fresh = catalog();
    const e = (() => {
      try {
        importDraws(fresh.db, mixed, { fileName: 'mixed.csv', now: clock });
      } catch (err) {
        return err as LuckyError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e.code).toBe('E_DATA_INVALID');
    expect(e.message).toMatch(/2 of its 3 draws are luckyfive's synthetic sample/);
    expect(count(fresh)).toBe(0);
  });
});
