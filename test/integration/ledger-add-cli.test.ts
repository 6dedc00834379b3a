import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { booksCli } from '../helpers/books.js';

const books = booksCli();
const { run } = books;
const count = async () => (await run('ledger', 'list', '--json')).json().count as number;

describe('ledger add bet', () => {
  it('auto cost uses the price on the draw date: R$ 2,50 era, R$ 3,00 era, and a future contest on the booking date', async () => {
    const a = await run('ledger', 'add', 'bet', '--contest', '6500', '--tickets', '4', '--json');
    expect(a.code).toBe(0);
    expect(a.json().entry).toMatchObject({ type: 'bet', amount_cents: -1000, entry_date: '2024-06-01', tickets: 4, numbers_per_ticket: 5 });
    expect(a.json().base_price_cents).toBe(250);
    const b = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '10', '--numbers', '6', '--json');
    expect(b.json().entry.amount_cents).toBe(-10 * 6 * 300);
    const c = await run('ledger', 'add', 'bet', '--contest', '6883', '--tickets', '1', '--date', '2025-11-20', '--json');
    expect(c.json()).toMatchObject({ entry: { amount_cents: -300, entry_date: '2025-11-20' }, price_date: '2025-11-20' });
    const d = await run('ledger', 'add', 'bet', '--contest', '6883', '--tickets', '2', '--cost', '7,50', '--json');
    expect(d.json()).toMatchObject({ entry: { amount_cents: -750 }, cost_source: 'given' });
  });

  it('a contest missing from the catalog (a gap) needs --cost', async () => {
    const r = await run('ledger', 'add', 'bet', '--contest', '6700', '--tickets', '1');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not imported/);
    expect(await count()).toBe(0);
  });

  it('the same idempotency key records one entry; the second call prints it and exits 0', async () => {
    const first = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '2', '--key', 'slip-42', '--json');
    const second = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '2', '--key', 'slip-42');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already recorded: #1 /);
    const third = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '2', '--key', 'slip-42', '--json');
    expect(third.json()).toMatchObject({ status: 'already_recorded', entry: { id: first.json().entry.id } });
    expect(await count()).toBe(1);
    const clash = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '3', '--key', 'slip-42');
    expect(clash.code).toBe(4);
    expect(clash.stderr).toMatch(/already used for entry 1/);
    expect(await count()).toBe(1);
  });

  it('bad input is exit 2 with a clear message and writes nothing', async () => {
    const bad: string[][] = [
      ['ledger', 'add', 'bet', '--contest', '6800', '--tickets', '-3'],
      ['ledger', 'add', 'bet', '--contest', '6800', '--tickets', '0'],
      ['ledger', 'add', 'bet', '--contest', '6800', '--tickets', '2.5'],
      ['ledger', 'add', 'bet', '--contest', '0', '--tickets', '1'],
      ['ledger', 'add', 'bet', '--contest', 'abc', '--tickets', '1'],
      ['ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1', '--numbers', '16'],
      ['ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1', '--cost', '1,2,3'],
      ['ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1', '--cost', '-3.00'],
      ['ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1', '--date', '2025-02-30'],
      ['ledger', 'add', 'prize', '--contest', '6800', '--tier', 'jackpot', '--amount', '10'],
      ['ledger', 'add', 'prize', '--contest', '6800', '--tier', 'terno', '--amount', '3.001'],
      ['ledger', 'add', 'deposit', '--amount', '-5'],
      ['ledger', 'add', 'deposit', '--amount', 'NaN'],
      ['ledger', 'add', 'withdrawal', '--amount', '1.2.3,4,5'],
      ['ledger', 'add', 'adjustment', '--amount', '0'],
      ['ledger', 'assert', '--balance', 'abc', '--date', '2025-01-01'],
      ['ledger', 'list', '--type', 'gift'],
    ];
    for (const args of bad) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/error: /);
      expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
    }
    expect(await count()).toBe(0);
  });

  it('a tickets file must hold valid tickets that agree with the flags', async () => {
    const f = join(books.dir, 't.json');
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 81]]));
    expect((await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f)).code).toBe(2);
    writeFileSync(f, '[[1,2,3');
    expect((await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f)).code).toBe(2);
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 5]]));
    expect((await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '2', '--tickets-file', f)).code).toBe(2);
    expect((await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', join(books.dir, 'missing.json'))).code).toBe(3);
    expect(await count()).toBe(0);
    const ok = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--json');
    expect(ok.json().entry).toMatchObject({ tickets: 1, numbers_per_ticket: 5, ticket_numbers: [[1, 2, 3, 4, 5]], amount_cents: -300 });
  });
});
