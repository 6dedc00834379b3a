/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests:
 * served at `/api/v1/openapi.json`, browsable at `/docs` (Swagger UI) and committed as
 * `docs/openapi.json` by `scripts/gen-openapi.ts` (a test fails when that file is stale).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from './context.js';
import { ROUTE_DEFAULTS_DECORATOR, type RouteDefaults } from './route-table.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PREFIX = '/docs';

/** Registers the generator. Must run before any documented route is added. */
export async function registerOpenApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'luckyfive API',
        version: ctx.version,
        description:
          'Quina backtests next to the exact odds, and the books. Authenticate with an API key (`Authorization: Bearer lf_...` or ' +
          '`X-API-Key: lf_...`) or, when enabled, an HS256 JWT. Each operation states its role (`x-role`) and rate class (`x-rate-class`). ' +
          'Errors are `{"error":{"code","message","details"}}`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key (lf_...) or an HS256 JWT' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      tags: [
        { name: 'system', description: 'health, metrics and this document' },
        { name: 'draws', description: 'official results and their imports' },
        { name: 'auth', description: 'API keys (admin)' },
        { name: 'runs', description: 'backtest runs: reports, per-contest results, tickets, files' },
        { name: 'simulations', description: 'start backtests; large ones run as jobs' },
        { name: 'recipes', description: 'saved recipes and the shipped presets' },
        { name: 'books', description: 'the real ledger, budgets, prices and money analysis' },
        { name: 'dashboard', description: 'one summary document' },
        { name: 'sweeps', description: 'parameter sweeps: start, follow, cancel, resume, ranked cells with every p-value adjusted' },
        { name: 'optimizations', description: 'studies that search a parameter space on a train range, judged on a sealed holdout' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
}

/** The document route and the Swagger UI (which sets its own, hash-based CSP on /docs). */
export async function registerDocsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const role = ctx.config.public_docs ? 'public' : 'viewer';
  app.get(
    OPENAPI_PATH,
    {
      config: { role, rateClass: 'read' },
      schema: { summary: 'This OpenAPI document', tags: ['system'], response: { 200: z.record(z.string(), z.unknown()) } },
    },
    () => app.swagger() as unknown as Record<string, unknown>,
  );
  await app.register(async (scope) => {
    // The UI plugin's routes cannot carry our config: give its scope a role instead.
    scope.decorate(ROUTE_DEFAULTS_DECORATOR, { role, rateClass: 'read' } satisfies RouteDefaults);
    await scope.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      staticCSP: true,
      // Plain-HTTP loopback serving is the default: do not ask browsers to upgrade asset URLs.
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
      uiConfig: { docExpansion: 'list', deepLinking: false },
    });
  });
}
