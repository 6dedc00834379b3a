import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli.js';
import { insertDraws, makeDraw } from '../helpers/books.js';

let dir: string;
let cleanup: () => void;
const run = (...args: string[]) => cli(args, { dataDir: dir });

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  insertDraws(dir, [makeDraw(6800, '2025-08-15', [1, 2, 3, 4, 50]), makeDraw(6882, '2025-11-19', [5, 15, 25, 35, 45])]);
});
afterEach(() => cleanup());

describe('budgets', () => {
  it('refuses a bet that would overspend (exit 4, nothing written) unless --over-budget; spent nets reversals', async () => {
    expect((await run('budget', 'create', 'august', '--amount', '10', '--from', '2025-08-01', '--to', '2025-08-31')).code).toBe(0);
    expect((await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '3')).code).toBe(0);
    const refused = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/would overspend budget "august"/);
    expect(refused.stderr).toMatch(/over by R\$ 2,00 \(200 cents\)/);
    expect(refused.stderr).toMatch(/--over-budget/);
    expect((await run('ledger', 'list', '--json')).json().count).toBe(1);
    // a bet dated outside the window does not touch the budget
    expect((await run('ledger', 'add', 'bet', '--contest', '6883', '--tickets', '5', '--date', '2025-11-20')).code).toBe(0);
    const forced = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1', '--over-budget', '--json');
    expect(forced.code).toBe(0);
    const show = (await run('budget', 'show', 'august', '--json')).json();
    expect(show).toMatchObject({ amount_cents: 1000, spent_cents: 1200, remaining_cents: -200, status: 'expired' });
    await run('ledger', 'reverse', String(forced.json().entry.id), '--reason', 'never placed');
    expect((await run('budget', 'show', 'august', '--json')).json()).toMatchObject({ spent_cents: 900, remaining_cents: 100 });
  });

  it('derives active, exhausted and upcoming at read time', async () => {
    await run('budget', 'create', 'open', '--amount', '6', '--from', '2025-09-01', '--note', 'open-ended');
    await run('budget', 'create', 'future', '--amount', '100', '--from', '2999-01-01', '--to', '2999-12-31');
    let list = (await run('budget', 'list', '--json')).json();
    expect(list.budgets.map((b: any) => [b.name, b.status, b.spent_cents])).toEqual([
      ['open', 'active', 0],
      ['future', 'upcoming', 0],
    ]);
    await run('ledger', 'add', 'bet', '--contest', '6883', '--tickets', '2', '--date', '2025-10-01');
    list = (await run('budget', 'list', '--json')).json();
    expect(list.budgets[0]).toMatchObject({ name: 'open', status: 'exhausted', spent_cents: 600, remaining_cents: 0, to_date: null, note: 'open-ended' });
    const csv = (await run('budget', 'list', '--csv')).stdout.trim().split('\n');
    expect(csv[0]).toBe('name,amount_cents,from_date,to_date,spent_cents,remaining_cents,status,note');
    expect(csv).toHaveLength(3);
    const human = await run('budget', 'show', 'open');
    expect(human.stdout).toMatch(/exhausted/);
    expect(human.stdout).toMatch(/spent R\$ 6,00, remaining R\$ 0,00/);
  });

  it('[13.1.3] budget create refuses bad input before the catalog exists (nothing is created on a fresh data dir)', async () => {
    const fresh = tempDir();
    try {
      const dataDir = join(fresh.dir, 'data');
      for (const args of [
        ['x', '--amount', '5', '--from', '2025-03-01', '--to', '2025-02-01'],
        ['bad name!', '--amount', '5', '--from', '2025-03-01'],
      ]) {
        expect((await cli(['budget', 'create', ...args], { dataDir })).code).toBe(2);
      }
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      fresh.cleanup();
    }
  });

  it('bad input is exit 2, a duplicate name exit 4, an unknown budget exit 3', async () => {
    expect((await run('budget', 'create', 'x', '--amount', 'abc', '--from', '2025-01-01')).code).toBe(2);
    expect((await run('budget', 'create', 'x', '--amount', '0', '--from', '2025-01-01')).code).toBe(2);
    expect((await run('budget', 'create', 'x', '--amount', '-5', '--from', '2025-01-01')).code).toBe(2);
    expect((await run('budget', 'create', 'x', '--amount', '5', '--from', '2025-02-30')).code).toBe(2);
    expect((await run('budget', 'create', 'x', '--amount', '5', '--from', '2025-03-01', '--to', '2025-02-01')).code).toBe(2);
    expect((await run('budget', 'create', 'bad name!', '--amount', '5', '--from', '2025-03-01')).code).toBe(2);
    expect((await run('budget', 'list', '--json')).json().count).toBe(0);
    expect((await run('budget', 'create', 'x', '--amount', '5', '--from', '2025-03-01')).code).toBe(0);
    const dup = await run('budget', 'create', 'x', '--amount', '5', '--from', '2025-03-01');
    expect(dup.code).toBe(4);
    expect(dup.stderr).toMatch(/already exists/);
    expect((await run('budget', 'show', 'nope')).code).toBe(3);
  });
});
