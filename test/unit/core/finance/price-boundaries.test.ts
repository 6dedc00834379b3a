import { afterEach, describe, expect, it } from 'vitest';
import type { Balls } from '../../../../src/core/draw.js';
import { DEFAULT_PRICE_TABLE, contestPriceOn } from '../../../../src/core/finance/prices.js';
import { scoreContest } from '../../../../src/core/scoring.js';
import { CATALOG_MIGRATIONS } from '../../../../src/store/catalog-migrations/index.js';
import { UPSERT_DRAW_SQL, drawToParams } from '../../../../src/store/draws-repo.js';
import { readContestPrice, readPriceRows } from '../../../../src/store/prices-repo.js';
import { type Db, migrate, openDatabase } from '../../../../src/store/sqlite.js';
import { makeDraw } from '../../../helpers/books.js';

/**
 * Every base-price change of FACTS.md: the last contest drawn at the old price and the first drawn
 * at the new one, with their real draw dates (quina-draws.csv). A price's date is the first day
 * bets are sold at it; the contest drawn that very day was sold at the old price (FACTS.md states
 * it for R$ 3,00: effective 2025-07-09, first draw at that price 6770). The other contest numbers in
 * FACTS.md carry a "~" (inferred from dates): 3486, 3796, 5119 and 6138 agree; for 2011-01-27 the
 * rule gives 2509, not ~2508, because 2508 was drawn on the effective day itself.
 */
const BOUNDARIES = [
  { last: [2508, '2011-01-27'], first: [2509, '2011-01-28'], old: 50, price: 75 },
  { last: [3485, '2014-05-10'], first: [3486, '2014-05-12'], old: 75, price: 100 },
  { last: [3795, '2015-05-23'], first: [3796, '2015-05-25'], old: 100, price: 150 },
  { last: [5118, '2019-11-09'], first: [5119, '2019-11-11'], old: 150, price: 200 },
  { last: [6137, '2023-04-29'], first: [6138, '2023-05-02'], old: 200, price: 250 },
  { last: [6769, '2025-07-09'], first: [6770, '2025-07-10'], old: 250, price: 300 },
] as const;

const BALLS = [1, 2, 3, 4, 5] as unknown as Balls;
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

describe('price boundaries (FACTS.md)', () => {
  it('[12.5.3] contest 6769 is charged R$ 2,50 and 6770 R$ 3,00 by the simulate engine', () => {
    const cost = (contest: number, date: string) =>
      scoreContest(makeDraw(contest, date, BALLS), [[6, 7, 8, 9, 10]], 5, DEFAULT_PRICE_TABLE, 'subcombinations').cost_cents;
    expect(cost(6769, '2025-07-09')).toBe(250);
    expect(cost(6770, '2025-07-10')).toBe(300);
  });

  it('[12.5.3] every price change of FACTS.md: the contest drawn on or before the effective day pays the old price, the next one the new', () => {
    const db = openDatabase(':memory:');
    dbs.push(db);
    migrate(db, CATALOG_MIGRATIONS, 'memory');
    const ins = db.prepare(UPSERT_DRAW_SQL);
    for (const b of BOUNDARIES) for (const [c, d] of [b.last, b.first]) ins.run(drawToParams(makeDraw(c, d, BALLS), null, '2025-01-01T00:00:00.000Z', null));
    const rows = readPriceRows(db);
    for (const b of BOUNDARIES) {
      expect(contestPriceOn(DEFAULT_PRICE_TABLE, b.last[1]), `contest ${b.last[0]}`).toBe(b.old);
      expect(contestPriceOn(DEFAULT_PRICE_TABLE, b.first[1]), `contest ${b.first[0]}`).toBe(b.price);
      expect(readContestPrice(db, b.last[1])).toBe(b.old);
      expect(readContestPrice(db, b.first[1])).toBe(b.price);
      // `finance prices list`: the first imported contest of each period is the first one charged its price
      expect(rows.find((r) => r.price_cents === b.price)!.first_contest, `first contest at ${b.price}`).toBe(b.first[0]);
    }
  });
});
