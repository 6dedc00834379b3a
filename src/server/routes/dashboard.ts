/**
 * `GET /dashboard`: one summary document of the draws, runs, books and job queue. The best run
 * by mean hits is shown with its exact baseline, its p-value, the same p-value corrected for
 * having picked the best of many runs, and the reminder that it is noise unless a holdout range
 * confirms it. Served from a cache keyed by the catalog's data version (any write, here or by
 * another process, rebuilds it) and by the day (budget statuses depend on it).
 */
import { z } from 'zod';
import { readClock } from '../../clock.js';
import { RUN_STATUSES } from '../../core/run-columns.js';
import { BUDGET_STATUSES, dashboardCacheKey, readDashboard } from '../../usecases/dashboard.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS } from '../error-envelope.js';
import { ResponseCache } from '../response-cache.js';
import { BudgetSchema } from '../books-schemas.js';

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

const dashboardRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const cache = new ResponseCache(ctx.catalog.db, 8);

  app.get(
    '/dashboard',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: { summary: 'Draws, runs, books and job queue in one document', tags: ['dashboard'], response: { 200: DashboardSchema, ...COMMON_ERRORS } },
    },
    (_request, reply) => {
      const deps = { catalog: ctx.catalog, clock: readClock(new Date(ctx.now())) };
      ResponseCache.send(
        reply,
        cache.get(dashboardCacheKey(deps), DashboardSchema, () => readDashboard(deps)),
      );
    },
  );
  done();
};

export default dashboardRoutes;
