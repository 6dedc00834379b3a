/**
 * The real ledger over HTTP, through the same store functions as `luckyfive ledger`:
 * `GET /ledger` (filters, keyset pages), `POST /ledger` (bet, prize, deposit, withdrawal or
 * adjustment; idempotent with `idempotency_key` or the `Idempotency-Key` header),
 * `POST /ledger/{id}/reverse`, `POST /ledger/settle`, `GET /ledger/check`, `GET /ledger/report`
 * and `GET /ledger/balance`. Books are append-only: nothing here edits or deletes a row.
 */
import { z } from 'zod';
import { entryJson } from '../../core/finance/books-json.js';
import { ENTRY_TYPES, type NewEntry } from '../../core/finance/ledger.js';
import { GROUP_BYS, buildLedgerReport } from '../../core/finance/report.js';
import { parseTicketList } from '../../core/finance/tickets.js';
import { LuckyError, isLuckyError } from '../../errors.js';
import { readClock } from '../../clock.js';
import { MAX_MONEY_CENTS } from '../../core/finance/money.js';
import { checkBooks, prizeEntry, recordAssertion, recordBet, recordEntry, retractAssertion, reverseEntry, settleContest } from '../../store/books.js';
import { type EntryFilter, readBalance, readEntries } from '../../store/ledger-repo.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { AssertionResultSchema, AssertionSchema, BooksCheckSchema, IdField, LedgerEntrySchema, LedgerReportSchema, NewEntryBodySchema, type NewEntryBody, RecordedSchema, SettleResultSchema } from '../books-schemas.js';
import {
  ContestParam,
  DEFAULT_PAGE,
  IsoDateField,
  IsoDateParam,
  KeyCursorParam,
  LimitParam,
  TextField,
  bodyInt,
  decodeKeyCursor,
  encodeKeyCursor,
  intParam,
  pageSchema,
} from '../schemas.js';

const filters = {
  type: z.enum(ENTRY_TYPES).optional(),
  from: ContestParam.optional().meta({ description: 'first contest' }),
  to: ContestParam.optional().meta({ description: 'last contest' }),
  since: IsoDateParam.optional().meta({ description: 'first entry date' }),
  until: IsoDateParam.optional().meta({ description: 'last entry date' }),
  run_id: IdField.optional().meta({ description: 'only entries linked to this run' }),
};

function entryFilter(q: { type?: EntryFilter['type']; from?: number; to?: number; since?: string; until?: string; run_id?: string }): EntryFilter {
  return { type: q.type, from_contest: q.from, to_contest: q.to, since: q.since, until: q.until, run_id: q.run_id };
}

/** The budget refusal speaks of the CLI flag; over HTTP the switch is a body field. */
function forHttp(e: unknown): unknown {
  if (!isLuckyError(e) || e.code !== 'E_BUDGET_EXCEEDED') return e;
  return new LuckyError(e.code, e.message, e.details.map((d) => (d.startsWith('pass --over-budget') ? 'body.over_budget: true records it anyway' : d)), { cause: e });
}

const IdempotencyHeaders = z.looseObject({
  'idempotency-key': IdField.optional().meta({ description: 'same as body.idempotency_key' }),
});

const ledgerRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const db = ctx.catalog.db;
  const clock = () => readClock(new Date(ctx.now()));

  app.get(
    '/ledger',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Ledger entries, oldest first, one page at a time',
        tags: ['books'],
        querystring: z.strictObject({ ...filters, limit: LimitParam, cursor: KeyCursorParam }),
        response: { 200: pageSchema(LedgerEntrySchema), ...COMMON_ERRORS },
      },
    },
    (request) => {
      const q = request.query;
      const limit = q.limit ?? DEFAULT_PAGE;
      const after = q.cursor === undefined ? undefined : decodeKeyCursor('ledger', q.cursor, ['string', 'number']);
      const rows = readEntries(db, { ...entryFilter(q), limit: limit + 1, after: after && { entry_date: after[0] as string, id: after[1] as number } });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(entryJson), next_cursor: rows.length > limit && last ? encodeKeyCursor('ledger', [last.entry_date, last.id]) : null };
    },
  );

  app.post(
    '/ledger',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: 'Record a bet, prize, deposit, withdrawal or adjustment (201; 200 when the idempotency key was already used for it)',
        tags: ['books'],
        headers: IdempotencyHeaders,
        body: NewEntryBodySchema,
        response: { 200: RecordedSchema, 201: RecordedSchema, ...COMMON_ERRORS, ...errorResponses(409, 413) },
      },
    },
    (request, reply) => {
      const b: NewEntryBody = request.body;
      const header = request.headers['idempotency-key'];
      if (header !== undefined && b.idempotency_key !== undefined && header !== b.idempotency_key) {
        throw new LuckyError('E_INPUT_INVALID', 'invalid request', ['headers.idempotency-key: differs from body.idempotency_key; give one, or the same']);
      }
      const key = b.idempotency_key ?? header;
      const c = clock();
      let result: z.infer<typeof RecordedSchema>;
      try {
        if (b.type === 'bet') {
          const ticketList = b.ticket_numbers === undefined ? undefined : parseTicketList(b.ticket_numbers);
          const r = recordBet(
            db,
            { contest: b.contest, tickets: b.tickets, numbers: b.numbers, cost_cents: b.cost_cents, date: b.date, run_id: b.run_id, key, note: b.note, ticket_list: ticketList },
            c,
            { overBudget: b.over_budget === true },
          );
          result = { status: r.status, entry: entryJson(r.entry), cost_source: r.plan.cost_source, base_price_cents: r.plan.base_price_cents, price_date: r.plan.price_date, run_known: r.run_known };
        } else {
          const entry: NewEntry =
            b.type === 'prize'
              ? prizeEntry(db, { contest: b.contest, tier: b.tier, amount_cents: b.amount_cents, tickets: b.tickets, run_id: b.run_id, date: b.date, key, note: b.note }, c)
              : { entry_date: b.date ?? c.today, type: b.type, amount_cents: b.type === 'withdrawal' ? -b.amount_cents : b.amount_cents, idempotency_key: key ?? null, note: b.note ?? null };
          const r = recordEntry(db, entry, c);
          result = { status: r.status, entry: entryJson(r.entry) };
        }
      } catch (e) {
        throw forHttp(e);
      }
      if (result.status === 'recorded') request.log.info({ entry_id: result.entry.id, type: result.entry.type, by: request.principal?.id }, 'ledger entry recorded');
      reply.code(result.status === 'recorded' ? 201 : 200);
      return result;
    },
  );

  app.post(
    '/ledger/:id/reverse',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: 'Cancel an entry by appending its reversal (the only correction the books allow)',
        tags: ['books'],
        params: z.strictObject({ id: intParam(1, 2_147_483_647, 'an entry id') }),
        body: z.strictObject({ reason: TextField.meta({ description: 'why the entry is wrong' }), date: IsoDateField.optional().meta({ description: 'date of the reversal (default today)' }) }),
        response: { 201: RecordedSchema, ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    (request, reply) => {
      const r = reverseEntry(db, request.params.id, request.body.reason, clock(), request.body.date);
      request.log.info({ entry_id: r.entry.id, reverses: request.params.id, by: request.principal?.id }, 'ledger entry reversed');
      reply.code(201);
      return { status: r.status, entry: entryJson(r.entry), unreversed_settlements: r.settlements.map((s) => s.id) };
    },
  );

  app.post(
    '/ledger/settle',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: "Record the prizes won by a contest's bets recorded with their tickets (idempotent)",
        tags: ['books'],
        body: z.strictObject({ contest: bodyInt(1, 1_000_000) }),
        response: { 200: SettleResultSchema, ...COMMON_ERRORS, ...errorResponses(409) },
      },
    },
    (request) => settleContest(db, request.body.contest, clock()),
  );

  app.get(
    '/ledger/check',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Verify the hash chain, reversals, signs and balance assertions',
        tags: ['books'],
        response: { 200: BooksCheckSchema, ...COMMON_ERRORS },
      },
    },
    () => {
      const problems = checkBooks(db);
      return { sound: problems.length === 0, problems };
    },
  );

  app.get(
    '/ledger/report',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Invested, won, net and ROI per month, week, run or tier (reversals netted out)',
        tags: ['books'],
        querystring: z.strictObject({ ...filters, group_by: z.enum(GROUP_BYS).optional().meta({ description: 'default month' }) }),
        response: { 200: LedgerReportSchema, ...COMMON_ERRORS },
      },
    },
    (request) => buildLedgerReport(readEntries(db, entryFilter(request.query)), request.query.group_by ?? 'month'),
  );

  app.get(
    '/ledger/balance',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'The balance of all entries dated on or before date (default today: future-dated entries are not counted)',
        tags: ['books'],
        querystring: z.strictObject({ date: IsoDateParam.optional().meta({ description: 'default: today' }) }),
        response: { 200: z.object({ date: z.string(), balance_cents: z.int() }), ...COMMON_ERRORS },
      },
    },
    (request) => {
      const date = request.query.date ?? clock().today;
      return { date, balance_cents: readBalance(db, date) };
    },
  );

  app.post(
    '/ledger/assertions',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: 'Record a balance assertion (409 when it fails now, unless force; 409 when it contradicts a standing one)',
        tags: ['books'],
        body: z.strictObject({
          date: IsoDateField,
          balance_cents: bodyInt(-MAX_MONEY_CENTS, MAX_MONEY_CENTS).meta({ description: 'the balance of all entries dated on or before date' }),
          note: TextField.optional(),
          force: z.boolean().optional().meta({ description: 'record it even though it does not hold now' }),
        }),
        response: { 201: AssertionResultSchema, ...COMMON_ERRORS, ...errorResponses(409) },
      },
    },
    (request, reply) => {
      const b = request.body;
      const r = recordAssertion(db, b.date, b.balance_cents, b.note ?? null, clock(), { force: b.force === true });
      reply.code(201);
      return { assertion: r.assertion, actual_cents: r.actual_cents, holds: r.actual_cents === b.balance_cents };
    },
  );

  app.post(
    '/ledger/assertions/:id/retract',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: 'Withdraw a balance assertion by appending a retraction',
        tags: ['books'],
        params: z.strictObject({ id: intParam(1, 2_147_483_647, 'an assertion id') }),
        body: z.strictObject({ reason: TextField.meta({ description: 'why the assertion is withdrawn' }) }),
        response: { 200: z.object({ assertion: AssertionSchema }), ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    (request) => ({ assertion: retractAssertion(db, request.params.id, request.body.reason, clock()) }),
  );
  done();
};

export default ledgerRoutes;
