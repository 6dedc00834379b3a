/**
 * Configuration: flags > LUCKYFIVE_* environment > luckyfive.config.json in the working
 * directory > defaults. The CLI entry (`cli/main.ts`) reads `process.env` once and passes it in
 * (nothing else in src/ touches it); everything else receives a frozen {@link Config}. Reading (I/O) and validating (pure) are separate steps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { LuckyError, formatIssues } from './errors.js';

export type Source = 'flag' | 'env' | 'file' | 'default';

interface Field {
  /** environment variable name */
  env: string;
  /** parses a string (env) or JSON value (file) */
  schema: z.ZodType;
  default: () => unknown;
  doc: string;
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A list: a JSON array in the config file, comma-separated text in the environment. */
const commaList = z.union([
  z.array(z.string()),
  z.string().transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  ),
]);
const bool = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true')]);

/** Every configurable value. Add new keys here: they get env, file and `config show` for free. */
export const CONFIG_FIELDS = {
  data_dir: { env: 'LUCKYFIVE_DATA_DIR', schema: z.string().min(1), default: () => './data', doc: 'where the catalog and run files live' },
  books_key: {
    env: 'LUCKYFIVE_BOOKS_KEY',
    schema: z.string().min(32),
    default: () => undefined,
    doc: 'HMAC key sealing the ledger and signing backup manifests (at least 32 characters); when unset, books_key_file',
  },
  books_key_file: {
    env: 'LUCKYFIVE_BOOKS_KEY_FILE',
    schema: z.string().min(1),
    default: () => undefined,
    doc: 'file holding the books key (default <data_dir>/books.key, created on first use, mode 0600)',
  },
  threads: { env: 'LUCKYFIVE_THREADS', schema: int(1, 256), default: () => availableParallelism(), doc: 'worker threads for simulate and sweep' },
  color: { env: 'LUCKYFIVE_COLOR', schema: bool, default: () => true, doc: 'colour in human output (NO_COLOR also disables)' },
  host: { env: 'LUCKYFIVE_HOST', schema: z.string().min(1), default: () => '127.0.0.1', doc: 'serve: bind address' },
  port: { env: 'LUCKYFIVE_PORT', schema: int(0, 65535), default: () => 8080, doc: 'serve: TCP port' },
  processes: {
    env: 'LUCKYFIVE_PROCESSES',
    schema: int(1, 64),
    default: () => 1,
    doc: 'serve: server processes sharing the port (node:cluster); each has its own worker pool, of `threads` when set, else its share of the cores',
  },
  server_secret: {
    env: 'LUCKYFIVE_SERVER_SECRET',
    schema: z.string().min(32),
    default: () => undefined,
    doc: 'serve: HMAC secret for API keys (generated into the catalog when unset)',
  },
  jwt_secret: {
    env: 'LUCKYFIVE_JWT_SECRET',
    schema: z.string(),
    default: () => undefined,
    doc: 'serve: HS256 secret; JWT is enabled when set (at least 32 bytes)',
  },
  jwt_max_lifetime_hours: {
    env: 'LUCKYFIVE_JWT_MAX_LIFETIME_HOURS',
    schema: int(1, 8760),
    default: () => 720,
    doc: 'serve: longest JWT accepted (exp - iat, and exp - now), in hours',
  },
  jwt_audience: { env: 'LUCKYFIVE_JWT_AUDIENCE', schema: z.string().min(1), default: () => undefined, doc: 'serve: when set, a JWT must carry this `aud`' },
  jwt_issuer: { env: 'LUCKYFIVE_JWT_ISSUER', schema: z.string().min(1), default: () => undefined, doc: 'serve: when set, a JWT must carry this `iss`' },
  cors_origins: {
    env: 'LUCKYFIVE_CORS_ORIGINS',
    schema: commaList,
    default: () => [],
    doc: 'serve: allowed CORS origins',
  },
  rate_limit_read: { env: 'LUCKYFIVE_RATE_LIMIT_READ', schema: int(1, 1_000_000), default: () => 300, doc: 'serve: read requests per minute per key' },
  rate_limit_write: { env: 'LUCKYFIVE_RATE_LIMIT_WRITE', schema: int(1, 1_000_000), default: () => 60, doc: 'serve: write requests per minute per key' },
  rate_limit_heavy: {
    env: 'LUCKYFIVE_RATE_LIMIT_HEAVY',
    schema: int(1, 1_000_000),
    default: () => 10,
    doc: 'serve: simulate/sweep/import requests per minute per key',
  },
  rate_limit_ip: { env: 'LUCKYFIVE_RATE_LIMIT_IP', schema: int(1, 10_000_000), default: () => 1200, doc: 'serve: requests per minute per client IP' },
  rate_limit_redis_url: {
    env: 'LUCKYFIVE_RATE_LIMIT_REDIS_URL',
    schema: z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL'),
    default: () => undefined,
    doc: 'serve: Redis URL (redis:// or rediss://) where rate-limit buckets are kept, shared by every server process; in memory, per process, when unset',
  },
  queue_url: {
    env: 'LUCKYFIVE_QUEUE_URL',
    schema: z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL'),
    default: () => undefined,
    doc: 'simulate, sweep, serve and worker: Redis URL (redis:// or rediss://) of the run queue; runs, sweep cells and API jobs go to `luckyfive worker` processes through it; everything runs in this process when unset',
  },
  queue_patience: {
    env: 'LUCKYFIVE_QUEUE_PATIENCE',
    schema: int(1, 86_400),
    default: () => 60,
    doc: 'simulate, sweep, serve and worker: seconds to keep retrying a run queue whose Redis went away before giving up (E_QUEUE_DOWN, exit 9)',
  },
  trust_proxy: {
    env: 'LUCKYFIVE_TRUST_PROXY',
    schema: commaList,
    default: () => [],
    doc: 'serve: addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (none by default)',
  },
  public_metrics: { env: 'LUCKYFIVE_PUBLIC_METRICS', schema: bool, default: () => false, doc: 'serve: /metrics without a key' },
  public_docs: { env: 'LUCKYFIVE_PUBLIC_DOCS', schema: bool, default: () => true, doc: 'serve: /docs and the OpenAPI document without a key' },
  disk_min_free_mb: {
    env: 'LUCKYFIVE_DISK_MIN_FREE_MB',
    schema: int(0, 1_000_000),
    default: () => 100,
    doc: 'free space under the data dir below which /health answers 503 and maintain warns, in MiB',
  },
  web_session_idle: {
    env: 'LUCKYFIVE_WEB_SESSION_IDLE',
    schema: int(1, 1440),
    default: () => 30,
    doc: 'serve: minutes a dashboard session may stay unused before it ends (sign in again)',
  },
  web_session_lifetime: {
    env: 'LUCKYFIVE_WEB_SESSION_LIFETIME',
    schema: int(1, 720),
    default: () => 12,
    doc: 'serve: hours a dashboard session lasts at most, however busy (a token session also ends at its exp)',
  },
  upload_max_mb: { env: 'LUCKYFIVE_UPLOAD_MAX_MB', schema: int(1, 1024), default: () => 20, doc: 'serve: largest import upload, in MiB' },
  job_concurrency: {
    env: 'LUCKYFIVE_JOB_CONCURRENCY',
    schema: int(1, 64),
    default: () => 1,
    doc: 'serve: simulation jobs run at once (they share one worker pool of `threads`)',
  },
  shutdown_timeout: {
    env: 'LUCKYFIVE_SHUTDOWN_TIMEOUT',
    schema: int(1, 3600),
    default: () => 10,
    doc: 'serve: seconds a graceful stop (SIGTERM, Ctrl-C) waits for requests and jobs before closing connections',
  },
  log_level: {
    env: 'LUCKYFIVE_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: () => 'info',
    doc: 'serve: log level',
  },
} satisfies Record<string, Field>;

export type ConfigKey = keyof typeof CONFIG_FIELDS;

export interface Config {
  data_dir: string;
  books_key: string | undefined;
  books_key_file: string | undefined;
  threads: number;
  color: boolean;
  host: string;
  port: number;
  processes: number;
  server_secret: string | undefined;
  jwt_secret: string | undefined;
  jwt_max_lifetime_hours: number;
  jwt_audience: string | undefined;
  jwt_issuer: string | undefined;
  cors_origins: string[];
  rate_limit_read: number;
  rate_limit_write: number;
  rate_limit_heavy: number;
  rate_limit_ip: number;
  rate_limit_redis_url: string | undefined;
  queue_url: string | undefined;
  queue_patience: number;
  trust_proxy: string[];
  public_metrics: boolean;
  public_docs: boolean;
  disk_min_free_mb: number;
  upload_max_mb: number;
  web_session_idle: number;
  web_session_lifetime: number;
  job_concurrency: number;
  shutdown_timeout: number;
  log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface ResolvedConfig {
  readonly values: Readonly<Config>;
  readonly sources: Readonly<Record<ConfigKey, Source>>;
  /** the config file that was read, if any */
  readonly file: string | undefined;
}

export interface ConfigInputs {
  flags: Partial<Record<ConfigKey, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
  file: { path: string; data: unknown } | undefined;
}

export const CONFIG_FILE_NAME = 'luckyfive.config.json';

/** I/O: reads the config file (if present) from `cwd`. */
export function readConfigFile(cwd: string): ConfigInputs['file'] {
  const path = resolve(cwd, CONFIG_FILE_NAME);
  if (!existsSync(path)) return undefined;
  try {
    return { path, data: JSON.parse(readFileSync(path, 'utf8')) as unknown };
  } catch (e) {
    throw new LuckyError('E_INPUT_INVALID', `${CONFIG_FILE_NAME} is not valid JSON`, [`${path}: ${(e as Error).message}`], { cause: e });
  }
}

/** Pure: merges the sources in precedence order and validates every value. */
export function buildConfig(inputs: ConfigInputs, cwd: string): ResolvedConfig {
  const values: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  const problems: string[] = [];
  const fileData = inputs.file?.data;
  if (fileData !== undefined && (typeof fileData !== 'object' || fileData === null || Array.isArray(fileData))) {
    throw new LuckyError('E_INPUT_INVALID', `${CONFIG_FILE_NAME} must hold a JSON object`);
  }
  const fileObj = (fileData ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(fileObj)) {
    if (!(key in CONFIG_FIELDS)) problems.push(`${CONFIG_FILE_NAME}: ${key}: unknown key`);
  }
  for (const [key, field] of Object.entries(CONFIG_FIELDS) as Array<[ConfigKey, Field]>) {
    const candidates: Array<[Source, unknown, string]> = [];
    if (inputs.flags[key] !== undefined) candidates.push(['flag', inputs.flags[key], `--${key.replaceAll('_', '-')}`]);
    const envValue = inputs.env[field.env];
    if (envValue !== undefined && envValue !== '') candidates.push(['env', envValue, field.env]);
    if (fileObj[key] !== undefined) candidates.push(['file', fileObj[key], `${CONFIG_FILE_NAME}: ${key}`]);
    const chosen = candidates[0];
    if (!chosen) {
      values[key] = field.default();
      sources[key] = 'default';
      continue;
    }
    const parsed = field.schema.safeParse(chosen[1]);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues).map((line) => `${chosen[2]}: ${line.replace(/^\(root\): /, '')}`));
      continue;
    }
    values[key] = parsed.data;
    sources[key] = chosen[0];
  }
  if (hasNoColor(inputs.env) && sources.color !== 'flag') {
    values.color = false;
    sources.color = 'env';
  }
  if (problems.length) throw new LuckyError('E_INPUT_INVALID', 'invalid configuration', problems);
  values.data_dir = resolve(cwd, values.data_dir as string);
  if (values.books_key_file !== undefined) values.books_key_file = resolve(cwd, values.books_key_file as string);
  return Object.freeze({
    values: Object.freeze(values as unknown as Config),
    sources: Object.freeze(sources as Record<ConfigKey, Source>),
    file: inputs.file?.path,
  });
}

function hasNoColor(env: ConfigInputs['env']): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

/**
 * Colour forced on even when output is not a terminal: `CLICOLOR_FORCE` set to anything but
 * `0`, or `FORCE_COLOR` set to anything but `0`/`false` (empty counts, as most tools read it).
 * NO_COLOR, `--no-color` and `color = false` still win: forcing only lifts the TTY check.
 */
export function colorForced(env: ConfigInputs['env']): boolean {
  const clicolor = env.CLICOLOR_FORCE;
  const force = env.FORCE_COLOR;
  return (clicolor !== undefined && clicolor !== '' && clicolor !== '0') || (force !== undefined && force !== '0' && force.toLowerCase() !== 'false');
}
