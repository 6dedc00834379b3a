/**
 * Rows of raw cell text -> validated {@link Draw}s and rejected rows. Pure: no I/O, no clock.
 * A row with any bad cell is rejected whole, with every problem named; the other rows land.
 */
import { BALL_MAX, BALL_MIN, type Balls, type Draw, LAST_CRUZEIRO_REAL_CONTEST, type TierResult } from '../core/draw.js';
import { CellProblem, isBlank, parseCentsCell, parseCount, parseDate, parseMoneyCents, parseRequiredInt, parseText } from './cell-values.js';
import { BALL_KEYS, type ColumnKey, type ColumnMap, type TierKey, detectColumns } from './columns.js';

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
}

/**
 * Known errors in the operator's data, fixed on import and reported. Contest 380 reads
 * 12/03/1997 in the workbook; it was drawn on 1998-03-12, between contests 379 (1998-03-08)
 * and 381 (1998-03-15).
 */
export const KNOWN_DATE_CORRECTIONS: ReadonlyArray<{ contest: number; from: string; to: string; reason: string }> = [
  { contest: 380, from: '1997-03-12', to: '1998-03-12', reason: 'wrong year in the operator\'s workbook: contest 379 was drawn on 1998-03-08 and 381 on 1998-03-15' },
];

const TIERS: readonly TierKey[] = [5, 4, 3, 2];

/** Parses every data row under the detected header. Throws E_DATA_INVALID when no header is found. */
export function parseDrawRows(rows: readonly string[][], options: ParseRowsOptions): ParsedRows {
  const columns = detectColumns(rows, options.label);
  const { index, cents } = columns;
  // JSON-encoded once; each row's raw JSON is then a cheap concatenation
  const keys = rawKeys(columns.header).map((k) => `${JSON.stringify(k)}:`);
  const lineOf = (i: number) => options.lines?.[i] ?? i + 1;
  const draws: ParsedDraw[] = [];
  const rejected: RejectedRow[] = [];
  const corrections: Correction[] = [];
  const firstRowOf = new Map<number, number>();
  let rowsRead = 0;

  for (let i = columns.headerRow + 1; i < rows.length; i++) {
    const cells = rows[i]!;
    if (cells.every((c) => isBlank(c))) continue;
    rowsRead++;
    const row = lineOf(i);
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

    if (contest > 0 && !problems.length) {
      const first = firstRowOf.get(contest);
      if (first !== undefined) problems.push(`appears again (first on row ${first}); the later row is ignored`);
      else firstRowOf.set(contest, row);
    }
    if (problems.length || balls === undefined) {
      rejected.push({ row, reason: `${contest > 0 ? `contest ${contest}: ` : ''}${problems.join('; ')}` });
      continue;
    }
    const fix = KNOWN_DATE_CORRECTIONS.find((c) => c.contest === contest && c.from === date);
    if (fix) {
      corrections.push({ contest, field: 'draw_date', from: fix.from, to: fix.to, reason: fix.reason });
      date = fix.to;
    }
    draws.push({
      row,
      raw: `{${keys.map((k, c) => k + JSON.stringify(cells[c] ?? '')).join(',')}}`,
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
  }
  const present = new Set(Object.keys(index) as ColumnKey[]);
  return { columns, draws, rejected, corrections, rowsRead, present };
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
