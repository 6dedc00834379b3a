/**
 * Budgets: `GET /budgets` (each with what its window has spent, one query per page),
 * `POST /budgets` and `GET /budgets/{name}`, through the same use cases as `luckyfive budget` (`src/usecases/budgets.ts`).
 * A bet that would overspend one is refused by `POST /ledger` with 409 E_BUDGET_EXCEEDED.
 */
import { z } from 'zod';
import { BUDGET_NAME_PATTERN } from '../../core/finance/budget.js';
import { LuckyError } from '../../errors.js';
import { readClock } from '../../clock.js';
import { createBudget, listBudgets, showBudget } from '../../usecases/budgets.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { BudgetBodySchema, BudgetSchema } from '../books-schemas.js';
import { DEFAULT_PAGE, KeyCursorParam, LimitParam, decodeKeyCursor, encodeKeyCursor, pageSchema } from '../schemas.js';

const budgetsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const catalog = ctx.catalog;
  /** what a use case needs, with the time read once per request */
  const deps = () => ({ catalog, clock: readClock(new Date(ctx.now())) });

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
      const { budgets, next } = listBudgets(deps(), { after: after && { from_date: after[0] as string, name: after[1] as string }, limit });
      return { items: budgets, next_cursor: next ? encodeKeyCursor('budgets', [next.from_date, next.name]) : null };
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
      // the window rule is checkBudgetInput's; this names the body's fields in the refusal
      if (to !== null && to < b.from) throw new LuckyError('E_INPUT_INVALID', 'invalid request', [`body.to: ${to} is before body.from ${b.from}`]);
      const budget = createBudget(deps(), { name: b.name, amount_cents: b.amount_cents, from: b.from, to, note: b.note });
      request.log.info({ budget: budget.name, by: request.principal?.id }, 'budget created');
      reply.code(201);
      return budget;
    },
  );

  app.get(
    '/budgets/:name',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'One budget with spent, remaining and status',
        tags: ['books'],
        params: z.strictObject({ name: z.string().regex(BUDGET_NAME_PATTERN, 'must be a budget name') }),
        response: { 200: BudgetSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => showBudget(deps(), { name: request.params.name }),
  );
  done();
};

export default budgetsRoutes;
