/**
 * API keys and tokens: create, list and revoke keys, mint a JWT. `luckyfive auth` and the
 * `/auth/keys` routes call these functions; the key itself is returned once, by
 * {@link createKey}, and stored only as an HMAC under the server secret.
 */
import { type CreatedApiKey, createApiKey } from '../auth/api-keys.js';
import { checkJwtSecret, signJwt } from '../auth/jwt.js';
import { readServerSecret } from '../auth/server-secret.js';
import type { Role } from '../core/roles.js';
import { LuckyError } from '../errors.js';
import { type ApiKeyRecord, getApiKey, listApiKeys, revokeApiKey } from '../store/api-keys-repo.js';
import type { UseCaseDeps } from './deps.js';

export type { ApiKeyRecord } from '../store/api-keys-repo.js';
export { KEY_NAME_PATTERN, MAX_KEY_LIFETIME_SECONDS } from '../auth/api-keys.js';

/** A new key's row plus the key itself (shown once). */
export type CreatedKey = ApiKeyRecord & { key: string };

/**
 * Creates an API key for `role`, named `name`, expiring after `expiresInSeconds` (never when
 * undefined). The HMAC key is `serverSecret` when the caller holds it (the server), else the
 * configured `server_secret` or the catalog's (created on first use). Refuses a name that is not
 * 1 to 64 plain characters (E_INPUT_INVALID). Returns the stored row and the key.
 */
export function createKey(
  deps: Pick<UseCaseDeps, 'catalog' | 'config' | 'clock'> & { serverSecret?: Buffer | undefined },
  input: { name: string; role: Role; expiresInSeconds?: number | undefined },
): CreatedKey {
  const secret = deps.serverSecret ?? readServerSecret(deps.catalog.db, deps.config.server_secret);
  const { record, key }: CreatedApiKey = createApiKey(deps.catalog.db, secret, input, Date.parse(deps.clock.now));
  return { ...record, key };
}

/** Every API key, newest first (never the keys themselves). Refuses nothing. */
export function listKeys(deps: Pick<UseCaseDeps, 'catalog'>): ApiKeyRecord[] {
  return listApiKeys(deps.catalog.db);
}

/**
 * Revokes key `id` at once (idempotent: a second revoke keeps the first time). Refuses an
 * unknown id (E_NOT_FOUND). Returns the key's row.
 */
export function revokeKey(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, id: number): ApiKeyRecord {
  if (!getApiKey(deps.catalog.db, id)) throw new LuckyError('E_NOT_FOUND', `no API key with id ${id}`);
  return revokeApiKey(deps.catalog.db, id, deps.clock.now)!;
}

/** A minted token and what it grants. */
export interface IssuedToken {
  token: string;
  sub: string;
  role: Role;
  expires_at: string;
}

/**
 * Mints an HS256 JWT for `sub` with `role`, valid for `ttlSeconds` from now, signed with the
 * configured `jwt_secret`. Refuses when no secret is configured or it is shorter than 32 bytes
 * (E_INPUT_INVALID). Returns the token and its expiry.
 */
export function issueToken(deps: Pick<UseCaseDeps, 'config' | 'clock'>, input: { sub: string; role: Role; ttlSeconds: number }): IssuedToken {
  const configured = deps.config.jwt_secret;
  if (configured === undefined) {
    throw new LuckyError('E_INPUT_INVALID', 'no jwt_secret is configured', [
      'jwt_secret: set LUCKYFIVE_JWT_SECRET or jwt_secret in luckyfive.config.json (at least 32 bytes)',
    ]);
  }
  const nowSeconds = Math.floor(Date.parse(deps.clock.now) / 1000);
  const exp = nowSeconds + input.ttlSeconds;
  const token = signJwt(checkJwtSecret(configured), { sub: input.sub, role: input.role, exp }, nowSeconds);
  return { token, sub: input.sub, role: input.role, expires_at: new Date(exp * 1000).toISOString() };
}
