/**
 * Prices and money analysis: `GET /prices` (the base-price table), `POST /prices` (admin: add a
 * period or change one, audited), `GET /prices/history`, `GET /finance/roi` (each run's simulated
 * ROI next to the house-edge expectation and the real money linked to it) and
 * `GET /finance/prizes/{contest}`: the same documents as `luckyfive finance ... --json`.
 */
import { z } from 'zod';
import { EV_RULE } from '../../core/finance/ev.js';
import type { LedgerEntry } from '../../core/finance/ledger.js';
import { MAX_MONEY_CENTS } from '../../core/finance/money.js';
import { buildPrizeTable } from '../../core/finance/prize-table.js';
import { PAYOUT_RULES } from '../../core/finance/prizes.js';
import { buildRealMoney, buildRoiRow, buildRoiVerdict } from '../../core/finance/roi.js';
import { LuckyError } from '../../errors.js';
import { readClock } from '../../clock.js';
import { getDraw, readDrawBounds } from '../../store/draws-repo.js';
import { readEntries } from '../../store/ledger-repo.js';
import { readBasePriceOn, readContestPrice, readPayoutRule, readPriceChanges, readPriceRows, readPriceTable, writePrice } from '../../store/prices-repo.js';
import { readDrawDates, readRoiRuns } from '../../store/roi-repo.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { RunIdParam } from './runs.js';
import { ContestParam, IsoDateField, TextField, bodyInt } from '../schemas.js';

const PriceRowSchema = z
  .object({ from: z.string(), to: z.string().nullable(), price_cents: z.int(), note: z.string().nullable(), first_contest: z.int().nullable() })
  .meta({ id: 'PricePeriod', description: 'Base price of a 5-number bet from a date; `to` is null for the current price.' });

const PriceChangeSchema = z
  .object({ id: z.int(), changed_at: z.string(), from_date: z.string(), old_price_cents: z.int().nullable(), new_price_cents: z.int(), note: z.string().nullable() })
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
  const db = ctx.catalog.db;
  const clock = () => readClock(new Date(ctx.now()));

  app.get(
    '/prices',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: { summary: 'Price periods with their first imported contest', tags: ['books'], response: { 200: z.object({ items: z.array(PriceRowSchema) }), ...COMMON_ERRORS } },
    },
    () => ({ items: readPriceRows(db) }),
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
      const change = writePrice(db, request.body.from, request.body.price_cents, request.body.note ?? null, clock().now);
      request.log.info({ from: change.from_date, price_cents: change.new_price_cents, by: request.principal?.id }, 'price changed');
      reply.code(201);
      return { change };
    },
  );

  app.get(
    '/prices/history',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: { summary: 'Every change to the price table, oldest first', tags: ['books'], response: { 200: z.object({ items: z.array(PriceChangeSchema) }), ...COMMON_ERRORS } },
    },
    () => ({ items: readPriceChanges(db) }),
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
      const ids = q === undefined ? [] : typeof q === 'string' ? [q] : q;
      const rule = readPayoutRule(db);
      const prices = readPriceTable(db);
      const runs = readRoiRuns(db, ids);
      // Three queries whatever the number of runs: every entry and every draw date once.
      const entries = readEntries(db);
      const byRun = new Map<string, LedgerEntry[]>();
      for (const e of entries) {
        if (e.run_id === null) continue;
        const list = byRun.get(e.run_id);
        if (list) list.push(e);
        else byRun.set(e.run_id, [e]);
      }
      const lo = Math.min(...runs.map((r) => r.first_contest));
      const hi = Math.max(...runs.map((r) => r.last_contest));
      const allDates = runs.length ? readDrawDates(db, lo, hi) : new Map<number, string>();
      const rows = runs.map((run) => {
        const dates = new Map<number, string>();
        for (let c = run.first_contest; c <= run.last_contest; c++) if (allDates.has(c)) dates.set(c, allDates.get(c)!);
        return buildRoiRow(run, byRun.get(run.run_id) ?? [], dates, prices, rule);
      });
      const ledger = buildRealMoney(entries, rule);
      return { payout_rule: rule, ev_rule: EV_RULE, runs: rows, ledger, verdict: buildRoiVerdict(rows, ledger) };
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
    (request) => {
      const contest = request.params.contest;
      const draw = getDraw(db, contest);
      if (!draw && contest <= (readDrawBounds(db).last_contest ?? 0)) throw new LuckyError('E_NOT_FOUND', `contest ${contest} is not imported (a gap in the catalog)`);
      const table = buildPrizeTable(contest, draw ?? null);
      const priceDate = table.date ?? clock().today;
      return { ...table, payout_rule: readPayoutRule(db), base_price_cents: table.date !== null ? readContestPrice(db, table.date) : readBasePriceOn(db, priceDate), price_date: priceDate };
    },
  );
  done();
};

export default financeRoutes;
