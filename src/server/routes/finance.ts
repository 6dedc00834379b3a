/**
 * Prices and money analysis: `GET /prices` (the base-price table), `POST /prices` (admin: add a
 * period or change one, audited), `GET /prices/history`, `GET /finance/roi` (each run's simulated
 * ROI next to the house-edge expectation and the real money linked to it) and
 * `GET /finance/prizes/{contest}`: the same use cases and documents as `luckyfive finance ... --json`
 * (`src/usecases/finance.ts`).
 */
import { z } from 'zod';
import { MAX_MONEY_CENTS } from '../../core/finance/money.js';
import { PAYOUT_RULES } from '../../core/finance/prizes.js';
import { readClock } from '../../clock.js';
import { analyzeRoi, listPriceChanges, listPrices, setPrice, showPrizeTable } from '../../usecases/finance.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { RunIdParam } from './runs.js';
import { ContestParam, IsoDateField, TextField, bodyInt } from '../schemas.js';

const PriceRowSchema = z
  .object({ from: z.string(), to: z.string().nullable(), price_cents: z.int(), note: z.string().nullable(), first_contest: z.int().nullable() })
  .meta({ id: 'PricePeriod', description: 'Base price of a 5-number bet from a date; `to` is null for the current price.' });

const PriceChangeSchema = z
  .object({
    id: z.int(),
    changed_at: z.string(),
    from_date: z.string(),
    old_price_cents: z.int().nullable(),
    new_price_cents: z.int(),
    note: z.string().nullable(),
  })
  .meta({ id: 'PriceChange' });

const Real = z.object({
  bets: z.int(),
  tickets: z.int(),
  invested_cents: z.int(),
  won_cents: z.int(),
  net_cents: z.int(),
  roi_pct: z.number().nullable(),
  expected_won_cents: z.int(),
  expected_roi_pct: z.number().nullable(),
});

const RoiSchema = z
  .object({
    payout_rule: z.enum(PAYOUT_RULES),
    ev_rule: z.string(),
    runs: z.array(
      z.object({
        run_id: z.string(),
        name: z.string().nullable(),
        status: z.string(),
        synthetic: z.boolean(),
        first_contest: z.int(),
        last_contest: z.int(),
        numbers_per_ticket: z.int(),
        tickets: z.int(),
        simulated: z.object({ cost_cents: z.int().nullable(), prize_cents: z.int().nullable(), net_cents: z.int().nullable(), roi_pct: z.number().nullable() }),
        expected: z.object({ ev_per_ticket_cents: z.int(), cost_per_ticket_cents: z.int(), roi_pct: z.number(), roi_se_pct: z.number().nullable() }),
        simulated_z: z.number().nullable(),
        real: Real,
      }),
    ),
    ledger: Real,
    verdict: z.string(),
  })
  .meta({ id: 'RoiAnalysis', description: 'Simulated ROI per run beside the house-edge expectation and its standard error, and what real money did.' });

const PrizeTableSchema = z
  .object({
    contest: z.int(),
    date: z.string().nullable(),
    status: z.enum(['drawn', 'future']),
    currency: z.enum(['BRL', 'CRR']),
    in_money_era: z.boolean(),
    tiers: z.array(
      z.object({
        tier: z.string(),
        hits: z.int(),
        pays: z.boolean(),
        winners: z.int().nullable(),
        published_prize_cents: z.int().nullable(),
        prize_cents: z.int(),
        estimated: z.boolean(),
        source: z.string(),
      }),
    ),
    rules: z.record(z.string(), z.string()),
    payout_rule: z.enum(PAYOUT_RULES),
    base_price_cents: z.int(),
    price_date: z.string(),
  })
  .meta({ id: 'PrizeTable' });

/** At most this many `run_id` parameters in one ROI request. */
const MAX_ROI_RUNS = 100;

const financeRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const catalog = ctx.catalog;
  /** what a use case needs, with the time read once per request */
  const deps = () => ({ catalog, clock: readClock(new Date(ctx.now())) });

  app.get(
    '/prices',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Price periods with their first imported contest',
        tags: ['books'],
        response: { 200: z.object({ items: z.array(PriceRowSchema) }), ...COMMON_ERRORS },
      },
    },
    () => ({ items: listPrices({ catalog }).prices }),
  );

  app.post(
    '/prices',
    {
      config: { role: 'admin', rateClass: 'write' },
      schema: {
        summary: 'Add a price period, or change the price of the period starting on exactly that date (audited)',
        tags: ['books'],
        body: z.strictObject({
          from: IsoDateField.meta({ description: 'first day of the price' }),
          price_cents: bodyInt(1, MAX_MONEY_CENTS).meta({ description: 'base price of a 5-number bet' }),
          note: TextField.optional().meta({ description: 'source or reason' }),
        }),
        response: { 201: z.object({ change: PriceChangeSchema }), ...COMMON_ERRORS, ...errorResponses(413) },
      },
    },
    (request, reply) => {
      const doc = setPrice(deps(), request.body);
      request.log.info({ from: doc.change.from_date, price_cents: doc.change.new_price_cents, by: request.principal?.id }, 'price changed');
      reply.code(201);
      return doc;
    },
  );

  app.get(
    '/prices/history',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Every change to the price table, oldest first',
        tags: ['books'],
        response: { 200: z.object({ items: z.array(PriceChangeSchema) }), ...COMMON_ERRORS },
      },
    },
    () => ({ items: listPriceChanges({ catalog }).changes }),
  );

  app.get(
    '/finance/roi',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Simulated ROI of runs next to the house-edge expectation, and the real money linked to them',
        tags: ['books'],
        querystring: z.strictObject({
          run_id: z
            .union([RunIdParam, z.array(RunIdParam).max(MAX_ROI_RUNS)])
            .optional()
            .meta({ description: `these runs (repeat the parameter, at most ${MAX_ROI_RUNS}); default every completed run` }),
        }),
        response: { 200: RoiSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => {
      const q = request.query.run_id;
      return analyzeRoi({ catalog }, { run_ids: q === undefined ? [] : typeof q === 'string' ? [q] : q });
    },
  );

  app.get(
    '/finance/prizes/:contest',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: "A contest's prizes per tier, net per winning ticket, estimates marked",
        tags: ['books'],
        params: z.strictObject({ contest: ContestParam }),
        response: { 200: PrizeTableSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => showPrizeTable(deps(), { contest: request.params.contest }),
  );
  done();
};

export default financeRoutes;
