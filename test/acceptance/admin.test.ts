/**
 * The admin's journey on the built CLI and a running server: keys created, listed and revoked
 * (a revoked key is refused at once by the running server), a price period set and a simulation's
 * cost checked against that price table, then a backup, a change, a restore that undoes the change
 * (the digest equal to the backup's), and a rollback of the restore.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_MS, type Served, binom, haveBuiltCli, http, journeyDir, lf, lfJson, serve } from './helpers/journey.js';

describe.runIf(haveBuiltCli())('[17.5.5] journey: the admin', () => {
  let dir = '';
  let cleanup = () => {};
  let server: Served | undefined;
  let api = '';
  let admin = '';
  const started = Date.now();

  beforeAll(() => ({ dir, cleanup } = journeyDir('admin')));
  afterAll(async () => {
    if (server) await server.stop();
    console.info(`admin journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    cleanup();
  }, 30_000);

  it(
    '[17.5.5] keys: created with the CLI and the API, listed without the secret, revoked ones refused at once',
    async () => {
      expect((await lfJson(dir, ['import', '--sample'])).inserted).toBe(2000);
      const first = await lfJson(dir, ['auth', 'key', 'create', '--name', 'root', '--role', 'admin', '--expires', '30d']);
      admin = first.key;
      const cliKey = await lfJson(dir, ['auth', 'key', 'create', '--name', 'cron', '--role', 'analyst']);
      server = await serve(dir);
      api = `${server.url}/api/v1`;

      const made = await http(`${api}/auth/keys`, { key: admin, body: { name: 'dashboard', role: 'viewer', expires_in: '7d' } });
      expect(made.status, made.text).toBe(201);
      expect(made.body).toMatchObject({ name: 'dashboard', role: 'viewer', revoked_at: null, key: expect.stringMatching(/^lf_/) });
      const viewer = made.body.key as string;
      expect((await http(`${api}/runs`, { key: viewer })).status).toBe(200);
      expect((await http(`${api}/runs`, { key: cliKey.key })).status).toBe(200);
      // a viewer and an analyst may not manage keys
      expect((await http(`${api}/auth/keys`, { key: viewer })).status).toBe(403);
      expect((await http(`${api}/auth/keys`, { key: cliKey.key, body: { name: 'x', role: 'admin' } })).status).toBe(403);

      const listed = await http(`${api}/auth/keys`, { key: admin });
      expect(listed.status).toBe(200);
      const fromCli = await lf(dir, ['auth', 'key', 'list', '--json']);
      for (const text of [listed.text, fromCli.stdout]) for (const secret of [admin, viewer, cliKey.key]) expect(text).not.toContain(secret);
      expect(
        fromCli
          .json()
          .keys.map((k: any) => k.name)
          .sort(),
      ).toEqual(['cron', 'dashboard', 'root']);

      // revoked with the CLI while the server runs: refused by the server on the next request
      const revoked = await lf(dir, ['auth', 'key', 'revoke', String(cliKey.id), '--json']);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.json().revoked_at).not.toBeNull();
      const refused = await http(`${api}/runs`, { key: cliKey.key });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('E_UNAUTHORIZED');
      // revoked through the API
      expect((await http(`${api}/auth/keys/${made.body.id}`, { method: 'DELETE', key: admin })).status).toBe(200);
      expect((await http(`${api}/runs`, { key: viewer })).status).toBe(401);
      const after = (await lfJson(dir, ['auth', 'key', 'list'])).keys as any[];
      expect(
        after
          .filter((k) => k.revoked_at !== null)
          .map((k) => k.name)
          .sort(),
      ).toEqual(['cron', 'dashboard']);
      expect((await http(`${api}/runs`, { key: admin })).status).toBe(200);
    },
    STEP_MS,
  );

  it(
    '[17.5.5] prices: a new period set with the CLI, seen by the API and audited; a simulation costs tickets × C(k,5) × that price',
    async () => {
      const set = await lfJson(dir, ['finance', 'prices', 'set', '--from', '2025-11-04', '--price', '4.00', '--note', 'journey']);
      expect(set.change).toMatchObject({ from_date: '2025-11-04', new_price_cents: 400, note: 'journey' });
      const overApi = await http(`${api}/prices`, { key: admin });
      expect(overApi.status).toBe(200);
      expect(overApi.body.items.find((p: any) => p.from === '2025-11-04')).toMatchObject({ price_cents: 400, to: null });
      expect(overApi.body.items.find((p: any) => p.from === '2025-07-09')).toMatchObject({ price_cents: 300, to: '2025-11-03' });
      const history = (await lfJson(dir, ['finance', 'prices', 'history'])).changes as any[];
      expect(history.at(-1)).toMatchObject({ from_date: '2025-11-04', new_price_cents: 400 });
      // a second period through the API, from an admin only
      const viewer = (await lfJson(dir, ['auth', 'key', 'create', '--name', 'reader', '--role', 'viewer'])).key;
      expect((await http(`${api}/prices`, { key: viewer, body: { from: '2025-11-12', price_cents: 450 } })).status).toBe(403);
      const posted = await http(`${api}/prices`, { key: admin, body: { from: '2025-11-12', price_cents: 450, note: 'api' } });
      expect(posted.status, posted.text).toBe(201);

      // The price table as set here: 3.00 from 2025-07-09, 4.00 from 2025-11-04, 4.50 from 2025-11-12;
      // a bet is priced on the day before its draw.
      const priceOn = (day: string) => (day >= '2025-11-12' ? 450 : day >= '2025-11-04' ? 400 : 300);
      const recipe = join(dir, 'six.json');
      writeFileSync(recipe, JSON.stringify({ version: '2', name: 'six', strategy: 'random', tickets: 3, numbers_per_ticket: 6, history: 20, seed: 8 }));
      const run = await lfJson(dir, ['simulate', '--recipe', recipe, '--from', '6860', '--to', '6882']);
      const draws = (await lfJson(dir, ['draws', 'list', '--from', '6860', '--to', '6882'])).draws as Array<{ date: string }>;
      expect(draws).toHaveLength(23);
      let cost = 0n;
      const used = new Set<number>();
      for (const d of draws) {
        const dayBefore = new Date(Date.parse(`${d.date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        used.add(priceOn(dayBefore));
        cost += 3n * binom(6, 5) * BigInt(priceOn(dayBefore));
      }
      expect([...used].sort()).toEqual([300, 400, 450]);
      expect(BigInt(run.finance.cost_cents)).toBe(cost);
      expect(run.finance.net_cents).toBe(run.finance.prize_cents - run.finance.cost_cents);
      // the same figure over HTTP
      expect((await http(`${api}/runs/${run.run_id}`, { key: admin })).body.finance.cost_cents).toBe(Number(cost));
      // the price of a ledger bet follows the same table
      const bet = await lfJson(dir, ['ledger', 'add', 'bet', '--contest', '6880', '--tickets', '2', '--numbers', '7']);
      expect(bet.entry.amount_cents).toBe(-Number(2n * binom(7, 5) * BigInt(priceOn(bet.price_date))));
    },
    STEP_MS,
  );

  it(
    '[17.5.5] backup, change, restore: the change is gone and the digest equals the backup’s; --rollback brings the change back',
    async () => {
      expect(await server!.stop()).toBe(0);
      server = undefined;
      const digest = async () => (await lfJson(dir, ['maintain', 'digest'])).files;
      const backedUp = await digest();
      const backup = await lfJson(dir, ['maintain', 'backup', join(dir, 'backups')]);
      const runs = async () => ((await lfJson(dir, ['runs', 'list', '--limit', '0'])).runs as any[]).map((r) => r.run_id).sort();
      const runsBefore = await runs();
      expect(runsBefore).toHaveLength(1);
      const balanceBefore = (await lfJson(dir, ['ledger', 'balance', '--date', '2026-01-01'])).balance_cents;

      // the change: a deposit, a new key, a price, a run deleted
      await lfJson(dir, ['ledger', 'add', 'deposit', '--amount', '1000', '--date', '2025-11-20']);
      await lfJson(dir, ['auth', 'key', 'create', '--name', 'late', '--role', 'viewer']);
      await lfJson(dir, ['finance', 'prices', 'set', '--from', '2025-12-01', '--price', '5.00']);
      expect((await lf(dir, ['runs', 'delete', runsBefore[0]])).code).toBe(0);
      const changed = await digest();
      expect(changed).not.toEqual(backedUp);
      expect((await lfJson(dir, ['ledger', 'balance', '--date', '2026-01-01'])).balance_cents).toBe(balanceBefore + 100_000);

      const restored = await lf(dir, ['maintain', 'restore', backup.dir, '--json']);
      expect(restored.code, restored.stderr).toBe(0);
      expect(await digest()).toEqual(backedUp);
      expect(await runs()).toEqual(runsBefore);
      expect((await lfJson(dir, ['ledger', 'balance', '--date', '2026-01-01'])).balance_cents).toBe(balanceBefore);
      expect(((await lfJson(dir, ['auth', 'key', 'list'])).keys as any[]).map((k) => k.name)).not.toContain('late');
      expect(((await lfJson(dir, ['finance', 'prices', 'list'])).prices as any[]).map((p) => p.from)).not.toContain('2025-12-01');
      const check = await lf(dir, ['ledger', 'check', '--json']);
      expect(check.code, check.stderr).toBe(0);

      const back = await lf(dir, ['maintain', 'restore', '--rollback', '--json']);
      expect(back.code, back.stderr).toBe(0);
      expect(await digest()).toEqual(changed);
    },
    STEP_MS,
  );
});
