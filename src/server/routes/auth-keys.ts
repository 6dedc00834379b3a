/**
 * API key management for admins: `GET /api/v1/auth/keys`, `POST /api/v1/auth/keys` (the key is
 * in this one response and nowhere else, ever) and `DELETE /api/v1/auth/keys/{id}` (revoke).
 */
import { z } from 'zod';
import { readClock } from '../../clock.js';
import { ROLES } from '../../core/roles.js';
import { parseDurationSeconds } from '../../core/duration.js';
import { LuckyError } from '../../errors.js';
import { KEY_NAME_PATTERN, MAX_KEY_LIFETIME_SECONDS, createKey, listKeys, revokeKey } from '../../usecases/keys.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { intParam } from '../schemas.js';

export const ApiKeySchema = z
  .object({
    id: z.int(),
    name: z.string(),
    role: z.enum(ROLES),
    prefix: z.string().meta({ description: 'first characters of the key, to tell keys apart' }),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable().meta({ description: 'updated at most once a minute' }),
  })
  .meta({ id: 'ApiKey' });

const CreatedKeySchema = ApiKeySchema.extend({ key: z.string().meta({ description: 'the key: shown once, store it now' }) }).meta({ id: 'CreatedApiKey' });

const CreateBody = z.strictObject({
  name: z.string().regex(KEY_NAME_PATTERN, 'must be 1 to 64 letters, digits, spaces or ._@- starting with a letter or digit'),
  role: z.enum(ROLES),
  expires_in: z
    .string()
    .regex(/^[1-9][0-9]{0,6}[smhdw]$/, 'must be a duration such as 90d, 12h or 2w')
    .optional()
    .meta({ description: 'lifetime such as 90d (default: no expiry)' }),
});

const authKeysRoutes: ResourcePlugin = (app, { ctx }, done) => {
  app.get(
    '/auth/keys',
    {
      config: { role: 'admin', rateClass: 'read' },
      schema: {
        summary: 'List API keys (never the keys themselves)',
        tags: ['auth'],
        response: { 200: z.object({ items: z.array(ApiKeySchema) }), ...COMMON_ERRORS },
      },
    },
    () => ({ items: listKeys({ catalog: ctx.catalog }) }),
  );

  app.post(
    '/auth/keys',
    {
      config: { role: 'admin', rateClass: 'write' },
      schema: {
        summary: 'Create an API key; the response is the only time the key is shown',
        tags: ['auth'],
        body: CreateBody,
        response: { 201: CreatedKeySchema, ...COMMON_ERRORS, ...errorResponses(413) },
      },
    },
    (request, reply) => {
      const { name, role, expires_in } = request.body;
      const seconds = expires_in === undefined ? undefined : parseDurationSeconds(expires_in);
      if (seconds !== undefined && seconds > MAX_KEY_LIFETIME_SECONDS) {
        throw new LuckyError('E_INPUT_INVALID', 'invalid request', ['body.expires_in: at most 3650d']);
      }
      const created = createKey(
        { catalog: ctx.catalog, config: ctx.config, clock: readClock(new Date(ctx.now())), serverSecret: ctx.serverSecret },
        { name, role, expiresInSeconds: seconds },
      );
      request.log.info({ key_id: created.id, role, by: request.principal?.id }, 'api key created');
      reply.code(201);
      return created;
    },
  );

  app.delete(
    '/auth/keys/:id',
    {
      config: { role: 'admin', rateClass: 'write' },
      schema: {
        summary: 'Revoke an API key (idempotent: a second revoke keeps the first time)',
        tags: ['auth'],
        params: z.strictObject({ id: intParam(1, 2_147_483_647, 'a key id') }),
        response: { 200: ApiKeySchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => {
      const record = revokeKey({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())) }, request.params.id);
      request.log.info({ key_id: record.id, by: request.principal?.id }, 'api key revoked');
      return record;
    },
  );
  done();
};

export default authKeysRoutes;
