// The books cannot be made to lie (issue 12, section 2) and names and free text (12.6.2), through
// the CLI and the API alike.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output, escapeTerminal } from '../../src/cli/output.js';
import { textProblem } from '../../src/core/text.js';
import { booksCli } from '../helpers/books.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const books = booksCli();
const { run } = books;
const LONE = 'café \ud800 note';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ rate_limit_write: 10_000, rate_limit_read: 10_000 });
  seedDraws(s.dir, makeDraws(4001, 4100));
});
afterAll(async () => s.close());

describe('[12.2.1] lone surrogates are refused, never stored as U+FFFD', () => {
  it('[12.2.1] the CLI refuses a note or reason with a lone surrogate (exit 2) and the books stay sound', async () => {
    const note = await run('ledger', 'add', 'deposit', '--amount', '10', '--note', LONE);
    expect(note.code).toBe(2);
    expect(note.stderr).toMatch(/lone UTF-16 surrogate/);
    await run('ledger', 'add', 'deposit', '--amount', '10', '--note', 'ok');
    const reason = await run('ledger', 'reverse', '1', '--reason', '\udc00 typo');
    expect(reason.code).toBe(2);
    expect((await run('ledger', 'list', '--json')).json().count).toBe(1);
    const check = await run('ledger', 'check');
    expect([check.code, check.stderr]).toEqual([0, '']);
    // A surrogate pair (a real emoji) is fine.
    expect((await run('ledger', 'add', 'deposit', '--amount', '1', '--note', 'sorte 🍀')).code).toBe(0);
    expect((await run('ledger', 'check')).code).toBe(0);
  });

  it('[12.2.1] the API refuses a lone surrogate in a note or reason (400) and records nothing', async () => {
    const before = (await s.get('/api/v1/ledger', s.keys.viewer)).json().items.length;
    const r = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 100, note: LONE });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error.details.join('\n')).toMatch(/body\.note: .*lone UTF-16 surrogate/);
    const ok = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 100, note: 'fine' });
    const rev = await s.post(`/api/v1/ledger/${ok.json().entry.id}/reverse`, s.keys.analyst, { reason: 'x \udfff' });
    expect(rev.statusCode).toBe(400);
    expect((await s.get('/api/v1/ledger', s.keys.viewer)).json().items.length).toBe(before + 1);
    expect((await s.get('/api/v1/ledger/check', s.keys.viewer)).json().sound).toBe(true);
  });
});

describe('[12.2.3] an idempotency key stands for every field', () => {
  it('[12.2.3] the CLI: same key with other tickets, date or note is exit 4; the very same entry is "already recorded"', async () => {
    const f = join(books.dir, 't.json');
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 5]]));
    const first = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--key', 'slip-1', '--note', 'a');
    expect(first.code).toBe(0);
    const same = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--key', 'slip-1', '--note', 'a');
    expect([same.code, same.stdout]).toEqual([0, expect.stringMatching(/^already recorded/)]);
    writeFileSync(f, JSON.stringify([[6, 7, 8, 9, 10]]));
    const otherTickets = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--key', 'slip-1', '--note', 'a');
    expect(otherTickets.code).toBe(4);
    expect(otherTickets.stderr).toMatch(/tickets_json: stored/);
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 5]]));
    const otherNote = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--key', 'slip-1', '--note', 'b');
    expect([otherNote.code, otherNote.stderr]).toEqual([4, expect.stringMatching(/note: stored "a", now "b"/)]);
    const otherDate = await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--key', 'slip-1', '--note', 'a', '--date', '2025-08-16');
    expect([otherDate.code, otherDate.stderr]).toEqual([4, expect.stringMatching(/entry_date: stored "2025-08-15", now "2025-08-16"/)]);
    expect((await run('ledger', 'list', '--json')).json().count).toBe(1);
  });

  it('[12.2.3] the API: a different note or date under a used key is 409', async () => {
    const body = { type: 'deposit', amount_cents: 500, date: '2020-02-01', note: 'one', idempotency_key: 'dep-12-2-3' };
    expect((await s.post('/api/v1/ledger', s.keys.analyst, body)).statusCode).toBe(201);
    expect((await s.post('/api/v1/ledger', s.keys.analyst, body)).statusCode).toBe(200);
    expect((await s.post('/api/v1/ledger', s.keys.analyst, { ...body, note: 'two' })).statusCode).toBe(409);
    expect((await s.post('/api/v1/ledger', s.keys.analyst, { ...body, date: '2020-02-02' })).statusCode).toBe(409);
  });
});

describe('[12.2.4] luckyfive reserves its own key namespaces', () => {
  it('[12.2.4] a user key "settle:..." is refused (exit 2, 400) and cannot suppress a prize', async () => {
    const f = join(books.dir, 't.json');
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 60]])); // contest 6800 drew 1 2 3 4 50: a quadra
    const bet = (await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--json')).json().entry;
    const forged = await run('ledger', 'add', 'prize', '--contest', '6800', '--tier', 'quadra', '--amount', '0.01', '--key', `settle:${bet.id}:quadra`);
    expect(forged.code).toBe(2);
    expect(forged.stderr).toMatch(/reserved/);
    const settled = (await run('ledger', 'settle', '--contest', '6800', '--json')).json();
    expect(settled.lines).toEqual([expect.objectContaining({ bet_id: bet.id, tier: 4, amount_cents: 800_000, status: 'recorded' })]);
    const api = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 1, idempotency_key: 'SETTLE:1:quina' });
    expect(api.statusCode).toBe(400);
  });

  it('[12.2.4] settle passes over an entry that only took the key (an old catalog) and records the real prize', async () => {
    const f = join(books.dir, 't.json');
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 60]]));
    const bet = (await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--json')).json().entry;
    // What an older luckyfive let a client do: a one-centavo "prize" under the settlement key.
    const { openCatalog } = await import('../../src/store/catalog.js');
    const { appendEntry } = await import('../../src/store/ledger-repo.js');
    const c = openCatalog(books.dir);
    try {
      c.db.transaction(() =>
        appendEntry(
          c.db,
          { entry_date: '2025-08-15', type: 'prize', amount_cents: 1, contest: 6800, tier: 'quadra', idempotency_key: `settle:${bet.id}:quadra` },
          '2025-08-15T00:00:00Z',
        ),
      )();
    } finally {
      c.close();
    }
    const first = (await run('ledger', 'settle', '--contest', '6800', '--json')).json();
    expect(first.lines).toEqual([expect.objectContaining({ amount_cents: 800_000, status: 'recorded' })]);
    const again = (await run('ledger', 'settle', '--contest', '6800', '--json')).json();
    expect(again.lines).toEqual([expect.objectContaining({ entry_id: first.lines[0].entry_id, status: 'already_recorded' })]);
    expect((await run('ledger', 'list', '--json')).json().entries.at(-1).idempotency_key).toBe(`settle:${bet.id}:quadra:2`);
  });
});

describe('[12.6.2] names and free text', () => {
  it('[12.6.2] one rule: length caps, no control characters, no lone surrogates', () => {
    expect(textProblem('ok', 10)).toBeUndefined();
    expect(textProblem('', 10)).toMatch(/empty/);
    expect(textProblem('x'.repeat(11), 10)).toMatch(/at most 10/);
    expect(textProblem('a\u001b]0;pwned\u0007', 100)).toMatch(/control/);
    expect(textProblem('a\u009bb', 100)).toMatch(/control/);
    expect(textProblem('a\ud83c', 100)).toMatch(/surrogate/);
    expect(textProblem('🍀', 100)).toBeUndefined();
  });

  it('[12.6.2] the CLI refuses control characters in notes and in run and sweep names (exit 2)', async () => {
    expect((await run('ledger', 'add', 'deposit', '--amount', '1', '--note', 'a\u001b[2Jb')).code).toBe(2);
    const sim = await run('simulate', '--preset', 'balanced', '--last', '1', '--name', 'run\u001b]0;title\u0007');
    expect([sim.code, sim.stderr]).toEqual([2, expect.stringMatching(/--name must not hold control characters/)]);
    const long = await run('simulate', '--preset', 'balanced', '--last', '1', '--name', 'x'.repeat(101));
    expect([long.code, long.stderr]).toEqual([2, expect.stringMatching(/at most 100/)]);
    const sweep = await run('sweep', '--preset', 'balanced', '--param', 'alpha=1,2', '--last', '1', '--name', 'bad\u0007');
    expect(sweep.code).toBe(2);
    const recipe = join(books.dir, 'r.json');
    writeFileSync(recipe, JSON.stringify({ version: '2', name: 'evil\u001b[2J', strategy: 'random' }));
    expect((await run('recipes', 'validate', recipe)).code).toBe(2);
    expect((await run('budget', 'create', 'b\u001b[2J', '--amount', '10', '--from', '2025-01-01')).code).toBe(2);
    expect((await run('budget', 'create', 'ok', '--amount', '10', '--from', '2025-01-01', '--note', 'n\u0007')).code).toBe(2);
    expect((await run('auth', 'key', 'create', '--name', 'k\u001b]0;t\u0007', '--role', 'viewer')).code).toBe(2);
  });

  it('[12.6.2] the API refuses control characters in notes, reasons, run names and recipe names (400)', async () => {
    expect((await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 1, note: 'a\u009b31m' })).statusCode).toBe(400);
    const sim = await s.post('/api/v1/simulations', s.keys.analyst, { preset: 'balanced', last: 1, name: 'x\u001b[2J' });
    expect(sim.statusCode, sim.body).toBe(400);
    const saved = await s.post('/api/v1/recipes', s.keys.analyst, { name: 'r1', recipe: { version: '2', name: 'bad\u0007', strategy: 'random' } });
    expect(saved.statusCode, saved.body).toBe(400);
    expect((await s.post('/api/v1/budgets', s.keys.analyst, { name: 'b\u001b', amount_cents: 100, from: '2025-01-01' })).statusCode).toBe(400);
    expect((await s.post('/api/v1/budgets', s.keys.analyst, { name: 'b1', amount_cents: 100, from: '2025-01-01', note: 'x\u009b' })).statusCode).toBe(400);
    expect((await s.post('/api/v1/auth/keys', s.keys.admin, { name: 'k\u0007', role: 'viewer' })).statusCode).toBe(400);
  });

  it('[12.6.2] text printed to a terminal has its control characters escaped (tables, lines, warnings, error details)', () => {
    let out = '';
    let err = '';
    const o = new Output({ write: (x: string) => (out += x), isTTY: true }, { write: (x: string) => (err += x), isTTY: true }, false);
    const evil = 'old\u001b]0;title\u0007 row\u001b[2J\r\u009b1m';
    o.table(['note'], [[evil]]);
    o.text(evil);
    o.warn(evil);
    o.error(evil);
    o.detail(evil);
    o.info(evil);
    // eslint-disable-next-line no-control-regex
    expect(out + err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('old\\u001b]0;title\\u0007 row\\u001b[2J\\u000d\\u009b1m');
    expect(escapeTerminal('a\tb\nc')).toBe('a\tb\nc');
  });

  it('[12.6.2] an old row holding an escape sequence is printed escaped by `ledger list`', async () => {
    const { openCatalog } = await import('../../src/store/catalog.js');
    const c = openCatalog(books.dir);
    try {
      // rows written before the rule existed: straight into the table (the hash does not matter here)
      c.db
        .prepare(
          "INSERT INTO ledger_entries (id, created_at, entry_date, type, amount_cents, note, prev_hash, hash) VALUES (1, 'x', '2025-01-01', 'deposit', 100, ?, 'p', 'h')",
        )
        .run('hi\u001b[2J');
    } finally {
      c.close();
    }
    const list = await run('ledger', 'list');
    expect(list.stdout).toContain('hi\\u001b[2J');
    expect(list.stdout).not.toContain('\u001b');
  });
});
