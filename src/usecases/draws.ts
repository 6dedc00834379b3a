/**
 * Draws: list, show and summarise the catalog's draws, load the bundled synthetic sample into an
 * empty catalog, and import a results file. `luckyfive draws|import` and the HTTP routes
 * `/draws` and `/imports` call these functions, so each rule (the JSON shape of a draw, paging,
 * the stats document, where an import runs) is written once here.
 */
import type { Balls, Draw } from '../core/draw.js';
import type { RangeFilter } from '../core/contest-range.js';
import { computeDrawStats, type DrawStats } from '../core/draw-stats.js';
import { LuckyError } from '../errors.js';
import { type ImportResult, importDraws, parseImportSource, writeImport } from '../import/import-draws.js';
import { unwrapImportOutcome } from '../import/import-task.js';
import { openResultsFile } from '../import/read-results-file.js';
import { importSample } from '../import/sample.js';
import type { ByteSource } from '../import/byte-source.js';
import { countDraws, type DrawFilter, getDraw as readDraw, listDraws as readDraws, readGaps } from '../store/draws-repo.js';
import { type ImportRecord, listImports as readImports } from '../store/imports-repo.js';
import type { UseCaseDeps } from './deps.js';

export type { ImportResult } from '../import/import-draws.js';
export type { ImportRecord } from '../store/imports-repo.js';

/** One tier of a draw in its JSON shape. */
export interface TierJson {
  hits: 2 | 3 | 4 | 5;
  winners: number | null;
  prize_cents: number | null;
}

/** The stable JSON shape of one draw (snake_case, money in centavos): `draws show --json` and `GET /draws/{contest}`. */
export interface DrawJson {
  contest: number;
  date: string;
  balls: number[];
  tiers: { quina: TierJson; quadra: TierJson; terno: TierJson; duque: TierJson };
  accumulated_5_cents: number | null;
  revenue_cents: number | null;
  currency: 'BRL' | 'CRR';
  synthetic: boolean;
  source: string;
}

const tier = (d: Draw, hits: 2 | 3 | 4 | 5): TierJson => ({ hits, winners: d.tiers[hits].winners, prize_cents: d.tiers[hits].prize_cents });

/** A stored draw in its JSON shape ({@link DrawJson}). */
function toDrawJson(d: Draw): DrawJson {
  return {
    contest: d.contest,
    date: d.date,
    balls: [...d.balls],
    tiers: { quina: tier(d, 5), quadra: tier(d, 4), terno: tier(d, 3), duque: tier(d, 2) },
    accumulated_5_cents: d.accumulated_5_cents,
    revenue_cents: d.revenue_cents,
    currency: d.currency,
    synthetic: d.synthetic,
    source: d.source,
  };
}

/**
 * One draw with its prizes per tier. Refuses a contest that is not in the catalog (E_NOT_FOUND).
 * Returns its {@link DrawJson}.
 */
export function getDraw(deps: Pick<UseCaseDeps, 'catalog'>, contest: number): DrawJson {
  const d = readDraw(deps.catalog.db, contest);
  if (!d) throw new LuckyError('E_NOT_FOUND', `contest ${contest} is not in the catalog`);
  return toDrawJson(d);
}

/** Which draws to list: contest and date bounds (already checked by the front-end), order, a page. */
export interface DrawListQuery {
  from?: number | undefined;
  to?: number | undefined;
  since?: string | undefined;
  until?: string | undefined;
  order: 'asc' | 'desc';
  /** at most this many (undefined: all) */
  limit?: number | undefined;
  /** keyset cursor: contests strictly after (asc) or before (desc) this one */
  after?: number | undefined;
}

/** A page of draws; `next_after` is the last contest of the page when another page follows, else null. */
export interface DrawPage {
  items: DrawJson[];
  next_after: number | null;
}

/**
 * Draws matching the query, in contest order, one query per page (one row more than the page is
 * read to know whether another follows). Refuses nothing: an empty range is an empty page.
 */
export function listDraws(deps: Pick<UseCaseDeps, 'catalog'>, q: DrawListQuery): DrawPage {
  const filter: DrawFilter = { from: q.from, to: q.to, since: q.since, until: q.until, order: q.order, after: q.after };
  if (q.limit !== undefined) filter.limit = q.limit + 1;
  const rows = readDraws(deps.catalog.db, filter);
  const page = q.limit !== undefined ? rows.slice(0, q.limit) : rows;
  const last = page.at(-1);
  return { items: page.map(toDrawJson), next_after: q.limit !== undefined && rows.length > q.limit && last ? last.contest : null };
}

/** `draws stats`: count, range, gaps and per-number frequency with the chi-square uniformity test. */
export interface DrawStatsDoc extends DrawStats {
  count: number;
  first_contest: number;
  last_contest: number;
  first_date: string;
  last_date: string;
  synthetic: boolean;
  gaps: Array<{ from: number; to: number }>;
}

/**
 * Statistics of the draws in a contest range (or the last n contests). Refuses a range with no
 * draws (E_DATA_MISSING). Returns the {@link DrawStatsDoc}; gaps are those that overlap the range.
 */
export function readDrawStats(deps: Pick<UseCaseDeps, 'catalog'>, range: RangeFilter): DrawStatsDoc {
  const db = deps.catalog.db;
  const rows = 'last' in range ? readDraws(db, { order: 'desc', limit: range.last }).reverse() : readDraws(db, range);
  if (rows.length === 0) throw new LuckyError('E_DATA_MISSING', 'no draws in that range');
  const first = rows[0]!.contest;
  const lastContest = rows.at(-1)!.contest;
  const stats = computeDrawStats(rows.map((d): Balls => d.balls));
  return {
    count: rows.length,
    first_contest: first,
    last_contest: lastContest,
    first_date: rows[0]!.date,
    last_date: rows.at(-1)!.date,
    synthetic: rows.some((d) => d.synthetic),
    gaps: readGaps(db).filter((g) => g.to >= first && g.from <= lastContest),
    frequency: stats.frequency,
    expected_per_number: stats.expected_per_number,
    chi_square: stats.chi_square,
    verdict: stats.verdict,
  };
}

/**
 * Makes sure the catalog has draws: an empty catalog gets the bundled SYNTHETIC sample. Returns
 * the sample's import report when it was loaded (the CLI warns that the data is synthetic), or
 * null when the catalog already had draws. Refuses nothing but a missing sample (E_DATA_MISSING).
 */
export function ensureDraws(deps: Pick<UseCaseDeps, 'catalog'>): ImportResult | null {
  if (countDraws(deps.catalog.db) > 0) return null;
  return importSample(deps.catalog.db);
}

/** A results file opened for reading (CSV in slices, never whole); see {@link openImportFile}. */
export type ImportFile = ByteSource & { readonly path: string; close(): void };

/**
 * Opens a results file named on the command line, before the catalog is opened (a missing file
 * must not create an empty data dir). Refuses a missing file or a folder (E_NOT_FOUND) and one
 * over the size limit (E_DATA_INVALID). The import use case closes it.
 */
export function openImportFile(path: string): ImportFile {
  return Object.assign(openResultsFile(path), { path });
}

/** What to import: the bundled sample, a file opened by {@link openImportFile}, or an upload's bytes. */
export type ImportSource = { sample: true } | { file: ImportFile } | { bytes: Uint8Array; name: string };

export interface ImportInput {
  source: ImportSource;
  /** overwrite stored contests whose values differ (not with the sample) */
  replace: boolean;
  /** report what would change; write nothing */
  dryRun: boolean;
}

/**
 * Imports draws into the catalog, in one transaction: the bundled synthetic sample, a results
 * file (`luckyfive import`) or an upload (`POST /imports`). With a pool that runs tasks (the
 * server), an upload is parsed and written on a pool thread with its own connection, so the
 * event loop does neither; otherwise it runs in-process. Refuses an unusable file
 * (E_DATA_INVALID), the sample over real draws or with `replace` (E_CONFLICT / E_USAGE), a
 * locked catalog (E_BUSY). Returns the import report (the same document for both front-ends).
 */
export async function importResults(
  deps: Pick<UseCaseDeps, 'catalog' | 'clock'> & Partial<Pick<UseCaseDeps, 'pool'>>,
  input: ImportInput,
): Promise<ImportResult> {
  const { catalog, clock } = deps;
  // The front-end's reading anchors the import's times; a monotonic offset makes finished_at follow
  // started_at by the import's real duration (the import reads no wall clock).
  const anchor = Date.parse(clock.now);
  const t0 = performance.now();
  const now = () => new Date(anchor + Math.round(performance.now() - t0));
  const { source } = input;
  if ('sample' in source) {
    if (input.replace) throw new LuckyError('E_USAGE', '--replace does not apply to --sample');
    return importSample(catalog.db, { dryRun: input.dryRun });
  }
  if ('file' in source) {
    try {
      const options = { fileName: source.file.path, replace: input.replace, dryRun: input.dryRun, now };
      return writeImport(catalog.db, parseImportSource(source.file, options), options);
    } finally {
      source.file.close();
    }
  }
  const pool = deps.pool;
  if (!pool?.runTask) return importDraws(catalog.db, source.bytes, { fileName: source.name, replace: input.replace, dryRun: input.dryRun, now });
  const task = {
    dataDir: catalog.dataDir,
    bytes: source.bytes,
    fileName: source.name,
    replace: input.replace,
    dryRun: input.dryRun,
    nowMs: Date.parse(clock.now),
  };
  return unwrapImportOutcome(await pool.runTask('importFile', task));
}

/** A page of the import history, newest first; `next_before` is the last id when another page follows, else null. */
export interface ImportPage {
  items: ImportRecord[];
  next_before: number | null;
}

/** The import history, newest first, one query per page (ids below `before` when given). Refuses nothing. */
export function listImports(deps: Pick<UseCaseDeps, 'catalog'>, q: { limit: number; before?: number | undefined }): ImportPage {
  const rows = readImports(deps.catalog.db, { limit: q.limit + 1, before: q.before });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page, next_before: rows.length > q.limit && last ? last.id : null };
}
