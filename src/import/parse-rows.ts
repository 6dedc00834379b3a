/**
 * Rows of raw cell text -> validated {@link Draw}s and rejected rows. Pure: no I/O, no clock.
 * A row with any bad cell is rejected whole, with every problem named; the other rows land.
 */
import { BALL_MAX, BALL_MIN, type Balls, type Draw, LAST_CRUZEIRO_REAL_CONTEST, type TierResult } from '../core/draw.js';
import { CellProblem, isBlank, parseCentsCell, parseCount, parseDate, parseMoneyCents, parseRequiredInt, parseText } from './cell-values.js';
import { BALL_KEYS, type ColumnKey, type ColumnMap, type TierKey, detectColumns } from './columns.js';
import { LuckyError } from '../errors.js';

export interface ParsedDraw {
  /** 1-based row (xlsx) or line (CSV) in the file, header included */
  row: number;
  draw: Draw;
  /** the row's raw cells as JSON `{header: text}`, stored in `draws.raw` */
  raw: string;
}

export interface RejectedRow {
  row: number;
  reason: string;
}

/** A documented fix applied to the data on the way in. */
export interface Correction {
  contest: number;
  field: string;
  from: string;
  to: string;
  reason: string;
}

export interface ParsedRows {
  columns: ColumnMap;
  draws: ParsedDraw[];
  rejected: RejectedRow[];
  corrections: Correction[];
  /** non-blank data rows (after the header) */
  rowsRead: number;
  /** fields the file has a column for; the others are unknown, not empty */
  present: ReadonlySet<ColumnKey>;
  /** contests dated before the contest below them (the first 100 of `total`) */
  date_inversions: { items: DateInversion[]; total: number };
}

export interface ParseRowsOptions {
  /** 1-based row numbers of `rows[i]` (CSV records may span lines); default i + 1 */
  lines?: readonly number[];
  /** stored in `draws.source` */
  source: string;
  synthetic?: boolean;
  /** plain numbers in the date column are Excel date serials (workbooks only) */
  excelSerialDates?: boolean;
  /** how the file is named in messages */
  label?: string;
  /** refuse rows with more fields than the header (CSV) */
  strictWidth?: boolean;
  /** today's date (yyyy-mm-dd): a later draw date is refused; unchecked when absent */
  today?: string;
}

/**
 * Known errors in the operator's data, fixed on import and reported. Contest 380 reads
 * 12/03/1997 in the workbook; it was drawn on 1998-03-12, between contests 379 (1998-03-08)
 * and 381 (1998-03-15).
 */
export const KNOWN_DATE_CORRECTIONS: ReadonlyArray<{ contest: number; from: string; to: string; reason: string }> = [
  {
    contest: 380,
    from: '1997-03-12',
    to: '1998-03-12',
    reason: "wrong year in the operator's workbook: contest 379 was drawn on 1998-03-08 and 381 on 1998-03-15",
  },
];

const TIERS: readonly TierKey[] = [5, 4, 3, 2];

/** The first Quina draw: a date before it is a mistake. */
export const FIRST_DRAW_DATE = '1994-03-13';
/** More data rows than this is not a results file: Quina has had about 7,000 draws (6 a week now). */
export const MAX_DATA_ROWS = 50_000;
/** The raw text kept for the accepted rows (stored in `draws.raw`), all rows together: about 1 M characters for the operator's file. */
export const MAX_RAW_CHARS = 32 * 1024 * 1024;
/** An import stops at this many rejected rows: the file is not the results file it claims to be. */
export const MAX_REJECTED_ROWS = 1_000;
/** Date inversions reported at most (the rest are counted). */
const MAX_DATE_INVERSIONS = 100;

/** A contest dated before the contest below it (sorted by contest): reported, not refused. */
export interface DateInversion {
  contest: number;
  date: string;
  previous_contest: number;
  previous_date: string;
}

/** Parses every data row under the detected header. Throws E_DATA_INVALID when no header is found. */
export function parseDrawRows(rows: readonly string[][], options: ParseRowsOptions): ParsedRows {
  const parser = createDrawRowParser(options);
  rows.forEach((cells, i) => parser.push(cells, options.lines?.[i] ?? i + 1));
  return parser.finish();
}

/**
 * The row parser fed one row at a time (a CSV streams its records into it), so only the draws
 * and at most {@link MAX_REJECTED_ROWS} rejections are ever held. The header is looked for in
 * the first rows (`detectColumns`); rows before it are held until it is found.
 */
export function createDrawRowParser(options: ParseRowsOptions): { push(cells: string[], row: number): void; finish(): ParsedRows } {
  const label = options.label ?? 'file';
  const before: Array<{ cells: string[]; row: number }> = [];
  let nonBlankBefore = 0;
  let state: ReturnType<typeof startRows> | undefined;
  const detect = () => {
    const columns = detectColumns(
      before.map((b) => b.cells),
      options.label,
    );
    state = startRows(columns, options);
    for (const b of before.slice(columns.headerRow + 1)) state.push(b.cells, b.row);
    before.length = 0;
  };
  return {
    push(cells, row) {
      if (state) return state.push(cells, row);
      before.push({ cells, row });
      if (!cells.every((c) => isBlank(c))) nonBlankBefore++;
      // detectColumns looks at the first 10 non-blank rows
      if (nonBlankBefore >= 10) detect();
      else if (before.length > 10_000) throw new LuckyError('E_DATA_INVALID', `${label} has no header in its first 10,000 rows`);
    },
    finish() {
      if (!state) detect();
      return state!.finish();
    },
  };
}

function startRows(columns: ColumnMap, options: ParseRowsOptions): { push(cells: string[], row: number): void; finish(): ParsedRows } {
  const { index, cents } = columns;
  const label = options.label ?? 'file';
  // JSON-encoded once; each row's raw JSON is then a cheap concatenation
  const keys = rawKeys(columns.header).map((k) => `${JSON.stringify(k)}:`);
  const width = columns.header.length;
  const draws: ParsedDraw[] = [];
  const rejected: RejectedRow[] = [];
  const corrections: Correction[] = [];
  const firstRowOf = new Map<number, number>();
  let rowsRead = 0;
  let rawChars = 0;

  const push = (cells: string[], row: number): void => {
    if (cells.every((c) => isBlank(c))) return;
    rowsRead++;
    if (rowsRead > MAX_DATA_ROWS) {
      throw new LuckyError(
        'E_DATA_INVALID',
        `${label} has more than ${MAX_DATA_ROWS.toLocaleString('en')} data rows (stopped at row ${row}): Quina has had about 7,000 draws, so this is not a results file`,
      );
    }
    const cell = (k: ColumnKey): string | undefined => {
      const at = index[k];
      return at === undefined ? undefined : cells[at];
    };
    const problems: string[] = [];
    const attempt = <T>(fn: () => T, fallback: T): T => {
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof CellProblem)) throw e;
        problems.push(e.message);
        return fallback;
      }
    };
    const money = (k: ColumnKey, what: string): number | null =>
      attempt(() => (cents.has(k) ? parseCentsCell(cell(k), what) : parseMoneyCents(cell(k), what)), null);

    if (options.strictWidth && cells.length > width) problems.push(`has ${cells.length} fields, the header has ${width}`);
    const contest = attempt(() => parseRequiredInt(cell('contest'), 'contest', 1, 2_147_483_647), 0);
    let date = attempt(() => parseDate(cell('date'), { excelSerial: options.excelSerialDates === true }), '');
    const balls = attempt(() => parseBalls(BALL_KEYS.map((k) => cell(k))), undefined);
    const tiers = {} as Record<TierKey, TierResult>;
    for (const h of TIERS) {
      tiers[h] = {
        winners: attempt(() => parseCount(cell(`winners_${h}`), `winners (${h} hits)`), null),
        prize_cents: money(`prize_${h}`, `prize (${h} hits)`),
      };
    }
    const accumulated = money('accumulated_5', 'accumulated (5 hits)');
    const revenue = money('revenue', 'total revenue');
    const estimated = money('estimated_next', 'estimated next prize');
    const saoJoao = money('accumulated_sao_joao', 'accumulated São João');

    const fix = KNOWN_DATE_CORRECTIONS.find((c) => c.contest === contest && c.from === date);
    if (date !== '' && !fix) {
      if (date < FIRST_DRAW_DATE) problems.push(`date ${date} is before the first Quina draw (${FIRST_DRAW_DATE})`);
      else if (options.today !== undefined && date > options.today) problems.push(`date ${date} is in the future (today is ${options.today})`);
    }
    if (contest > 0 && !problems.length) {
      const first = firstRowOf.get(contest);
      if (first !== undefined) problems.push(`appears again (first on row ${first}); the later row is ignored`);
      else firstRowOf.set(contest, row);
    }
    if (problems.length || balls === undefined) {
      rejected.push({ row, reason: `${contest > 0 ? `contest ${contest}: ` : ''}${problems.join('; ')}` });
      if (rejected.length >= MAX_REJECTED_ROWS) {
        throw new LuckyError(
          'E_DATA_INVALID',
          `${label}: stopped at row ${row} after ${MAX_REJECTED_ROWS.toLocaleString('en')} rejected rows: is it a Quina results file? Nothing was imported`,
          rejected.slice(0, 10).map((r) => `row ${r.row}: ${r.reason}`),
        );
      }
      return;
    }
    if (fix) {
      corrections.push({ contest, field: 'draw_date', from: fix.from, to: fix.to, reason: fix.reason });
      date = fix.to;
    }
    const raw = `{${keys.map((k, c) => k + JSON.stringify(cells[c] ?? '')).join(',')}}`;
    rawChars += raw.length;
    if (rawChars > MAX_RAW_CHARS) {
      throw new LuckyError(
        'E_DATA_INVALID',
        `${label}: its rows hold more than ${MAX_RAW_CHARS / 1024 / 1024} M characters of data (stopped at row ${row}): not a results file`,
      );
    }
    draws.push({
      row,
      raw,
      draw: {
        contest,
        date,
        balls,
        tiers,
        accumulated_5_cents: accumulated,
        revenue_cents: revenue,
        estimated_next_cents: estimated,
        accumulated_sao_joao_cents: saoJoao,
        winner_locations: parseText(cell('winner_locations')),
        notes: parseText(cell('notes')),
        currency: contest <= LAST_CRUZEIRO_REAL_CONTEST ? 'CRR' : 'BRL',
        synthetic: options.synthetic === true,
        source: options.source,
      },
    });
  };
  const finish = (): ParsedRows => {
    const present = new Set(Object.keys(index) as ColumnKey[]);
    return { columns, draws, rejected, corrections, rowsRead, present, date_inversions: findDateInversions(draws) };
  };
  return { push, finish };
}

/** Contests dated before the contest below them, in contest order (the first 100, then a count). */
function findDateInversions(draws: readonly ParsedDraw[]): { items: DateInversion[]; total: number } {
  const byContest = draws.map((d) => d.draw).sort((a, b) => a.contest - b.contest);
  const items: DateInversion[] = [];
  let total = 0;
  for (let i = 1; i < byContest.length; i++) {
    const [prev, cur] = [byContest[i - 1]!, byContest[i]!];
    if (cur.date < prev.date) {
      total++;
      if (items.length < MAX_DATE_INVERSIONS) items.push({ contest: cur.contest, date: cur.date, previous_contest: prev.contest, previous_date: prev.date });
    }
  }
  return { items, total };
}

/** Five distinct whole numbers in 1..80, leading zeros allowed, returned sorted. */
export function parseBalls(cells: ReadonlyArray<string | undefined>): Balls {
  const balls = cells.map((c, i) => parseRequiredInt(c, `ball ${i + 1}`, BALL_MIN, BALL_MAX));
  const seen = new Map<number, number>();
  balls.forEach((b, i) => {
    const j = seen.get(b);
    if (j !== undefined) throw new CellProblem(`ball ${j + 1} and ball ${i + 1} are both ${b}`);
    seen.set(b, i);
  });
  return balls.sort((a, b) => a - b) as unknown as Balls;
}

/** Header names as JSON keys for `raw`: trimmed, unique, `col_N` when empty. */
function rawKeys(header: readonly string[]): string[] {
  const used = new Set<string>();
  return header.map((h, i) => {
    let k = h.trim() || `col_${i + 1}`;
    if (used.has(k)) k = `${k}_${i + 1}`;
    used.add(k);
    return k;
  });
}
