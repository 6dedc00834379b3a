import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../src/store/catalog.js';
import { cli, tempDir } from '../helpers/cli.js';
import { QUINA_CSV, QUINA_XLSX, haveShared } from '../helpers/shared.js';

function tableCounts(dataDir: string): { draws: number; imports: number } {
  const c = openCatalog(dataDir);
  try {
    const n = (sql: string) => (c.db.prepare(sql).get() as { n: number }).n;
    return { draws: n('SELECT COUNT(*) AS n FROM draws'), imports: n('SELECT COUNT(*) AS n FROM imports') };
  } finally {
    c.close();
  }
}

describe.skipIf(!haveShared())("luckyfive import: the operator's real workbook", () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  let first: any;

  beforeAll(async () => {
    const r = await cli(['import', QUINA_XLSX, '--json'], { dataDir: dir });
    expect(r.code, r.stderr).toBe(0);
    first = r.json();
  });

  it('imports all 6,882 contests with no gaps and no rejected rows', () => {
    expect(first).toMatchObject({ format: 'xlsx', rows_read: 6882, inserted: 6882, unchanged: 0, replaced: 0, conflicts: [], rejected: [] });
    expect(first).toMatchObject({
      first_contest: 1,
      last_contest: 6882,
      catalog_draws: 6882,
      gaps: [],
      dry_run: false,
      synthetic: false,
      removed_synthetic: 0,
    });
    expect(first.corrections).toEqual([expect.objectContaining({ contest: 380, field: 'draw_date', from: '1997-03-12', to: '1998-03-12' })]);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('contest 6882 is 16 18 36 60 80 on 2025-11-19 with a quadra prize of R$12,228.69', async () => {
    const r = await cli(['draws', 'show', '6882', '--json'], { dataDir: dir });
    expect(r.code).toBe(0);
    const d = r.json();
    expect(d).toMatchObject({ contest: 6882, date: '2025-11-19', balls: [16, 18, 36, 60, 80], currency: 'BRL', synthetic: false });
    expect(d.tiers.quadra).toEqual({ hits: 4, winners: 33, prize_cents: 1222869 });
    expect(d.tiers.duque).toEqual({ hits: 2, winners: 76980, prize_cents: 499 });
    const early = (await cli(['draws', 'show', '380', '--json'], { dataDir: dir })).json();
    expect(early.date).toBe('1998-03-12');
    expect((await cli(['draws', 'show', '28', '--json'], { dataDir: dir })).json().currency).toBe('CRR');
  });

  it('a second import of the same file inserts nothing and says so', async () => {
    const r = await cli(['import', QUINA_XLSX], { dataDir: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/already imported on \d{4}-\d{2}-\d{2}, nothing new/);
    expect(r.stdout).toMatch(/inserted 0, unchanged 6882, replaced 0, conflicts 0, rejected 0/);
    expect(tableCounts(dir)).toEqual({ draws: 6882, imports: 2 });
  });

  it('the cleaned CSV of the same contests agrees with the workbook: 0 inserted, 0 conflicts', async () => {
    const r = await cli(['import', QUINA_CSV, '--json'], { dataDir: dir });
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ format: 'csv', inserted: 0, unchanged: 6882, replaced: 0, rejected: [] });
    expect(j.conflicts).toEqual([]);
  });

  it('a corrupted copy is refused with exit 4 and changes nothing', async () => {
    const before = tableCounts(dir);
    const bytes = readFileSync(QUINA_XLSX);
    const garbled = Uint8Array.from(bytes);
    for (let i = 100_000; i < 100_200; i++) garbled[i] = (garbled[i]! * 31 + i) & 0xff;
    const files = { truncated: bytes.subarray(0, bytes.length >> 1), garbled };
    for (const [name, data] of Object.entries(files)) {
      const f = join(dir, `${name}.xlsx`);
      writeFileSync(f, data);
      const r = await cli(['import', f], { dataDir: dir });
      expect(r.code, name).toBe(4);
      expect(r.stderr).toMatch(/error: .*(not a readable|damaged|malformed)/);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    expect(tableCounts(dir)).toEqual(before);
  });
});

describe('luckyfive import: errors and the synthetic sample', () => {
  it('a missing file is E_NOT_FOUND (exit 3) and creates no catalog', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['import', join(dir, 'nope.csv')], { dataDir: join(dir, 'data') });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/no such file/);
    } finally {
      cleanup();
    }
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['import'])).code).toBe(2);
    expect((await cli(['import', 'x.csv', '--sample'])).code).toBe(2);
  });

  it('random bytes and unrecognisable columns exit 4', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const name of ['not-a-workbook.xlsx', 'no-recognisable-columns.csv']) {
        const r = await cli(['import', new URL(`../fixtures/import/${name}`, import.meta.url).pathname], { dataDir: dir });
        expect(r.code, name).toBe(4);
      }
    } finally {
      cleanup();
    }
  });

  it('rejected rows are printed and the rest lands (exit 0); conflicts warn on stderr and exit 0', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;
      const r = await cli(['import', fixture('ball-81.csv')], { dataDir: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/rejected rows:\n {2}row 2: contest 6001: ball 5 is 81, outside 1..80/);
      expect(r.stderr).toMatch(/4 row\(s\) rejected/);
      const other = join(dir, 'other.csv');
      writeFileSync(other, 'contest,date,b1,b2,b3,b4,b5\n6003,2023-01-04,1,12,13,40,79\n');
      const c = await cli(['import', other], { dataDir: dir });
      expect(c.code).toBe(0);
      expect(c.stdout).toMatch(/contest 6003: balls "1 12 13 40 80" -> "1 12 13 40 79"/);
      expect(c.stderr).toMatch(/1 contest\(s\) differ .* --replace/);
      const dry = await cli(['import', other, '--replace', '--dry-run', '--json'], { dataDir: dir });
      expect(dry.json()).toMatchObject({ dry_run: true, replaced: 1 });
      expect((await cli(['draws', 'show', '6003', '--json'], { dataDir: dir })).json().balls).toEqual([1, 12, 13, 40, 80]);
    } finally {
      cleanup();
    }
  });

  it('--sample loads 2,000 synthetic draws', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['import', '--sample', '--json'], { dataDir: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toMatchObject({ synthetic: true, inserted: 2000, first_contest: 4883, last_contest: 6882, gaps: [] });
      const d = (await cli(['draws', 'show', '6882', '--json'], { dataDir: dir })).json();
      expect(d).toMatchObject({ synthetic: true, source: 'synthetic:sample-v1', date: '2025-11-19' });
    } finally {
      cleanup();
    }
  });

  it('draws stats on an empty catalog loads the sample and says so on stderr', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['draws', 'stats'], { dataDir: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        /the catalog is empty: loaded the bundled SYNTHETIC sample \(2,000 contests, 4883\.\.6882\)\. Import real results with `luckyfive import FILE`\./,
      );
      expect(r.stdout).toMatch(/2000 draws, contests 4883\.\.6882 .*SYNTHETIC/);
      expect(tableCounts(dir).draws).toBe(2000);
    } finally {
      cleanup();
    }
  });
});
