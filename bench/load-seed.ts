/**
 * The catalog the HTTP load scripts serve: synthetic draws, index rows shaped like real runs,
 * and (for the staged-users test) real runs, one API key and one dashboard session per virtual user.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiKey } from '../src/auth/api-keys.js';
import { readServerSecret } from '../src/auth/server-secret.js';
import { readClock } from '../src/clock.js';
import { buildConfig } from '../src/config.js';
import { openCatalog } from '../src/store/catalog.js';
import type { Db } from '../src/store/sqlite.js';
import { startWebSession } from '../src/usecases/web-sessions.js';
import { cli } from '../test/helpers/cli.js';
import { insertSyntheticDraws } from '../test/helpers/server-draws.js';

/** Index rows shaped like real runs (recipe, metrics, money), without their files: GET /runs reads only the index. */
export function seedRuns(db: Db, count: number): void {
  const recipe = JSON.stringify({ version: '2', name: 'bench', strategy: 'random', tickets: 10, numbers_per_ticket: 5, history: 100, seed: 1, params: {} });
  const ins = db.prepare(
    `INSERT INTO runs (run_id, name, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, dataset_hash, engine_version,
      first_contest, last_contest, status, contests_planned, contests_done, tickets, mean_hits, rate_2, rate_3, rate_4, rate_5, best_2plus, best_3plus,
      best_4plus, p_value, cost_cents, prize_cents, net_cents, roi_pct, max_drawdown_cents, win_rate, synthetic, file, created_at, started_at, finished_at)
     VALUES (@id, @name, @hash, @recipe, 'random', 1, 5, 10, @hash, 'luckyfive-engine/1', 1001, 1100, 'completed', 100, 100, 1000, @mean, 0.03, 0.002, 0.0001, 0,
      0.25, 0.02, 0.001, @p, 200000, @prize, @net, @roi, 150000, 0.2, 1, @file, @at, @at, @at)`,
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `20260101-${String(i).padStart(6, '0')}-bench0`;
      const prize = 40_000 + i * 1_000;
      ins.run({
        id,
        name: `bench ${i}`,
        hash: i.toString(16).padStart(64, '0'),
        recipe,
        mean: 0.3 + (i % 7) / 200,
        p: (i % 10) / 10,
        prize,
        net: prize - 200_000,
        roi: ((prize - 200_000) / 200_000) * 100,
        file: `runs/${id}.sqlite`,
        at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      });
    }
  })();
}

/** A virtual user's credentials: its own analyst key, and a dashboard session opened for that key. */
export interface UserCredentials {
  key: string;
  session: string;
}

export interface SeededCatalog {
  /** runs that have their file (completed through `luckyfive simulate`) */
  realRuns: string[];
  users: UserCredentials[];
}

/**
 * Fills `dir` with `draws` synthetic draws, `indexRuns` index rows, `realRuns` real runs of 20
 * contests (the `random` strategy, 10 tickets, through the CLI), and `users` analyst keys
 * (`createApiKey`), each with a dashboard session (`startWebSession`, as the sign-in form does).
 */
export async function seedCatalog(dir: string, opts: { draws: number; indexRuns: number; realRuns: number; users: number }): Promise<SeededCatalog> {
  const catalog = openCatalog(dir);
  try {
    insertSyntheticDraws(catalog.db, opts.draws);
    seedRuns(catalog.db, opts.indexRuns);
  } finally {
    catalog.close();
  }
  const recipe = join(dir, 'load-random.json');
  writeFileSync(recipe, JSON.stringify({ version: '2', name: 'load random', strategy: 'random', tickets: 10, seed: 1 }));
  const realRuns: string[] = [];
  for (let i = 1; i <= opts.realRuns; i++) {
    const r = await cli(['simulate', '--recipe', recipe, '--last', '20', '--seed', String(i), '--name', `load ${i}`, '--json'], { dataDir: dir });
    if (r.code !== 0) throw new Error(`luckyfive simulate exited ${r.code}: ${r.stderr}`);
    realRuns.push(r.json<{ run_id: string }>().run_id);
  }
  const again = openCatalog(dir);
  try {
    const config = buildConfig({ flags: { data_dir: dir }, env: {}, file: undefined }, dir).values;
    const secret = readServerSecret(again.db, undefined);
    const clock = readClock();
    const users: UserCredentials[] = [];
    again.db.transaction(() => {
      for (let i = 0; i < opts.users; i++) {
        const { key, record } = createApiKey(again.db, secret, { name: `load user ${i}`, role: 'analyst' }, Date.now());
        const { session_id } = startWebSession(
          { catalog: again, config, clock },
          { principal_id: `key:${record.id}`, kind: 'api_key', key_id: record.id, role: 'analyst', subject: record.name },
        );
        users.push({ key, session: session_id });
      }
    })();
    return { realRuns, users };
  } finally {
    again.close();
  }
}
