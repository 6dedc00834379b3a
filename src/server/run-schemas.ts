/**
 * Response schemas for runs: the index row (as `runs list --json` prints it), the full report
 * (as `simulate --json` and `runs show --json` print it) and one contest of a run. Statistics
 * are nullable: a run cancelled before its first contest has nothing to compute them from, and
 * JSON has no NaN.
 */
import { relative } from 'node:path';
import { z } from 'zod';
import type { RunReport } from '../engine/simulate.js';
import { RUN_STATUSES } from '../core/run-columns.js';

const stat = z.number().nullable();

export const RecipeObjectSchema = z
  .record(z.string(), z.unknown())
  .meta({ id: 'Recipe', description: 'A recipe (version 2); see recipes/recipe.schema.json for its fields.' });

export const RunSchema = z
  .object({
    run_id: z.string(),
    name: z.string().nullable(),
    sweep_id: z.string().nullable(),
    recipe_hash: z.string(),
    strategy: z.string(),
    seed: z.int(),
    numbers_per_ticket: z.int(),
    tickets_per_contest: z.int(),
    dataset_hash: z.string().nullable(),
    engine_version: z.string(),
    first_contest: z.int(),
    last_contest: z.int(),
    status: z.enum(RUN_STATUSES),
    contests_planned: z.int(),
    contests_done: z.int(),
    tickets: z.int(),
    mean_hits: stat,
    rate_2: stat,
    rate_3: stat,
    rate_4: stat,
    rate_5: stat,
    best_2plus: stat,
    best_3plus: stat,
    best_4plus: stat,
    p_value: stat,
    cost_cents: z.int().nullable(),
    prize_cents: z.int().nullable(),
    net_cents: z.int().nullable(),
    roi_pct: stat,
    max_drawdown_cents: z.int().nullable(),
    win_rate: stat,
    file: z.string().meta({ description: 'the run file, relative to the data dir' }),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    error: z.string().nullable(),
    synthetic_data: z.boolean(),
    recipe: RecipeObjectSchema,
  })
  .meta({ id: 'Run', description: 'A run as the run index holds it: headline metrics, money in centavos.' });

const FigureSchema = z.object({
  label: z.string(),
  trials: z.int(),
  observed: stat,
  expected: stat,
  observed_count: z.number().nullable(),
  expected_count: z.number().nullable(),
  ci95: z.array(stat),
  p_value: stat,
  p_adjusted: stat,
  min_detectable_lift: stat,
  too_short: z.boolean(),
  sentence: z.string(),
  null_model: z.enum(['tickets-exact', 'tickets-monte-carlo', 'independent-tickets']).optional().meta({
    description:
      "best-of figures: the expectation is the law of a uniform draw for each contest's actual tickets (exact, or partly sampled), or the independent-tickets formula when the tickets are unknown",
  }),
  expected_mc_sd: z
    .number()
    .optional()
    .meta({ description: 'best-of figures: standard deviation of the expected count due to Monte Carlo sampling (0 when exact)' }),
  design_effect: z.number().optional().meta({
    description:
      "per-ticket figures: the exact null variance of the count for the run's actual tickets over that of independent tickets (above 1: the tickets share numbers and their hits move together, which the p-value counts); absent when the tickets are unknown",
  }),
});

const FIGURES = ['mean_hits', 'tickets_2plus', 'tickets_3plus', 'tickets_4plus', 'tickets_5', 'best_2plus', 'best_3plus', 'best_4plus'] as const;

export const BaselineSchema = z
  .object({
    numbers_per_ticket: z.int(),
    tickets: z.int(),
    contests: z.int(),
    tickets_per_contest: z.int(),
    distribution: z.array(z.object({ hits: z.int(), observed: z.number(), expected: stat, probability: stat })),
    figures: z.object(Object.fromEntries(FIGURES.map((f) => [f, FigureSchema])) as Record<(typeof FIGURES)[number], typeof FigureSchema>),
    null_variances: z
      .object({ total_hits: z.number(), total_hits_k3: z.number(), exactly: z.object({ 2: z.number(), 3: z.number(), 4: z.number(), 5: z.number() }) })
      .optional()
      .meta({
        description:
          "exact null moments for the run's actual tickets: the variance and third central moment of the total hits, the variance of the tickets with exactly h hits",
      }),
    too_short: z.boolean(),
    verdict: z.string(),
  })
  .meta({ id: 'Baseline', description: 'Every figure next to its exact expectation under uniform draws, with a p-value and a plain sentence.' });

const AtLeast = z.object({ 2: z.int(), 3: z.int(), 4: z.int(), 5: z.int() });

export const RunReportSchema = z
  .object({
    run_id: z.string(),
    file: z.string().meta({ description: 'the run file, relative to the data dir' }),
    status: z.enum(RUN_STATUSES),
    name: z.string().nullable(),
    recipe_hash: z.string(),
    strategy: z.string(),
    seed: z.int(),
    first_contest: z.int(),
    last_contest: z.int(),
    missing_contests: z.array(z.int()),
    short_history_contests: z.array(z.int()),
    synthetic_data: z.boolean(),
    dataset_hash: z.string(),
    engine_version: z.string(),
    contests: z.int(),
    tickets: z.int(),
    summary: z.object({
      tickets_per_contest: z.int(),
      numbers_per_ticket: z.int(),
      hit_distribution: z.array(z.int()),
      mean_hits: stat,
      rates: z.object({ rate_2: stat, rate_3: stat, rate_4: stat, rate_5: stat }),
      best_hits_at_least: AtLeast,
      best_rates: z.object({ best_2plus: stat, best_3plus: stat, best_4plus: stat }),
      baseline: BaselineSchema.nullable(),
    }),
    finance: z.object({
      cost_cents: z.int(),
      prize_cents: z.int(),
      net_cents: z.int(),
      roi_pct: stat,
      break_even_contest: z.int().nullable(),
      max_drawdown_cents: z.int(),
      best_prize: z.object({ contest: z.int(), prize_cents: z.int() }).nullable(),
      win_rate: stat,
      prizes_estimated: z.boolean(),
      contests_outside_money_era: z.int(),
    }),
  })
  .meta({ id: 'RunReport', description: 'A run report, as `luckyfive simulate --json` prints it.' });

export const ContestResultSchema = z
  .object({
    contest: z.int(),
    draw_date: z.string(),
    draw: z.array(z.int()),
    best_hits: z.int(),
    best_ticket: z.int().meta({ description: '0-based index of the first ticket with the most hits' }),
    best_numbers: z.array(z.int()).nullable(),
    hits_histogram: z.array(z.int()).meta({ description: 'tickets with 0..5 hits' }),
    cost_cents: z.int(),
    prize_cents: z.int(),
    prize_estimated: z.boolean(),
  })
  .meta({ id: 'ContestResult' });

/**
 * A report for the wire: JSON round trip (NaN becomes null, as in the run file) and the run
 * file's path relative to the data dir (the server's own paths are nobody's business).
 */
export function publicReport(report: RunReport, dataDir: string): z.infer<typeof RunReportSchema> {
  const plain = JSON.parse(JSON.stringify(report)) as z.infer<typeof RunReportSchema>;
  return { ...plain, file: relative(dataDir, report.file).split('\\').join('/') };
}
