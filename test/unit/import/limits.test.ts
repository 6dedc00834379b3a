// Import limits: a zip bomb, a flood of bad rows, rows wider than the header, impossible dates,
// dates out of order, the size limit, and memory while a big CSV streams in.
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LuckyError } from '../../../src/errors.js';
import { parseImportBytes, parseImportSource, writeImport } from '../../../src/import/import-draws.js';
import { openResultsFile } from '../../../src/import/read-results-file.js';
import { parseXlsx } from '../../../src/import/xlsx-reader.js';
import { openCatalog } from '../../../src/store/catalog.js';
import { cli, tempDir } from '../../helpers/cli.js';
import { buildXlsxBomb } from '../../helpers/zip-bomb.js';

const tmp = tempDir('luckyfive-import-limits-');
afterAll(() => tmp.cleanup());

const HEADER = 'contest,draw_date,b1,b2,b3,b4,b5';
const TODAY = '2026-01-10';
const parse = (csv: string) => parseImportBytes(Buffer.from(csv), { fileName: 'results.csv', today: TODAY });
const caught = (fn: () => unknown): LuckyError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LuckyError);
    return e as LuckyError;
  }
  throw new Error('expected an error');
};

describe('[12.1.2] zip bombs and floods of bad rows', () => {
  it('[12.1.2] a workbook whose parts inflate to 500 MB is refused at the 32 MiB budget, without inflating parts the reader does not need', () => {
    const bomb = buildXlsxBomb(5, 100); // five 100 MB parts in a ~3 MB file
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
    global.gc?.();
    const before = process.memoryUsage().rss;
    const e = caught(() => parseXlsx(bomb, 'bomb.xlsx'));
    const grown = (process.memoryUsage().rss - before) / 1024 / 1024;
    expect(e.code).toBe('E_DATA_INVALID');
    expect(e.message).toMatch(/inflate to more than 32 MiB \(at part xl\/worksheets\/sheet1\.xml\)/);
    // the budget (32 MiB) plus one inflate step; before the fix every part was inflated (500 MB)
    expect(grown).toBeLessThan(200);
  });

  it('[12.1.2] a CSV of a million bad rows stops at the 1,000th rejected row with a clear message', () => {
    const bad = `${HEADER}\n${'x,1/1/2000,1,2,3,4,5\n'.repeat(1_000_000)}`;
    const e = caught(() => parse(bad));
    expect(e.code).toBe('E_DATA_INVALID');
    expect(e.message).toBe('results.csv: stopped at row 1001 after 1,000 rejected rows: is it a Quina results file? Nothing was imported');
    expect(e.details).toHaveLength(10);
    expect(e.details[0]).toMatch(/^row 2: /);
  });
});

describe('[12.6.3] CSV import edges', () => {
  it('[12.6.3] a row with more fields than the header is rejected and reported', () => {
    const r = parse(`${HEADER}\n1,1994-03-13,1,2,3,4,5\n2,1994-03-16,1,2,3,4,5,99\n`);
    expect(r.parsed.draws.map((d) => d.draw.contest)).toEqual([1]);
    expect(r.parsed.rejected).toEqual([{ row: 3, reason: 'contest 2: has 8 fields, the header has 7' }]);
  });

  it('[12.6.3] dates before the first draw (1994-03-13) or after today are refused', () => {
    const r = parse(`${HEADER}\n1,1994-03-12,1,2,3,4,5\n2,1994-03-13,1,2,3,4,5\n3,2026-01-10,1,2,3,4,5\n4,2026-01-11,1,2,3,4,5\n`);
    expect(r.parsed.draws.map((d) => d.draw.contest)).toEqual([2, 3]);
    expect(r.parsed.rejected).toEqual([
      { row: 2, reason: 'contest 1: date 1994-03-12 is before the first Quina draw (1994-03-13)' },
      { row: 5, reason: 'contest 4: date 2026-01-11 is in the future (today is 2026-01-10)' },
    ]);
  });

  it('[12.6.3] dates that fall as contests rise are reported (imported, not refused)', async () => {
    const file = join(tmp.dir, 'inverted.csv');
    writeFileSync(file, `${HEADER}\n1,1994-03-13,1,2,3,4,5\n3,1994-03-15,1,2,3,4,5\n2,1994-03-20,1,2,3,4,5\n4,1994-03-21,1,2,3,4,5\n`);
    const r = parse(`${HEADER}\n1,1994-03-13,1,2,3,4,5\n3,1994-03-15,1,2,3,4,5\n2,1994-03-20,1,2,3,4,5\n4,1994-03-21,1,2,3,4,5\n`);
    expect(r.parsed.date_inversions).toEqual({ items: [{ contest: 3, date: '1994-03-15', previous_contest: 2, previous_date: '1994-03-20' }], total: 1 });
    const out = await cli(['import', file, '--json'], { dataDir: join(tmp.dir, 'inv') });
    expect(out.code, out.stderr).toBe(0);
    expect(out.json()).toMatchObject({ inserted: 4, date_inversions: [{ contest: 3, previous_contest: 2 }], date_inversions_total: 1 });
    expect(out.stderr).toMatch(/contest 3 is dated 1994-03-15, before contest 2 \(1994-03-20\)/);
  });

  it('[12.6.3] a file over the size limit is refused with the limit in the message', async () => {
    const file = join(tmp.dir, 'huge.csv');
    writeFileSync(file, '');
    truncateSync(file, 201 * 1024 * 1024); // sparse: no disk used
    try {
      const r = await cli(['import', file], { dataDir: join(tmp.dir, 'huge') });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/huge\.csv is 201\.0 MiB: too large for a results file \(the limit is 200 MiB\)/);
    } finally {
      rmSync(file);
    }
  });

  it('[12.6.3] a 19 MB CSV (a tenth of the 190 MB one) streams in slices: memory stays bounded', () => {
    // 20 copies of a 7,000-draw file: the copies are rejected as repeats, so the import stops
    // at 1,000 rejected rows, having read 8,000 rows, not 140,000 (and never the whole text).
    const rows: string[] = [];
    for (let c = 1; c <= 7000; c++) {
      const day = new Date(Date.UTC(1994, 2, 13) + c * 86_400_000).toISOString().slice(0, 10);
      rows.push(`${c},${day},${1 + (c % 70)},${2 + (c % 70)},${3 + (c % 70)},${4 + (c % 70)},${5 + (c % 70)},"${'winner locations and notes '.repeat(4)}"`);
    }
    const block = `${rows.join('\n')}\n`;
    const file = join(tmp.dir, 'big.csv');
    writeFileSync(file, `${HEADER},notes\n${block.repeat(20)}`);
    const db = openCatalog(join(tmp.dir, 'big'));
    try {
      const before = process.memoryUsage().rss;
      // the path `luckyfive import` takes: the file streamed from disk, parsed, then written
      const options = { fileName: file, now: () => new Date('2026-01-10T12:00:00Z') };
      const source = openResultsFile(file);
      const e = caught(() => {
        try {
          return writeImport(db.db, parseImportSource(source, options), options);
        } finally {
          source.close();
        }
      });
      const grown = (process.memoryUsage().rss - before) / 1024 / 1024;
      expect(e.message).toMatch(/stopped at row 8001 after 1,000 rejected rows/);
      // 7,000 parsed draws and 1 MiB slices; before the fix the whole file, its text and its
      // 140,000 rows of cells were held at once (about 20 times the file, as 190 MB took 4 GB)
      expect(grown, `RSS grew by ${grown.toFixed(0)} MB`).toBeLessThan(100);
    } finally {
      db.close();
    }
  });
});
