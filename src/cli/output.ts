/**
 * Output: data to stdout (table | json | ndjson | csv), messages and progress to stderr.
 * Human tables are plain when stdout is not a TTY, with NO_COLOR or --no-color.
 */
import { encodeCsvCell } from '../core/csv.js';
import { type Progress, ProgressMeter, noProgress, progressLine } from './progress.js';
import { displayWidth, renderTable, type TableLayout } from './table.js';

export interface Stream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean | undefined;
  /** a terminal's width (Node sets it on TTY streams) */
  columns?: number | undefined;
}

export type Format = 'table' | 'json' | 'ndjson' | 'csv';

export class Output {
  constructor(
    readonly stdout: Stream,
    readonly stderr: Stream,
    readonly color: boolean,
    readonly quiet = false,
    /** colour even when the stream is not a TTY (CLICOLOR_FORCE / FORCE_COLOR); `color` false still wins */
    readonly forceColor = false,
    /** the terminal width tables must fit; undefined when stdout is a pipe or a file, or with --wide */
    readonly width: number | undefined = undefined,
  ) {}

  /** the progress line on stderr, erased before any message so the two never share a line */
  private live: Progress | undefined;

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

  /**
   * A human table on stdout; plain (no ANSI) unless stdout is a colour TTY. On a terminal it fits
   * `width`: the columns in `layout.drop` go first, then long text cells are cut, and stderr says so.
   */
  table(head: readonly string[], rows: ReadonlyArray<readonly unknown[]>, layout: TableLayout = {}): void {
    const styled = this.color && (this.forceColor || this.stdout.isTTY === true);
    const cells = rows.map((row) => row.map((v) => escapeTerminal(cellText(v))));
    const t = renderTable(head.map(escapeTerminal), cells, { ...layout, width: this.width, styled });
    this.stdout.write(`${t.text}\n`);
    if (t.hidden.length) {
      const n = t.hidden.length;
      this.info(`${n} column${n === 1 ? '' : 's'} hidden at ${this.width} columns (${t.hidden.join(', ')}); --wide or pipe to a file for all`);
    } else if (t.cut) this.info(`long cells cut to fit ${this.width} columns; --wide or pipe to a file for all of them`);
  }

  /** Plain text on stdout; on a terminal, wrapped at spaces to its width. */
  text(line: string): void {
    const text = escapeTerminal(line);
    this.stdout.write(`${this.width === undefined ? text : wrapText(text, this.width)}\n`);
  }

  /** A message for the human on stderr. */
  info(message: string): void {
    if (this.quiet) return;
    this.live?.clear();
    this.stderr.write(`${escapeTerminal(message)}\n`);
  }

  /** One indented detail line of an error (`path: problem`) on stderr. */
  detail(line: string): void {
    this.live?.clear();
    this.stderr.write(`  ${escapeTerminal(line)}\n`);
  }

  /**
   * Says on stderr that a list stopped at its limit and more rows match: `showing the first 50 runs
   * (--limit N for more, 0 for all)`. Human tables only: the callers skip it for JSON, NDJSON and CSV.
   */
  limited(shown: number, noun: string): void {
    this.info(`showing the first ${shown.toLocaleString('en-US')} ${noun} (--limit N for more, 0 for all)`);
  }

  /** A warning on stderr; `-q` silences it too (quiet means only errors). */
  warn(message: string): void {
    if (this.quiet) return;
    this.live?.clear();
    this.stderr.write(`${this.paint('warning:', 33)} ${escapeTerminal(message)}\n`);
  }

  error(message: string): void {
    this.live?.clear();
    this.stderr.write(`${this.paint('error:', 31)} ${escapeTerminal(message)}\n`);
  }

  paint(text: string, ansi: number): string {
    return this.color && (this.forceColor || this.stderr.isTTY === true) ? `\u001b[${ansi}m${text}\u001b[0m` : text;
  }

  /**
   * A progress line with rate and time left on stderr when it is a terminal (and not -q); a no-op
   * otherwise, so a pipe or a log file gets not one byte of it.
   */
  async progress(label: string, unit: string, total?: number, count?: (n: number) => string): Promise<Progress> {
    if (this.quiet || this.stderr.isTTY !== true) return noProgress;
    const { default: ora } = await import('ora');
    const spinner = ora({
      stream: terminalStream(this.stderr) as unknown as NodeJS.WritableStream,
      isEnabled: true,
      // Ctrl-C must reach the command (it stops a run at a contest boundary), not a stdin discarder
      discardStdin: false,
      color: this.color ? 'cyan' : false,
    });
    const meter = new ProgressMeter(escapeTerminal(label), unit, total, undefined, count);
    spinner.start(meter.line());
    const line = progressLine(spinner, meter);
    this.live = line;
    return line;
  }
}

/**
 * `stream` (a terminal, or a test's stand-in for one) with the cursor calls ora makes, written as
 * the ANSI sequences node:tty would write, so the spinner draws on any stream the CLI was given.
 */
function terminalStream(stream: Stream) {
  const esc = (seq: string) => (stream.write(`\u001b[${seq}`), true);
  return {
    isTTY: true,
    get columns() {
      return (stream as { columns?: number }).columns ?? 80;
    },
    write: (chunk: string | Uint8Array) => (stream.write(chunk), true),
    cursorTo: (x: number) => esc(`${x + 1}G`),
    moveCursor: (dx: number, dy: number) => (dy < 0 ? esc(`${-dy}A`) : dy > 0 ? esc(`${dy}B`) : true) && (dx === 0 || esc(dx < 0 ? `${-dx}D` : `${dx}C`)),
    clearLine: () => esc('2K'),
    on: () => undefined,
    off: () => undefined,
    removeListener: () => undefined,
    once: () => undefined,
  };
}

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

/** `text` broken at spaces so no line passes `width` columns (a longer word keeps its line); its own line breaks stay. */
function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (displayWidth(line) <= width) return line;
      const indent = /^ */.exec(line)![0];
      const out: string[] = [];
      let cur = '';
      for (const word of line.slice(indent.length).split(' ')) {
        const next = cur === '' ? indent + word : `${cur} ${word}`;
        if (cur !== '' && displayWidth(next) > width) {
          out.push(cur);
          cur = indent + word;
        } else cur = next;
      }
      out.push(cur);
      return out.join('\n');
    })
    .join('\n');
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
