import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_TABLE, basePriceOn } from '../../../src/core/finance/prices.js';
import { writeMeta } from '../../../src/store/catalog.js';
import { CATALOG_MIGRATIONS } from '../../../src/store/catalog-migrations/index.js';
import { readBasePriceOn, readPayoutRule, readPriceChanges, readPriceTable, writePayoutRule, writePrice } from '../../../src/store/prices-repo.js';
import { type Db, migrate, openDatabase } from '../../../src/store/sqlite.js';

const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));
function catalog(): Db {
  const db = openDatabase(':memory:');
  migrate(db, CATALOG_MIGRATIONS, 'memory');
  dbs.push(db);
  return db;
}

describe('prices repo', () => {
  it('the migration seeds the editable table from DEFAULT_PRICE_TABLE, with an audit row each', () => {
    const db = catalog();
    expect(readPriceTable(db)).toEqual(DEFAULT_PRICE_TABLE.map((p) => ({ ...p })));
    expect(readPriceChanges(db)).toHaveLength(DEFAULT_PRICE_TABLE.length);
    expect(readBasePriceOn(db, '2025-07-08')).toBe(250);
    expect(readBasePriceOn(db, '2025-07-09')).toBe(300);
    expect(readBasePriceOn(db, '1990-01-01')).toBe(basePriceOn(DEFAULT_PRICE_TABLE, '1990-01-01'));
  });

  it('edits add periods or replace a price, and the audit trail is append-only', () => {
    const db = catalog();
    writePrice(db, '2026-01-01', 350, null, '2025-12-01T00:00:00Z');
    const change = writePrice(db, '2026-01-01', 400, 'corrected', '2025-12-02T00:00:00Z');
    expect(change).toMatchObject({ old_price_cents: 350, new_price_cents: 400, note: 'corrected' });
    expect(readBasePriceOn(db, '2026-06-01')).toBe(400);
    expect(readBasePriceOn(db, '2025-12-31')).toBe(300);
    expect(() => db.prepare('DELETE FROM price_changes').run()).toThrow(/append-only/);
    expect(() => writePrice(db, '2026-01-01', 0, null, 'x')).toThrow(/more than zero/);
  });

  it('the payout rule defaults to subcombinations, is settable, and a corrupt value is a data error', () => {
    const db = catalog();
    expect(readPayoutRule(db)).toBe('subcombinations');
    writePayoutRule(db, 'highest-tier');
    expect(readPayoutRule(db)).toBe('highest-tier');
    writeMeta(db, 'payout_rule', 'everything');
    expect(() => readPayoutRule(db)).toThrow(/not one luckyfive knows/);
  });
});
