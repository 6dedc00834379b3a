/** What every command receives: I/O streams, lazily resolved config, a lazily opened catalog. */
import { type Command, Option } from 'commander';
import type { RangeFields } from '../core/contest-range.js';
import type * as ConfigModule from '../config.js';
import type { ConfigKey, ResolvedConfig } from '../config.js';
import { LuckyError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { type Format, Output, type Stream } from './output.js';

export interface CliIo {
  stdout: Stream;
  stderr: Stream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** aborted on Ctrl-C; long commands stop cleanly when it fires */
  signal?: AbortSignal;
}

export interface GlobalFlags {
  dataDir?: string;
  color?: boolean;
  quiet?: boolean;
  wide?: boolean;
}

export class CliContext {
  private resolved: ResolvedConfig | undefined;
  private openedCatalog: Catalog | undefined;
  private readonly cleanups: Array<() => void | Promise<void>> = [];
  private outputInstance: Output | undefined;
  private readonly fallbackAbort = new AbortController();
  /** Exit code the command asks for when it returns normally (0 unless set). */
  exitCode = 0;

  /** set by runCli once a command is known, so `--version` and `--help` never load zod */
  configModule: typeof ConfigModule | undefined;

  constructor(
    readonly io: CliIo,
    private readonly globals: () => GlobalFlags,
  ) {}

  get signal(): AbortSignal {
    return this.io.signal ?? this.fallbackAbort.signal;
  }

  /** Flags > env > file > defaults, resolved once; command-level flags can be passed in. */
  config(flags: Partial<Record<ConfigKey, unknown>> = {}): ResolvedConfig {
    if (this.resolved && Object.keys(flags).length === 0) return this.resolved;
    const g = this.globals();
    const merged: Partial<Record<ConfigKey, unknown>> = { ...flags };
    if (g.dataDir !== undefined) merged.data_dir = g.dataDir;
    if (g.color === false) merged.color = false;
    const m = this.configModule;
    if (!m) throw new Error('configuration module not loaded');
    const resolved = m.buildConfig({ flags: merged, env: this.io.env, file: m.readConfigFile(this.io.cwd) }, this.io.cwd);
    if (Object.keys(flags).length === 0) this.resolved = resolved;
    return resolved;
  }

  get out(): Output {
    if (!this.outputInstance) {
      const g = this.globals();
      let color = g.color !== false && !(this.io.env.NO_COLOR ?? '').length;
      try {
        if (this.configModule) color = color && this.config().values.color;
      } catch {
        // a broken config file is reported by the command that needs it
      }
      const forced = this.configModule?.colorForced(this.io.env) ?? false;
      this.outputInstance = new Output(this.io.stdout, this.io.stderr, color, g.quiet === true, forced, g.wide === true ? undefined : terminalWidth(this.io));
    }
    return this.outputInstance;
  }

  /** The catalog, opened (and migrated) on first use and closed when the command ends. */
  async catalog(): Promise<Catalog> {
    if (!this.openedCatalog) {
      const { openCatalogFor } = await import('../usecases/catalog.js');
      this.openedCatalog = openCatalogFor(this.config().values);
      const c = this.openedCatalog;
      this.onCleanup(() => c.close());
    }
    return this.openedCatalog;
  }

  onCleanup(fn: () => void | Promise<void>): void {
    this.cleanups.push(fn);
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch {
        // cleanup must not mask the command's own outcome
      }
    }
  }
}

/**
 * The width human tables must fit: a terminal's (`COLUMNS` when set, else what the terminal says,
 * else 80); none when stdout is a pipe or a file, which get every column.
 */
function terminalWidth(io: Pick<CliIo, 'stdout' | 'env'>): number | undefined {
  if (io.stdout.isTTY !== true) return undefined;
  const env = io.env.COLUMNS;
  if (env !== undefined && /^[1-9][0-9]{0,4}$/.test(env.trim())) return Math.max(Number(env.trim()), 20);
  const cols = io.stdout.columns;
  return typeof cols === 'number' && cols > 0 ? Math.max(cols, 20) : 80;
}

const FORMAT_HELP: Record<Exclude<Format, 'table'>, string> = {
  json: 'print one JSON document on stdout',
  ndjson: 'print one JSON object per line on stdout',
  csv: 'print CSV on stdout',
};

/** Adds the output-format flags a command supports; they exclude each other (commander's `.conflicts()`, exit 2). */
export function addFormatOptions(cmd: Command, formats: ReadonlyArray<Exclude<Format, 'table'>>): Command {
  const chosen = (['json', 'ndjson', 'csv'] as const).filter((f) => formats.includes(f));
  for (const f of chosen) cmd.addOption(new Option(`--${f}`, FORMAT_HELP[f]).conflicts(chosen.filter((g) => g !== f)));
  return cmd;
}

/** The output format the flags added by {@link addFormatOptions} chose (`table` when none). */
export function formatOf(opts: { json?: boolean; ndjson?: boolean; csv?: boolean }): Format {
  return (['json', 'ndjson', 'csv'] as const).find((f) => opts[f] === true) ?? 'table';
}

/**
 * Parses a flag that must be a whole number within bounds: decimal digits only (an optional
 * leading `-`, no leading zeros, no spaces, no `0x10` or `1e1`), as strict as the HTTP query params.
 */
export function parseIntFlag(name: string, value: string | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?(0|[1-9][0-9]{0,14})$/.test(value) || value === '-0')
    throw new LuckyError('E_USAGE', `--${name} must be a whole number (decimal digits only), got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new LuckyError('E_USAGE', `--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** `--from`, `--to` and `--last` as numbers; the range rule itself is `core/contest-range.ts`'s. */
export function parseRangeFlags(opts: { from?: string | undefined; to?: string | undefined; last?: string | undefined }): RangeFields {
  return { from: parseIntFlag('from', opts.from, 0), to: parseIntFlag('to', opts.to, 0), last: parseIntFlag('last', opts.last, 0) };
}

/** Parses an ISO date flag (YYYY-MM-DD) that must exist on the calendar. */
export function parseDateFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) return value.trim();
  }
  throw new LuckyError('E_USAGE', `--${name} must be a real date as YYYY-MM-DD, got "${value}"`);
}
