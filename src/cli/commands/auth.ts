/** `luckyfive auth key create|list|revoke` and `auth token`: flags -> the keys use cases (`usecases/keys.ts`) -> text or JSON. */
import { type Command, Option } from 'commander';
import { readClock } from '../../clock.js';
import { ROLES, type Role } from '../../core/roles.js';
import { parseDurationSeconds } from '../../core/duration.js';
import { LuckyError } from '../../errors.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag } from '../context.js';

/** Longest JWT lifetime `auth token` mints: tokens cannot be revoked, so keep them short. */
const MAX_TOKEN_TTL_SECONDS = 30 * 86_400;

/** `--role`, limited to the roles by commander (`.choices()`): a wrong value exits 2 with the allowed list. */
const roleOption = () => new Option('--role <role>', `one of ${ROLES.join(', ')}`).choices(ROLES).makeOptionMandatory();

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
      .addOption(roleOption())
      .option('--expires <duration>', 'lifetime such as 90d (default: never expires)'),
    ['json'],
  ).action(async (opts: { name: string; role: Role; expires?: string; json?: boolean }) => {
    const format = formatOf(opts);
    const { MAX_KEY_LIFETIME_SECONDS, createKey } = await import('../../usecases/keys.js');
    const expiresInSeconds = opts.expires === undefined ? undefined : parseDurationFlag('expires', opts.expires, MAX_KEY_LIFETIME_SECONDS);
    const created = createKey(
      { catalog: await ctx.catalog(), config: ctx.config().values, clock: readClock() },
      { name: opts.name, role: opts.role, expiresInSeconds },
    );
    if (format === 'json') return ctx.out.json(created);
    ctx.out.text(created.key);
    ctx.out.info(`created key ${created.id} "${created.name}" (${created.role}${created.expires_at ? `, expires ${created.expires_at}` : ', no expiry'})`);
    ctx.out.info('store it now: it is not shown again');
  });

  addFormatOptions(key.command('list').description('list API keys (never the keys themselves)'), ['json']).action(async (opts: { json?: boolean }) => {
    const format = formatOf(opts);
    const { listKeys } = await import('../../usecases/keys.js');
    const keys = listKeys({ catalog: await ctx.catalog() });
    if (format === 'json') return ctx.out.json({ keys });
    ctx.out.table(
      ['id', 'name', 'role', 'prefix', 'created', 'expires', 'revoked', 'last used'],
      keys.map((k) => [k.id, k.name, k.role, `${k.prefix}...`, k.created_at, k.expires_at ?? '-', k.revoked_at ?? '-', k.last_used_at ?? '-']),
      { drop: [3, 7, 4] },
    );
  });

  addFormatOptions(key.command('revoke <id>').description('revoke an API key at once'), ['json']).action(async (idArg: string, opts: { json?: boolean }) => {
    const format = formatOf(opts);
    const id = parseIntFlag('id', idArg, 1)!;
    const { revokeKey } = await import('../../usecases/keys.js');
    const record = revokeKey({ catalog: await ctx.catalog(), clock: readClock() }, id);
    if (format === 'json') return ctx.out.json(record);
    ctx.out.info(`revoked key ${record.id} "${record.name}" at ${record.revoked_at}`);
  });

  addFormatOptions(
    auth
      .command('token')
      .description('mint an HS256 JWT with the configured jwt_secret')
      .addOption(roleOption())
      .requiredOption('--ttl <duration>', 'lifetime such as 1h (at most 30d: tokens cannot be revoked)')
      .option('--sub <name>', 'subject: who the token is for', 'cli'),
    ['json'],
  ).action(async (opts: { role: Role; ttl: string; sub: string; json?: boolean }) => {
    const format = formatOf(opts);
    const ttlSeconds = parseDurationFlag('ttl', opts.ttl, MAX_TOKEN_TTL_SECONDS);
    const { issueToken } = await import('../../usecases/keys.js');
    const issued = issueToken({ config: ctx.config().values, clock: readClock() }, { sub: opts.sub, role: opts.role, ttlSeconds });
    if (format === 'json') return ctx.out.json(issued);
    ctx.out.text(issued.token);
    ctx.out.info(`token for "${issued.sub}" (${issued.role}), expires ${issued.expires_at}`);
  });
}
