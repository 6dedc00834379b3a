/**
 * Output: data to stdout (table | json | ndjson | csv), messages and progress to stderr.
 * Human tables are plain when stdout is not a TTY, with NO_COLOR or --no-color.
 */
import { createRequire } from 'node:module';
import type TableType from 'cli-table3';
import { encodeCsvCell } from '../core/csv.js';

// cli-table3 is loaded on first use: importing it costs ~25 ms that `--version` and JSON output never need.
const require = createRequire(import.meta.url);
let TableClass: typeof TableType | undefined;
function loadTable(): typeof TableType {
  TableClass ??= require('cli-table3') as typeof TableType;
  return TableClass;
}

export interface Stream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean | undefined;
}

export type Format = 'table' | 'json' | 'ndjson' | 'csv';

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export class Output {
  constructor(
    readonly stdout: Stream,
    readonly stderr: Stream,
    readonly color: boolean,
    readonly quiet = false,
    /** colour even when the stream is not a TTY (CLICOLOR_FORCE / FORCE_COLOR); `color` false still wins */
    readonly forceColor = false,
  ) {}

  /** One JSON document on stdout. */
  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One JSON object per line on stdout. */
  ndjson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** RFC 4180 CSV on stdout. */
  csv(head: readonly string[], rows: ReadonlyArray<readonly unknown[]>): void {
    this.stdout.write(`${head.map(csvCell).join(',')}\n`);
    for (const row of rows) this.stdout.write(`${row.map(csvCell).join(',')}\n`);
  }

  /** A human table on stdout; plain (no ANSI) unless stdout is a colour TTY. */
  table(head: readonly string[], rows: ReadonlyArray<readonly unknown[]>, options: { align?: Array<'left' | 'right'> } = {}): void {
    const styled = this.color && (this.forceColor || this.stdout.isTTY === true);
    const Table = loadTable();
    const t = new Table({
      head: [...head],
      style: styled ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
      // cli-table3 reads colAligns[x] unconditionally: never pass undefined
      ...(options.align ? { colAligns: options.align } : {}),
      ...(styled ? {} : { chars: plainChars }),
    });
    for (const row of rows) t.push(row.map((v) => escapeTerminal(cellText(v))));
    this.stdout.write(`${t.toString()}\n`);
  }

  /** Plain text on stdout. */
  text(line: string): void {
    this.stdout.write(`${escapeTerminal(line)}\n`);
  }

  /** A message for the human on stderr. */
  info(message: string): void {
    if (!this.quiet) this.stderr.write(`${escapeTerminal(message)}\n`);
  }

  /** One indented detail line of an error (`path: problem`) on stderr. */
  detail(line: string): void {
    this.stderr.write(`  ${escapeTerminal(line)}\n`);
  }

  /** A warning on stderr; `-q` silences it too (quiet means only errors). */
  warn(message: string): void {
    if (this.quiet) return;
    this.stderr.write(`${this.paint('warning:', 33)} ${escapeTerminal(message)}\n`);
  }

  error(message: string): void {
    this.stderr.write(`${this.paint('error:', 31)} ${escapeTerminal(message)}\n`);
  }

  paint(text: string, ansi: number): string {
    return this.color && (this.forceColor || this.stderr.isTTY === true) ? `\u001b[${ansi}m${text}\u001b[0m` : text;
  }

  /** A spinner on stderr when it is a TTY; otherwise a no-op (progress must never pollute pipes). */
  async spinner(text: string): Promise<Spinner> {
    if (this.quiet || this.stderr.isTTY !== true) return noopSpinner;
    const { default: ora } = await import('ora');
    const s = ora({ text: escapeTerminal(text), stream: this.stderr as NodeJS.WritableStream, color: 'cyan', isEnabled: true }).start();
    return {
      update: (t) => void (s.text = escapeTerminal(t)),
      succeed: (t) => void s.succeed(t === undefined ? t : escapeTerminal(t)),
      fail: (t) => void s.fail(t === undefined ? t : escapeTerminal(t)),
      stop: () => void s.stop(),
    };
  }
}

const noopSpinner: Spinner = { update() {}, succeed() {}, fail() {}, stop() {} };

const plainChars = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

// C0 controls except tab and newline, DEL, and C1 controls (U+009B is a one-character CSI).
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text bound for a terminal with every control character made visible (`\u001b` for ESC): stored
 * text (a run name, a ledger note, a draw imported long ago) can never move the cursor, clear the
 * screen or set the window title. Every human line and table cell passes through here; JSON and
 * CSV are data and keep their bytes.
 */
export function escapeTerminal(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cellText).join(' ');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? '';
}

/** A CSV cell: RFC 4180 and formula-neutralised by the one encoder in `core/csv.ts` (numbers exempt). */
export function csvCell(v: unknown): string {
  return encodeCsvCell(cellText(v), typeof v === 'number' || typeof v === 'bigint');
}

/** Formats integer centavos for humans: `R$ 1.234,56`. JSON carries plain `*_cents` integers. */
export { formatBRL, formatMoney } from '../core/finance/money.js';
