/**
 * Budgets: `GET /budgets` (each with what its window has spent, one query per page),
 * `POST /budgets` and `GET /budgets/{name}`, through the same store and rules as `luckyfive budget`.
 * A bet that would overspend one is refused by `POST /ledger` with 409 E_BUDGET_EXCEEDED.
 */
import { z } from 'zod';
import { budgetJson } from '../../core/finance/books-json.js';
import { buildBudgetView, checkBudgetInput } from '../../core/finance/budget.js';
import { LuckyError } from '../../errors.js';
import { readClock } from '../../clock.js';
import { createBudget, readBetSpend, readBudget, readBudgetViews } from '../../store/budgets-repo.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { BudgetBodySchema, BudgetSchema } from '../books-schemas.js';
import { DEFAULT_PAGE, KeyCursorParam, LimitParam, decodeKeyCursor, encodeKeyCursor, pageSchema } from '../schemas.js';

const budgetsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const db = ctx.catalog.db;
  const clock = () => readClock(new Date(ctx.now()));

  app.get(
    '/budgets',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Budgets with spent, remaining and status, by start date',
        tags: ['books'],
        querystring: z.strictObject({ limit: LimitParam, cursor: KeyCursorParam }),
        response: { 200: pageSchema(BudgetSchema), ...COMMON_ERRORS },
      },
    },
    (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE;
      const after = request.query.cursor === undefined ? undefined : decodeKeyCursor('budgets', request.query.cursor, ['string', 'string']);
      const views = readBudgetViews(db, clock().today, { after: after && { from_date: after[0] as string, name: after[1] as string }, limit: limit + 1 });
      const page = views.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(budgetJson), next_cursor: views.length > limit && last ? encodeKeyCursor('budgets', [last.from_date, last.name]) : null };
    },
  );

  app.post(
    '/budgets',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: 'Create a budget: bets dated in [from, to] may cost at most amount_cents',
        tags: ['books'],
        body: BudgetBodySchema,
        response: { 201: BudgetSchema, ...COMMON_ERRORS, ...errorResponses(409, 413) },
      },
    },
    (request, reply) => {
      const b = request.body;
      const to = b.to ?? null;
      if (to !== null && to < b.from) throw new LuckyError('E_INPUT_INVALID', 'invalid request', [`body.to: ${to} is before body.from ${b.from}`]);
      checkBudgetInput(b.name, b.amount_cents, b.from, to);
      const c = clock();
      const budget = createBudget(db, { name: b.name, amount_cents: b.amount_cents, from_date: b.from, to_date: to, note: b.note ?? null, created_at: c.now });
      request.log.info({ budget: budget.name, by: request.principal?.id }, 'budget created');
      reply.code(201);
      return budgetJson(buildBudgetView(budget, readBetSpend(db, b.from, to), c.today));
    },
  );

  app.get(
    '/budgets/:name',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'One budget with spent, remaining and status',
        tags: ['books'],
        params: z.strictObject({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a budget name') }),
        response: { 200: BudgetSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => {
      const b = readBudget(db, request.params.name);
      if (!b) throw new LuckyError('E_NOT_FOUND', `no budget named "${request.params.name}"`);
      return budgetJson(buildBudgetView(b, readBetSpend(db, b.from_date, b.to_date), clock().today));
    },
  );
  done();
};

export default budgetsRoutes;
