/**
 * `GET /dashboard`: one summary document of the draws, runs, books and job queue. The best run
 * by mean hits is shown with its exact baseline, its p-value, the same p-value corrected for
 * having picked the best of many runs, and the reminder that it is noise unless a holdout range
 * confirms it. Served from a cache keyed by the catalog's data version (any write, here or by
 * another process, rebuilds it) and by the day (budget statuses depend on it).
 */
import { z } from 'zod';
import { budgetJson } from '../../core/finance/books-json.js';
import { buildLedgerReport } from '../../core/finance/report.js';
import { expectedHits } from '../../core/odds.js';
import { readRunReport } from '../../engine/runs.js';
import { readClock } from '../../clock.js';
import { readBudgetViews } from '../../store/budgets-repo.js';
import { readDrawBounds } from '../../store/draws-repo.js';
import { countJobs } from '../../store/jobs-repo.js';
import { readBalance, readEntries } from '../../store/ledger-repo.js';
import { RUN_STATUSES, type RunRow, countRunsByStatus, listRuns, runLivenessStamp } from '../../store/runs-repo.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS } from '../error-envelope.js';
import { ResponseCache } from '../response-cache.js';
import { BudgetSchema } from '../books-schemas.js';

const BUDGET_STATUSES = ['upcoming', 'active', 'exhausted', 'expired'] as const;

/** Said of the best run whatever its numbers: choosing the best of many is choosing the luckiest. */
export const BEST_RUN_CAVEAT =
  'The best of many runs is the luckiest of them: treat its figures as noise unless a fresh holdout range, chosen before looking, shows them again.';

const LatestRunSchema = z.object({
  run_id: z.string(),
  name: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  strategy: z.string(),
  first_contest: z.int(),
  last_contest: z.int(),
  contests_done: z.int(),
  mean_hits: z.number().nullable(),
  p_value: z.number().nullable(),
  roi_pct: z.number().nullable(),
  created_at: z.string(),
});

const count = z.int();

export const DashboardSchema = z
  .object({
    draws: z.object({
      count,
      first_contest: z.int().nullable(),
      last_contest: z.int().nullable(),
      last_date: z.string().nullable(),
      synthetic: z.boolean().meta({ description: 'true when any stored draw is synthetic sample data, not an official result' }),
      synthetic_count: count,
    }),
    runs: z.object({
      count,
      by_status: z.object(Object.fromEntries(RUN_STATUSES.map((s) => [s, count])) as Record<(typeof RUN_STATUSES)[number], typeof count>),
      latest: z.array(LatestRunSchema),
      best: z
        .object({
          run_id: z.string(),
          name: z.string().nullable(),
          strategy: z.string(),
          numbers_per_ticket: z.int(),
          contests: z.int(),
          tickets: z.int(),
          mean_hits: z.number(),
          expected_mean_hits: z.number().meta({ description: 'exact expectation under uniform draws: 5k/80' }),
          p_value: z.number().nullable().meta({ description: 'two-sided, this run alone' }),
          p_value_best_of: z.number().nullable().meta({ description: 'Šidák-corrected for picking the best of `completed_runs`: 1-(1-p)^n' }),
          completed_runs: count,
          sentence: z.string().nullable().meta({ description: "the run report's own sentence on its mean hits" }),
          caveat: z.string(),
        })
        .nullable()
        .meta({ description: 'the completed run with the highest mean hits' }),
    }),
    ledger: z.object({
      entries: count,
      balance_cents: z.int(),
      invested_cents: z.int(),
      won_cents: z.int(),
      net_cents: z.int(),
      roi_pct: z.number().nullable(),
    }),
    budgets: z.object({
      count,
      by_status: z.object(Object.fromEntries(BUDGET_STATUSES.map((s) => [s, count])) as Record<(typeof BUDGET_STATUSES)[number], typeof count>),
      items: z.array(BudgetSchema),
    }),
    jobs: z.object({ queue_depth: count, running: count }),
  })
  .meta({ id: 'Dashboard', description: 'Draws, runs (the best one with its baseline), books and job queue in one document.' });

type Dashboard = z.infer<typeof DashboardSchema>;

function latestJson(r: RunRow): z.infer<typeof LatestRunSchema> {
  return {
    run_id: r.run_id,
    name: r.name,
    status: r.status,
    strategy: r.strategy,
    first_contest: r.first_contest,
    last_contest: r.last_contest,
    contests_done: r.contests_done,
    mean_hits: r.mean_hits,
    p_value: r.p_value,
    roi_pct: r.roi_pct,
    created_at: r.created_at,
  };
}

const dashboardRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const db = ctx.catalog.db;
  const cache = new ResponseCache(db, 8);

  const build = (today: string): Dashboard => {
    const bounds = readDrawBounds(db);
    const byStatus: Dashboard['runs']['by_status'] = countRunsByStatus(db);
    const completed = byStatus.completed;
    const top = listRuns(db, { status: 'completed', order_by: 'mean_hits', desc: true, limit: 1 })[0];
    let best: Dashboard['runs']['best'] = null;
    if (top && top.mean_hits !== null) {
      let sentence: string | null = null;
      try {
        sentence = readRunReport(ctx.catalog, top.run_id)?.summary.baseline?.figures.mean_hits.sentence ?? null;
      } catch {
        // A missing or unreadable run file leaves the sentence out; `maintain` reports the file.
      }
      best = {
        run_id: top.run_id,
        name: top.name,
        strategy: top.strategy,
        numbers_per_ticket: top.numbers_per_ticket,
        contests: top.contests_done,
        tickets: top.tickets,
        mean_hits: top.mean_hits,
        expected_mean_hits: expectedHits(top.numbers_per_ticket),
        p_value: top.p_value,
        p_value_best_of: top.p_value === null ? null : 1 - (1 - top.p_value) ** Math.max(1, completed),
        completed_runs: completed,
        sentence,
        caveat: BEST_RUN_CAVEAT,
      };
    }
    const entries = readEntries(db);
    const total = buildLedgerReport(entries, 'month').total;
    const budgets = readBudgetViews(db, today);
    return {
      draws: {
        count: bounds.count,
        first_contest: bounds.first_contest,
        last_contest: bounds.last_contest,
        last_date: bounds.last_date,
        synthetic: bounds.synthetic > 0,
        synthetic_count: bounds.synthetic,
      },
      runs: {
        count: Object.values(byStatus).reduce((a, n) => a + n, 0),
        by_status: byStatus,
        latest: listRuns(db, { limit: 5 }).map(latestJson),
        best,
      },
      ledger: {
        entries: entries.length,
        balance_cents: readBalance(db),
        invested_cents: total.invested_cents,
        won_cents: total.won_cents,
        net_cents: total.net_cents,
        roi_pct: total.roi_pct,
      },
      budgets: {
        count: budgets.length,
        by_status: Object.fromEntries(BUDGET_STATUSES.map((s) => [s, budgets.filter((b) => b.status === s).length])) as Dashboard['budgets']['by_status'],
        items: budgets.map(budgetJson),
      },
      jobs: { queue_depth: countJobs(db, 'pending'), running: countJobs(db, 'running') },
    };
  };

  app.get(
    '/dashboard',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: { summary: 'Draws, runs, books and job queue in one document', tags: ['dashboard'], response: { 200: DashboardSchema, ...COMMON_ERRORS } },
    },
    (_request, reply) => {
      const today = readClock(new Date(ctx.now())).today;
      ResponseCache.send(reply, cache.get(`dashboard|${today}|${runLivenessStamp(db)}`, DashboardSchema, () => build(today)));
    },
  );
  done();
};

export default dashboardRoutes;
