import type { Command } from 'commander';
import { ROLES, type Role } from '../../core/roles.js';
import { parseDurationSeconds } from '../../core/duration.js';
import { LuckyError } from '../../errors.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag } from '../context.js';

/** Longest JWT lifetime `auth token` mints: tokens cannot be revoked, so keep them short. */
const MAX_TOKEN_TTL_SECONDS = 30 * 86_400;

function parseRole(value: string | undefined): Role {
  if (value === undefined || !(ROLES as readonly string[]).includes(value)) {
    throw new LuckyError('E_USAGE', `--role must be one of ${ROLES.join(', ')}, got "${value ?? ''}"`);
  }
  return value as Role;
}

function parseDurationFlag(name: string, value: string, maxSeconds: number): number {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) throw new LuckyError('E_USAGE', `--${name} must be a duration such as 90d, 12h, 30m or 2w, got "${value}"`);
  if (seconds > maxSeconds) throw new LuckyError('E_USAGE', `--${name} is at most ${maxSeconds / 86_400}d, got "${value}"`);
  return seconds;
}

export function register(program: Command, ctx: CliContext): void {
  const auth = program.command('auth');
  const key = auth.command('key').description('create, list and revoke API keys');

  addFormatOptions(
    key
      .command('create')
      .description('create an API key and print it once (it is stored only as an HMAC)')
      .requiredOption('--name <name>', 'a label for humans (1-64 plain characters)')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .option('--expires <duration>', 'lifetime such as 90d (default: never expires)'),
    ['json'],
  ).action(async (opts: { name: string; role: string; expires?: string; json?: boolean }) => {
    const format = formatOf(opts);
    const role = parseRole(opts.role);
    const { MAX_KEY_LIFETIME_SECONDS, createApiKey } = await import('../../auth/api-keys.js');
    const { readServerSecret } = await import('../../auth/server-secret.js');
    const expiresInSeconds = opts.expires === undefined ? undefined : parseDurationFlag('expires', opts.expires, MAX_KEY_LIFETIME_SECONDS);
    const catalog = await ctx.catalog();
    const secret = readServerSecret(catalog.db, ctx.config().values.server_secret);
    const { record, key: apiKey } = createApiKey(catalog.db, secret, { name: opts.name, role, expiresInSeconds }, Date.now());
    if (format === 'json') return ctx.out.json({ ...record, key: apiKey });
    ctx.out.text(apiKey);
    ctx.out.info(`created key ${record.id} "${record.name}" (${record.role}${record.expires_at ? `, expires ${record.expires_at}` : ', no expiry'})`);
    ctx.out.info('store it now: it is not shown again');
  });

  addFormatOptions(key.command('list').description('list API keys (never the keys themselves)'), ['json']).action(async (opts: { json?: boolean }) => {
    const format = formatOf(opts);
    const { listApiKeys } = await import('../../store/api-keys-repo.js');
    const keys = listApiKeys((await ctx.catalog()).db);
    if (format === 'json') return ctx.out.json({ keys });
    ctx.out.table(
      ['id', 'name', 'role', 'prefix', 'created', 'expires', 'revoked', 'last used'],
      keys.map((k) => [k.id, k.name, k.role, `${k.prefix}...`, k.created_at, k.expires_at ?? '-', k.revoked_at ?? '-', k.last_used_at ?? '-']),
    );
  });

  addFormatOptions(key.command('revoke <id>').description('revoke an API key at once'), ['json']).action(async (idArg: string, opts: { json?: boolean }) => {
    const format = formatOf(opts);
    const id = parseIntFlag('id', idArg, 1)!;
    const { getApiKey, revokeApiKey } = await import('../../store/api-keys-repo.js');
    const db = (await ctx.catalog()).db;
    if (!getApiKey(db, id)) throw new LuckyError('E_NOT_FOUND', `no API key with id ${id}`);
    const record = revokeApiKey(db, id, new Date().toISOString())!;
    if (format === 'json') return ctx.out.json(record);
    ctx.out.info(`revoked key ${record.id} "${record.name}" at ${record.revoked_at}`);
  });

  addFormatOptions(
    auth
      .command('token')
      .description('mint an HS256 JWT with the configured jwt_secret')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .requiredOption('--ttl <duration>', 'lifetime such as 1h (at most 30d: tokens cannot be revoked)')
      .option('--sub <name>', 'subject: who the token is for', 'cli'),
    ['json'],
  ).action(async (opts: { role: string; ttl: string; sub: string; json?: boolean }) => {
    const format = formatOf(opts);
    const role = parseRole(opts.role);
    const ttl = parseDurationFlag('ttl', opts.ttl, MAX_TOKEN_TTL_SECONDS);
    const { checkJwtSecret, signJwt } = await import('../../auth/jwt.js');
    const configured = ctx.config().values.jwt_secret;
    if (configured === undefined) {
      throw new LuckyError('E_INPUT_INVALID', 'no jwt_secret is configured', ['jwt_secret: set LUCKYFIVE_JWT_SECRET or jwt_secret in luckyfive.config.json (at least 32 bytes)']);
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    const token = signJwt(checkJwtSecret(configured), { sub: opts.sub, role, exp: nowSeconds + ttl }, nowSeconds);
    const expiresAt = new Date((nowSeconds + ttl) * 1000).toISOString();
    if (format === 'json') return ctx.out.json({ token, sub: opts.sub, role, expires_at: expiresAt });
    ctx.out.text(token);
    ctx.out.info(`token for "${opts.sub}" (${role}), expires ${expiresAt}`);
  });
}
