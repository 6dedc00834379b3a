// The budget use cases (src/usecases/budgets.ts): spent and status derived on the front-end's today.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { createBudget, listBudgets, showBudget } from '../../../src/usecases/budgets.js';
import { recordLedgerEntry } from '../../../src/usecases/ledger.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

const clock: Clock = { now: '2025-11-20T12:00:00.000Z', today: '2025-11-20' };
const cleanups = cleanupAfterEach();

function books(): { catalog: Catalog; clock: Clock } {
  const t = tempDir();
  const catalog = openCatalog(t.dir);
  cleanups.push(t.cleanup, () => catalog.close());
  return { catalog, clock };
}

describe('budgets', () => {
  it('create returns what the window already spent; show and list agree; reversed bets are refunded', () => {
    const deps = books();
    recordLedgerEntry(deps, { type: 'bet', contest: 7000, tickets: 1, cost_cents: 500, date: '2025-11-01' });
    const created = createBudget(deps, { name: 'nov', amount_cents: 1_000, from: '2025-11-01', to: '2025-11-30', note: 'n' });
    expect(created).toEqual({
      name: 'nov',
      amount_cents: 1_000,
      from_date: '2025-11-01',
      to_date: '2025-11-30',
      spent_cents: 500,
      remaining_cents: 500,
      status: 'active',
      note: 'n',
      created_at: clock.now,
    });
    expect(showBudget(deps, { name: 'nov' })).toEqual(created);
    recordLedgerEntry(deps, { type: 'bet', contest: 7001, tickets: 1, cost_cents: 500, date: '2025-11-02' });
    expect(showBudget(deps, { name: 'nov' })).toMatchObject({ spent_cents: 1_000, status: 'exhausted' });
    expect(showBudget({ ...deps, clock: { ...clock, today: '2025-12-01' } }, { name: 'nov' }).status).toBe('expired');
  });

  it('refuses a bad window, a duplicate name and an unknown name', () => {
    const deps = books();
    expect(() => createBudget(deps, { name: 'x', amount_cents: 1, from: '2025-02-01', to: '2025-01-01' })).toThrow(
      expect.objectContaining({ code: 'E_INPUT_INVALID' }),
    );
    expect(() => createBudget(deps, { name: '-x', amount_cents: 1, from: '2025-01-01', to: null })).toThrow(
      expect.objectContaining({ code: 'E_INPUT_INVALID' }),
    );
    createBudget(deps, { name: 'x', amount_cents: 1, from: '2025-01-01', to: null });
    expect(() => createBudget(deps, { name: 'x', amount_cents: 2, from: '2025-01-01', to: null })).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    expect(() => showBudget(deps, { name: 'nope' })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND', message: 'no budget named "nope"' }));
  });

  it('lists by start date in keyset pages whose positions chain', () => {
    const deps = books();
    for (const [name, from] of [
      ['b', '2025-01-01'],
      ['a', '2025-01-01'],
      ['c', '2024-06-01'],
    ] as const)
      createBudget(deps, { name, amount_cents: 100, from, to: null });
    const all = listBudgets(deps);
    expect(all.budgets.map((b) => b.name)).toEqual(['c', 'a', 'b']);
    expect(all.next).toBeNull();
    const p1 = listBudgets(deps, { limit: 2 });
    expect(p1.next).toEqual({ from_date: '2025-01-01', name: 'a' });
    const p2 = listBudgets(deps, { limit: 2, after: p1.next! });
    expect([...p1.budgets, ...p2.budgets]).toEqual(all.budgets);
    expect(p2.next).toBeNull();
  });
});
