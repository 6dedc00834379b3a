// [12.2.2] The books are sealed with a key kept outside the SQLite files: rewriting an amount and
// recomputing the plain hash chain, head and backup manifest is caught by `ledger check` and by
// `maintain restore`. [12.2.5] Assertions that fail are refused unless forced, can be retracted,
// and `ledger balance` is as of today.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type LedgerEntry, chainHash } from '../../src/core/finance/ledger.js';
import { CATALOG_MIGRATIONS } from '../../src/store/catalog-migrations/index.js';
import { migrate, openDatabase } from '../../src/store/sqlite.js';
import { booksCli } from '../helpers/books.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const books = booksCli();
const { run } = books;

/** What an attacker with write access to the file does: new amount, every hash and the head recomputed. */
function rewriteAmount(catalogFile: string, id: number, amountCents: number): void {
  const db = new Database(catalogFile);
  db.exec('DROP TRIGGER ledger_entries_no_update');
  const rows = db.prepare('SELECT * FROM ledger_entries ORDER BY id').all() as LedgerEntry[];
  let prev = GENESIS_HASH;
  const update = db.prepare('UPDATE ledger_entries SET amount_cents = ?, prev_hash = ?, hash = ? WHERE id = ?');
  for (const r of rows) {
    const row = { ...r, amount_cents: r.id === id ? amountCents : r.amount_cents };
    const hash = chainHash(prev, row);
    update.run(row.amount_cents, prev, hash, r.id);
    prev = hash;
  }
  db.prepare("UPDATE meta SET value = ? WHERE key = 'ledger_head'").run(`${rows.at(-1)!.id}:${prev}`);
  // put the trigger back exactly as luckyfive made it, so the schema looks untouched
  db.exec("CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;");
  db.close();
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function someEntries(): Promise<void> {
  await run('ledger', 'add', 'deposit', '--amount', '100', '--date', '2025-08-01');
  await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1');
  await run('ledger', 'add', 'deposit', '--amount', '5', '--date', '2025-08-20');
}

describe('[12.2.2] the books are sealed with a key outside the data files', () => {
  it('[12.2.2] a rewritten amount with the plain chain and head recomputed: ledger check exit 4, and nothing more is recorded', async () => {
    await someEntries();
    expect((await run('ledger', 'check')).code).toBe(0);
    const key = join(books.dir, 'books.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    rewriteAmount(join(books.dir, 'catalog.sqlite'), 1, 10_000_000);
    const check = await run('ledger', 'check', '--json');
    expect(check.code).toBe(4);
    // the plain chain is perfect: only the keyed seal tells
    expect(check.json().problems).toEqual([expect.objectContaining({ kind: 'seal', message: expect.stringMatching(/rows were rewritten/) })]);
    const add = await run('ledger', 'add', 'deposit', '--amount', '1');
    expect([add.code, add.stderr]).toEqual([4, expect.stringMatching(/nothing recorded: the books seal/)]);
    expect((await run('ledger', 'check')).code).toBe(4);
  });

  it('[12.2.2] the seal also counts assertions and retractions: one slipped in to silence a failing assertion is caught', async () => {
    await someEntries();
    await run('ledger', 'assert', '--balance', '1', '--date', '2025-12-31', '--force');
    expect((await run('ledger', 'check')).code).toBe(4);
    const db = new Database(join(books.dir, 'catalog.sqlite'));
    db.prepare("INSERT INTO ledger_assertion_retractions (created_at, assertion_id, reason) VALUES ('x', 1, 'hidden')").run();
    db.close();
    const check = await run('ledger', 'check', '--json');
    expect(check.json().problems).toEqual([
      expect.objectContaining({
        kind: 'seal',
        message: expect.stringMatching(/1 retractions.*added or removed outside luckyfive|retractions, but the catalog holds/),
      }),
    ]);
  });

  it('[12.2.2] restore refuses a backup whose amount was rewritten with chain, head and manifest recomputed, and touches nothing', async () => {
    await someEntries();
    const backups = tempDir('luckyfive-backups-');
    try {
      const b = await run('maintain', 'backup', backups.dir, '--json');
      expect(b.code, b.stderr).toBe(0);
      const dir = b.json().dir as string;
      const file = join(dir, 'catalog.sqlite');
      rewriteAmount(file, 1, 10_000_000);
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      m.files[0].sha256 = sha256(file);
      m.files[0].bytes = statSync(file).size;
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
      const before = readdirSync(books.dir).sort();
      const catalogBefore = sha256(join(books.dir, 'catalog.sqlite'));
      const r = await run('maintain', 'restore', dir);
      expect([r.code, r.stderr]).toEqual([4, expect.stringMatching(/does not verify under the books key/)]);
      expect(readdirSync(books.dir).sort()).toEqual(before);
      expect(sha256(join(books.dir, 'catalog.sqlite'))).toBe(catalogBefore);
      // the same rewrite made in the live catalog before a backup: the manifest is genuine, the seal is not
      rewriteAmount(join(books.dir, 'catalog.sqlite'), 1, 10_000_000);
      const b2 = await run('maintain', 'backup', backups.dir, '--json');
      expect(b2.stderr).toMatch(/`maintain restore` will refuse this backup/);
      const r2 = await run('maintain', 'restore', b2.json().dir);
      expect([r2.code, r2.stderr]).toEqual([4, expect.stringMatching(/catalog\.sqlite: the books seal/)]);
    } finally {
      backups.cleanup();
    }
  });

  it('[12.2.2] restore refuses a backup whose catalog lacks the append-only triggers', async () => {
    await someEntries();
    const db = new Database(join(books.dir, 'catalog.sqlite'));
    db.exec('DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete;');
    db.close();
    const backups = tempDir('luckyfive-backups-');
    try {
      const b = await run('maintain', 'backup', backups.dir, '--json');
      expect(b.code, b.stderr).toBe(0);
      const r = await run('maintain', 'restore', b.json().dir);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/trigger ledger_entries_no_delete is missing/);
      expect(r.stderr).toMatch(/trigger ledger_entries_no_update is missing/);
      expect(existsSync(join(books.dir, 'catalog.sqlite'))).toBe(true);
      expect(readdirSync(books.dir).filter((n) => n.startsWith('.restore-'))).toEqual([]);
    } finally {
      backups.cleanup();
    }
  });

  it('[12.2.2] a catalog from before the seal is sealed on its first open, after which its books check sound', async () => {
    const t = tempDir();
    try {
      const db = openDatabase(join(t.dir, 'catalog.sqlite'));
      migrate(db, CATALOG_MIGRATIONS.slice(0, 7), 'old');
      const row = {
        id: 1,
        created_at: '2025-01-01T00:00:00Z',
        entry_date: '2025-01-01',
        type: 'deposit' as const,
        amount_cents: 700,
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
      const hash = chainHash(GENESIS_HASH, row);
      db.prepare(
        'INSERT INTO ledger_entries VALUES (@id, @created_at, @entry_date, @type, @amount_cents, @contest, @tickets, @numbers_per_ticket, @tickets_json, @run_id, @recipe_hash, @tier, @idempotency_key, @reverses_id, @reason, @note, @prev_hash, @hash)',
      ).run({ ...row, prev_hash: GENESIS_HASH, hash });
      db.prepare("INSERT INTO meta (key, value) VALUES ('ledger_head', ?)").run(`1:${hash}`);
      db.close();
      expect(existsSync(join(t.dir, 'books.key'))).toBe(false);
      const check = await cli(['ledger', 'check', '--json'], { dataDir: t.dir });
      expect(check.json()).toEqual({ sound: true, problems: [] });
      expect(existsSync(join(t.dir, 'books.key'))).toBe(true);
      expect((await cli(['ledger', 'add', 'deposit', '--amount', '1'], { dataDir: t.dir })).code).toBe(0);
      // from now on, a missing seal is tampering
      const raw = new Database(join(t.dir, 'catalog.sqlite'));
      raw.prepare("DELETE FROM meta WHERE key = 'ledger_seal'").run();
      raw.close();
      expect((await cli(['ledger', 'check', '--json'], { dataDir: t.dir })).json().problems).toEqual([
        expect.objectContaining({ kind: 'seal', message: expect.stringMatching(/missing/) }),
      ]);
    } finally {
      t.cleanup();
    }
  });

  it('[12.2.2] rotate-key re-seals under a new key file (old one kept) or under a configured key given the old one', async () => {
    await someEntries();
    const keyFile = join(books.dir, 'books.key');
    const oldKey = readFileSync(keyFile, 'utf8');
    const r = await run('ledger', 'rotate-key', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ entries: 3, key_file: keyFile, previous_key_file: `${keyFile}.previous` });
    expect(readFileSync(`${keyFile}.previous`, 'utf8')).toBe(oldKey);
    expect(readFileSync(keyFile, 'utf8')).not.toBe(oldKey);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await run('ledger', 'check')).code).toBe(0);
    // the old key no longer verifies the books
    const withOld = await cli(['ledger', 'check', '--json'], { dataDir: books.dir, env: { LUCKYFIVE_BOOKS_KEY_FILE: `${keyFile}.previous` } });
    expect(withOld.json().problems).toEqual([expect.objectContaining({ kind: 'seal', message: expect.stringMatching(/another key/) })]);
    // an environment key: configure the new one, name the old one's file
    const envKey = 'k'.repeat(40);
    const env = await cli(['ledger', 'rotate-key', '--old-key-file', keyFile, '--json'], { dataDir: books.dir, env: { LUCKYFIVE_BOOKS_KEY: envKey } });
    expect(env.code, env.stderr).toBe(0);
    expect((await cli(['ledger', 'check'], { dataDir: books.dir, env: { LUCKYFIVE_BOOKS_KEY: envKey } })).code).toBe(0);
    expect((await run('ledger', 'check')).code).toBe(4);
    // rotation never re-seals books that do not verify
    rewriteAmount(join(books.dir, 'catalog.sqlite'), 1, 1);
    const refused = await cli(['ledger', 'rotate-key', '--old-key-file', keyFile], { dataDir: books.dir, env: { LUCKYFIVE_BOOKS_KEY: envKey } });
    expect(refused.code).toBe(4);
  });
});

describe('[12.2.5] assertions and the balance', () => {
  it('[12.2.5] a failing assertion is refused unless --force; a contradictory one always; a retraction makes check green', async () => {
    await someEntries(); // balance 100 - 3 + 5 = 102 from 2025-08-20
    const failing = await run('ledger', 'assert', '--balance', '50', '--date', '2025-08-31');
    expect([failing.code, failing.stderr]).toEqual([4, expect.stringMatching(/the assertion fails now, so it was not recorded/)]);
    expect((await run('ledger', 'check')).code).toBe(0);
    const ok = await run('ledger', 'assert', '--balance', '102', '--date', '2025-08-31', '--json');
    expect(ok.json()).toMatchObject({ holds: true, assertion: { id: 1, retracted_by: null } });
    const contradicts = await run('ledger', 'assert', '--balance', '90', '--date', '2025-08-31', '--force');
    expect([contradicts.code, contradicts.stderr]).toEqual([4, expect.stringMatching(/assertion 1 already says/)]);
    const forced = await run('ledger', 'assert', '--balance', '200', '--date', '2025-12-31', '--force', '--json');
    expect(forced.json()).toMatchObject({ holds: false, assertion: { id: 2 } });
    expect((await run('ledger', 'check')).code).toBe(4);
    const retract = await run('ledger', 'retract', '2', '--reason', 'typed the wrong figure', '--json');
    expect(retract.json().assertion).toMatchObject({ id: 2, retracted_by: 1 });
    expect((await run('ledger', 'check')).code).toBe(0);
    expect((await run('ledger', 'retract', '2', '--reason', 'again')).code).toBe(4);
    expect((await run('ledger', 'retract', '99', '--reason', 'x')).code).toBe(3);
  });

  it('[12.2.5] ledger balance without --date is as of today and says so: future-dated entries are not counted', async () => {
    await run('ledger', 'add', 'deposit', '--amount', '10', '--date', '2025-01-01');
    await run('ledger', 'add', 'deposit', '--amount', '99', '--date', '2999-01-01');
    const text = await run('ledger', 'balance');
    expect(text.stdout).toMatch(/^R\$ 10,00 on \d{4}-\d{2}-\d{2} \(as of today: entries dated later are not counted\)\n$/);
    const j = (await run('ledger', 'balance', '--json')).json();
    expect(j).toEqual({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), balance_cents: 1000 });
    expect((await run('ledger', 'balance', '--date', '2999-12-31', '--json')).json().balance_cents).toBe(10_900);
  });
});

describe('[12.2.5] over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ rate_limit_write: 10_000, rate_limit_read: 10_000 });
    seedDraws(s.dir, makeDraws(4001, 4010));
  });
  afterAll(async () => s.close());

  it('[12.2.5] POST /ledger/assertions refuses a failing assertion (409) unless force; retract makes check sound; balance is as of today', async () => {
    expect((await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 500, date: '2025-12-01' })).statusCode).toBe(201);
    expect((await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 900, date: '2026-06-01' })).statusCode).toBe(201);
    const refused = await s.post('/api/v1/ledger/assertions', s.keys.analyst, { date: '2025-12-31', balance_cents: 1 });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'E_CONFLICT']);
    expect((await s.post('/api/v1/ledger/assertions', s.keys.viewer, { date: '2025-12-31', balance_cents: 500 })).statusCode).toBe(403);
    const forced = await s.post('/api/v1/ledger/assertions', s.keys.analyst, { date: '2025-12-30', balance_cents: 1, force: true });
    expect(forced.statusCode, forced.body).toBe(201);
    expect(forced.json()).toMatchObject({ holds: false, actual_cents: 500 });
    expect((await s.get('/api/v1/ledger/check', s.keys.viewer)).json().sound).toBe(false);
    const id = forced.json().assertion.id;
    const retracted = await s.post(`/api/v1/ledger/assertions/${id}/retract`, s.keys.analyst, { reason: 'wrong' });
    expect(retracted.statusCode, retracted.body).toBe(200);
    expect((await s.get('/api/v1/ledger/check', s.keys.viewer)).json()).toEqual({ sound: true, problems: [] });
    // the server's clock says 2026-01-01: the June deposit is in the future
    expect((await s.get('/api/v1/ledger/balance', s.keys.viewer)).json()).toEqual({ date: '2026-01-01', balance_cents: 500 });
  });
});
