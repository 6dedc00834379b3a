/**
 * The real ledger over HTTP, through the same use cases as `luckyfive ledger` (`src/usecases/ledger.ts`):
 * `GET /ledger` (filters, keyset pages), `POST /ledger` (bet, prize, deposit, withdrawal or
 * adjustment; idempotent with `idempotency_key` or the `Idempotency-Key` header),
 * `POST /ledger/{id}/reverse`, `POST /ledger/settle`, `GET /ledger/check`, `GET /ledger/report`
 * and `GET /ledger/balance`. Books are append-only: nothing here edits or deletes a row.
 */
import { z } from 'zod';
import { ENTRY_TYPES } from '../../core/finance/ledger.js';
import { GROUP_BYS } from '../../core/finance/report.js';
import { parseTicketList } from '../../core/finance/tickets.js';
import { LuckyError, isLuckyError } from '../../errors.js';
import { readClock } from '../../clock.js';
import { MAX_MONEY_CENTS } from '../../core/finance/money.js';
import {
  type LedgerFilter,
  type NewEntryInput,
  assertLedgerBalance,
  listLedgerEntries,
  recordLedgerCheck,
  recordLedgerEntry,
  reportLedger,
  retractLedgerAssertion,
  reverseLedgerEntry,
  settleLedgerContest,
  showLedgerBalance,
} from '../../usecases/ledger.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import {
  AssertionResultSchema,
  BooksContestField,
  AssertionSchema,
  BooksCheckSchema,
  IdField,
  LedgerEntrySchema,
  LedgerReportSchema,
  NewEntryBodySchema,
  type NewEntryBody,
  RecordedSchema,
  SettleResultSchema,
} from '../books-schemas.js';
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

function entryFilter(q: { type?: LedgerFilter['type']; from?: number; to?: number; since?: string; until?: string; run_id?: string }): LedgerFilter {
  return { type: q.type, from_contest: q.from, to_contest: q.to, since: q.since, until: q.until, run_id: q.run_id };
}

/** The budget refusal speaks of the CLI flag; over HTTP the switch is a body field. */
function forHttp(e: unknown): unknown {
  if (!isLuckyError(e) || e.code !== 'E_BUDGET_EXCEEDED') return e;
  return new LuckyError(
    e.code,
    e.message,
    e.details.map((d) => (d.startsWith('pass --over-budget') ? 'body.over_budget: true records it anyway' : d)),
    { cause: e },
  );
}

const IdempotencyHeaders = z.looseObject({
  'idempotency-key': IdField.optional().meta({ description: 'same as body.idempotency_key' }),
});

const ledgerRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const catalog = ctx.catalog;
  /** what a use case needs, with the time read once per request */
  const deps = () => ({ catalog, clock: readClock(new Date(ctx.now())) });

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
      const { entries, next } = listLedgerEntries(
        { catalog },
        { ...entryFilter(q), limit, after: after && { entry_date: after[0] as string, id: after[1] as number } },
      );
      return { items: entries, next_cursor: next ? encodeKeyCursor('ledger', [next.entry_date, next.id]) : null };
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
      const common = { date: b.date, key, note: b.note };
      let result: z.infer<typeof RecordedSchema>;
      try {
        const input: NewEntryInput =
          b.type === 'bet'
            ? {
                type: 'bet',
                contest: b.contest,
                tickets: b.tickets,
                numbers: b.numbers,
                cost_cents: b.cost_cents,
                run_id: b.run_id,
                ticket_list: b.ticket_numbers === undefined ? undefined : parseTicketList(b.ticket_numbers),
                over_budget: b.over_budget,
                ...common,
              }
            : b.type === 'prize'
              ? { type: 'prize', contest: b.contest, tier: b.tier, amount_cents: b.amount_cents, tickets: b.tickets, run_id: b.run_id, ...common }
              : { type: b.type, amount_cents: b.amount_cents, ...common };
        result = recordLedgerEntry(deps(), input);
      } catch (e) {
        throw forHttp(e);
      }
      if (result.status === 'recorded')
        request.log.info({ entry_id: result.entry.id, type: result.entry.type, by: request.principal?.id }, 'ledger entry recorded');
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
        body: z.strictObject({
          reason: TextField.meta({ description: 'why the entry is wrong' }),
          date: IsoDateField.optional().meta({ description: 'date of the reversal (default today)' }),
        }),
        response: { 201: RecordedSchema, ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    (request, reply) => {
      const r = reverseLedgerEntry(deps(), { id: request.params.id, reason: request.body.reason, date: request.body.date });
      request.log.info({ entry_id: r.entry.id, reverses: request.params.id, by: request.principal?.id }, 'ledger entry reversed');
      reply.code(201);
      return r;
    },
  );

  app.post(
    '/ledger/settle',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: "Record the prizes won by a contest's bets recorded with their tickets (idempotent)",
        tags: ['books'],
        body: z.strictObject({ contest: BooksContestField }),
        response: { 200: SettleResultSchema, ...COMMON_ERRORS, ...errorResponses(409) },
      },
    },
    (request) => settleLedgerContest(deps(), { contest: request.body.contest }),
  );

  app.get(
    '/ledger/check',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Verify the hash chain, reversals, signs and balance assertions',
        description: 'The result and its time are recorded for /metrics (luckyfive_ledger_check_ok), as `luckyfive ledger check` does.',
        tags: ['books'],
        response: { 200: BooksCheckSchema, ...COMMON_ERRORS },
      },
    },
    (request) => recordLedgerCheck(deps(), { onWarn: (message) => request.log.warn(message) }),
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
    (request) => reportLedger({ catalog }, { ...entryFilter(request.query), group_by: request.query.group_by ?? 'month' }),
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
    (request) => showLedgerBalance(deps(), { date: request.query.date }),
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
      const r = assertLedgerBalance(deps(), request.body);
      reply.code(201);
      return r;
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
    (request) => retractLedgerAssertion(deps(), { id: request.params.id, reason: request.body.reason }),
  );
  done();
};

export default ledgerRoutes;
