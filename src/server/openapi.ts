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
import { errorResponses } from './error-envelope.js';
import { documentOperations } from './openapi-operations.js';
import { ROUTE_DEFAULTS_DECORATOR, type RouteDefaults } from './route-table.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PREFIX = '/docs';

/** Every `#/components/schemas/X` reference inside `value`. */
function schemaRefs(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) schemaRefs(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) into.add(v.slice('#/components/schemas/'.length));
      else schemaRefs(v, into);
    }
  }
  return into;
}

/**
 * The document without the component schemas no operation reaches: the zod registry also emits
 * an input twin of every output schema (`DrawInput` beside `Draw`), most of which nothing uses.
 */
function withoutUnusedSchemas<T>(document: T): T {
  const doc = document as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  if (!schemas) return document;
  const reached = schemaRefs(doc.paths, new Set());
  for (let todo = [...reached]; todo.length > 0;) {
    const next = [...schemaRefs(schemas[todo.pop()!], new Set())].filter((name) => !reached.has(name));
    for (const name of next) reached.add(name);
    todo.push(...next);
  }
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name];
  return document;
}

/** Registers the generator. Must run before any documented route is added. */
export async function registerOpenApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'luckyfive API',
        version: ctx.version,
        license: { name: 'MIT', identifier: 'MIT' },
        description:
          'Quina backtests next to the exact odds, and the books. Authenticate with an API key (`Authorization: Bearer lf_...` or ' +
          '`X-API-Key: lf_...`) or, when enabled, an HS256 JWT. Each operation states its role (`x-role`) and rate class (`x-rate-class`). ' +
          'Errors are `{"error":{"code","message","details"}}`. docs/api.md shows the common flows with curl.',
      },
      servers: [
        {
          url: 'http://127.0.0.1:8080',
          description: "`luckyfive serve` with its default address; replace the scheme, host and port with your server's (the paths carry /api/v1)",
        },
      ],
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
        { name: 'compare', description: 'runs side by side with paired tests, and the comparison report' },
        { name: 'leaderboard', description: 'completed runs ranked by a metric' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => documentOperations(withoutUnusedSchemas(jsonSchemaTransformObject(input))),
  });
}

/** The document route and the Swagger UI (which sets its own, hash-based CSP on /docs). */
export async function registerDocsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const role = ctx.config.public_docs ? 'public' : 'viewer';
  app.get(
    OPENAPI_PATH,
    {
      config: { role, rateClass: 'read' },
      schema: { summary: 'This OpenAPI document', tags: ['system'], response: { 200: z.record(z.string(), z.unknown()), ...errorResponses(401, 403, 429) } },
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
