import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { findBookProblems } from '../../../../src/core/finance/books-check.js';
import { GENESIS_HASH, type LedgerEntry, type NewEntry, chainHash, effectiveEntries, signProblem } from '../../../../src/core/finance/ledger.js';
import { GROUP_BYS, buildLedgerReport, isoWeek } from '../../../../src/core/finance/report.js';
import type { Clock } from '../../../../src/clock.js';
import { checkBooks, recordEntry, reverseEntry } from '../../../../src/store/books.js';
import { CATALOG_MIGRATIONS } from '../../../../src/store/catalog-migrations/index.js';
import { readBalance, readChain, readEntries } from '../../../../src/store/ledger-repo.js';
import { type Db, migrate, openDatabase } from '../../../../src/store/sqlite.js';

const clock: Clock = { now: '2025-11-20T12:00:00.000Z', today: '2025-11-20' };
const open: Db[] = [];
afterEach(() => open.splice(0).forEach((db) => db.close()));

function memoryCatalog(): Db {
  const db = openDatabase(':memory:');
  migrate(db, CATALOG_MIGRATIONS, 'memory');
  open.push(db);
  return db;
}

describe('ledger rules', () => {
  it('signs by type', () => {
    expect(signProblem('bet', -300)).toBeUndefined();
    expect(signProblem('bet', 300)).toMatch(/negative/);
    expect(signProblem('withdrawal', 100)).toMatch(/negative/);
    expect(signProblem('prize', -1)).toMatch(/positive/);
    expect(signProblem('deposit', -1)).toMatch(/positive/);
    expect(signProblem('adjustment', -1)).toBeUndefined();
    expect(signProblem('adjustment', 0)).toMatch(/zero/);
    expect(signProblem('bet', 1.5)).toMatch(/whole/);
  });

  it('ISO weeks follow the Thursday rule across year ends', () => {
    expect(isoWeek('2025-11-20')).toBe('2025-W47');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
  });

  it('the append-only triggers refuse UPDATE and DELETE', () => {
    const db = memoryCatalog();
    recordEntry(db, { entry_date: '2025-11-01', type: 'deposit', amount_cents: 1000 }, clock);
    expect(() => db.prepare('UPDATE ledger_entries SET amount_cents = 1').run()).toThrow(/ledger is append-only/);
    expect(() => db.prepare('DELETE FROM ledger_entries').run()).toThrow(/ledger is append-only/);
    expect(readBalance(db)).toBe(1000);
  });

  it('a pure chain check finds an edited row, a removed row and a reversal that does not cancel', () => {
    const rows: LedgerEntry[] = [];
    const push = (e: Omit<LedgerEntry, 'id' | 'created_at' | 'prev_hash' | 'hash'>) => {
      const base = { id: rows.length + 1, created_at: clock.now, ...e };
      const prev = rows.at(-1)?.hash ?? GENESIS_HASH;
      rows.push({ ...base, prev_hash: prev, hash: chainHash(prev, base) });
    };
    const blank = {
      contest: null,
      tickets: null,
      numbers_per_ticket: null,
      tickets_json: null,
      run_id: null,
      recipe_hash: null,
      tier: null,
      idempotency_key: null,
      reverses_id: null,
      reason: null,
      note: null,
    };
    push({ ...blank, entry_date: '2025-11-01', type: 'deposit', amount_cents: 1000 });
    push({ ...blank, entry_date: '2025-11-02', type: 'bet', amount_cents: -300, contest: 6880, tickets: 1, numbers_per_ticket: 5 });
    push({ ...blank, entry_date: '2025-11-03', type: 'reversal', amount_cents: 300, reverses_id: 2, reason: 'typo' });
    const head = { id: 3, hash: rows[2]!.hash };
    expect(findBookProblems(rows, [], head)).toEqual([]);

    const edited = rows.map((r) => (r.id === 2 ? { ...r, amount_cents: -3000 } : r));
    const p1 = findBookProblems(edited, [], head);
    expect(p1.map((p) => [p.kind, p.entry_id])).toEqual([
      ['hash', 2],
      ['reversal', 3],
    ]);
    expect(p1[1]!.message).toContain('delta');

    const removed = rows.filter((r) => r.id !== 2);
    expect(findBookProblems(removed, [], head).map((p) => [p.kind, p.entry_id])).toEqual([
      ['chain', 3],
      ['reversal', 3],
    ]);
    expect(findBookProblems(rows.slice(0, 2), [], head).map((p) => p.kind)).toEqual(['head']);
  });
});

type Op =
  | { kind: 'add'; type: 'bet' | 'prize' | 'deposit' | 'withdrawal' | 'adjustment'; cents: number; day: number; run: number; tier: number }
  | { kind: 'reverse'; pick: number; day: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    type: fc.constantFrom('bet' as const, 'prize' as const, 'deposit' as const, 'withdrawal' as const, 'adjustment' as const),
    cents: fc.integer({ min: 1, max: 5_000_000 }),
    day: fc.integer({ min: 0, max: 120 }),
    run: fc.integer({ min: 0, max: 2 }),
    tier: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(), day: fc.integer({ min: 0, max: 120 }) }),
);

function dayToDate(day: number): string {
  return new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
}

describe('ledger invariants (property)', () => {
  it('any sequence of entries and reversals: balance = sum of entries, reports net reversals out, books stay sound', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), (ops) => {
        const db = openDatabase(':memory:');
        try {
          migrate(db, CATALOG_MIGRATIONS, 'memory');
          const live = new Map<number, NewEntry & { id: number }>();
          let sum = 0;
          for (const op of ops) {
            if (op.kind === 'add') {
              const sign = op.type === 'bet' || op.type === 'withdrawal' || (op.type === 'adjustment' && op.cents % 2 === 0) ? -1 : 1;
              const entry: NewEntry = {
                entry_date: dayToDate(op.day),
                type: op.type,
                amount_cents: sign * op.cents,
                contest: op.type === 'bet' || op.type === 'prize' ? 6800 + op.day : null,
                tickets: op.type === 'bet' ? 1 + (op.cents % 7) : null,
                numbers_per_ticket: op.type === 'bet' ? 5 : null,
                run_id: op.run === 0 ? null : `run00${op.run}`,
                tier: op.type === 'prize' ? (['quina', 'quadra', 'terno', 'duque'] as const)[op.tier]! : null,
              };
              const r = recordEntry(db, entry, clock, { overBudget: true });
              live.set(r.entry.id, { ...entry, id: r.entry.id });
              sum += entry.amount_cents;
            } else {
              const ids = [...live.keys()];
              if (ids.length === 0) continue;
              const id = ids[op.pick % ids.length]!;
              const r = reverseEntry(db, id, 'property test', clock, dayToDate(op.day));
              sum += r.entry.amount_cents;
              live.delete(id);
              // a second reversal of the same entry is always refused
              expect(() => reverseEntry(db, id, 'again', clock)).toThrow(/already reversed/);
            }
          }
          const all = readEntries(db);
          expect(readBalance(db)).toBe(sum);
          expect(all.reduce((s, e) => s + e.amount_cents, 0)).toBe(sum);
          expect(checkBooks(db)).toEqual([]);
          // reversed pairs cancel, so the live entries alone carry the whole balance
          const liveSum = [...live.values()].reduce((s, e) => s + e.amount_cents, 0);
          expect(liveSum).toBe(sum);
          expect(
            effectiveEntries(all)
              .map((e) => e.id)
              .sort((a, b) => a - b),
          ).toEqual([...live.keys()].sort((a, b) => a - b));
          const liveRows = all.filter((e) => live.has(e.id));
          for (const g of GROUP_BYS) {
            const report = buildLedgerReport(all, g);
            // the report of everything equals the report of the never-reversed entries alone
            expect(report).toEqual(buildLedgerReport(liveRows, g));
            expect(report.total.balance_change_cents).toBe(sum);
            expect(report.rows.reduce((s, r) => s + r.net_cents, 0)).toBe(report.total.net_cents);
            expect(report.rows.at(-1)?.cumulative_net_cents ?? 0).toBe(report.total.net_cents);
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the stored chain verifies after many appends', () => {
    const db = memoryCatalog();
    for (let i = 1; i <= 50; i++)
      recordEntry(db, { entry_date: dayToDate(i), type: i % 3 ? 'deposit' : 'withdrawal', amount_cents: i % 3 ? i * 100 : -i }, clock);
    const chain = readChain(db);
    expect(chain).toHaveLength(50);
    expect(chain[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(checkBooks(db)).toEqual([]);
  });
});
