/**
 * A run file: one self-contained SQLite file per run under `<data-dir>/runs/<run_id>.sqlite`,
 * holding the run's metadata, every contest's draw and tickets with their hits, the run's
 * simulated ledger (one append-only entry per contest) and its summary. The only module with the
 * run file's SQL: callers get a {@link RunFile} (no raw database) and typed rows (numbers as
 * `number[]`, never the stored `"1 2 3"` text).
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LuckyError } from '../errors.js';
import { type Db, type Migration, migrate, openDatabase } from './sqlite.js';

export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{5,63}$/;

/** Validates a run id before it is ever joined into a path. */
export function parseRunId(id: string): string {
  if (!RUN_ID_PATTERN.test(id))
    throw new LuckyError('E_INPUT_INVALID', `"${id}" is not a run id (expected lowercase letters, digits and dashes, 6-64 characters)`);
  return id;
}

export function runsDir(dataDir: string): string {
  return join(dataDir, 'runs');
}

export function runFilePath(dataDir: string, runId: string): string {
  return join(runsDir(dataDir), `${parseRunId(runId)}.sqlite`);
}

export const RUN_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'run-file',
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE contests (
          contest INTEGER PRIMARY KEY,
          draw_date TEXT NOT NULL,
          balls TEXT NOT NULL,
          best_hits INTEGER NOT NULL,
          best_ticket INTEGER NOT NULL,
          hits_histogram TEXT NOT NULL,
          cost_cents INTEGER NOT NULL,
          prize_cents INTEGER NOT NULL,
          prize_estimated INTEGER NOT NULL CHECK (prize_estimated IN (0, 1))
        ) STRICT;
        CREATE TABLE tickets (
          contest INTEGER NOT NULL REFERENCES contests(contest),
          ticket INTEGER NOT NULL,
          numbers TEXT NOT NULL,
          hits INTEGER NOT NULL CHECK (hits BETWEEN 0 AND 5),
          score REAL NOT NULL,
          PRIMARY KEY (contest, ticket)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE ledger (
          id INTEGER PRIMARY KEY,
          contest INTEGER NOT NULL UNIQUE REFERENCES contests(contest),
          draw_date TEXT NOT NULL,
          tickets INTEGER NOT NULL,
          cost_cents INTEGER NOT NULL CHECK (cost_cents >= 0),
          prize_cents INTEGER NOT NULL CHECK (prize_cents >= 0),
          prize_estimated INTEGER NOT NULL CHECK (prize_estimated IN (0, 1)),
          note TEXT
        ) STRICT;
        CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'the run ledger is append-only'); END;
        CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'the run ledger is append-only'); END;
        CREATE TABLE summary (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, written_at TEXT NOT NULL) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'best-of-law',
    up(db) {
      // The best-of null law of each contest's tickets (src/core/best-of.ts formatBestOfLaw).
      // NULL in contests written before this column: summaries recompute it from the tickets.
      db.exec('ALTER TABLE contests ADD COLUMN best_of TEXT');
    },
  },
];

/** One contest's outcome as the engine writes it. */
export interface ContestResult {
  contest: number;
  draw_date: string;
  balls: readonly number[];
  tickets: ReadonlyArray<{ numbers: readonly number[]; score: number; hits: number }>;
  best_hits: number;
  /** 0-based index of the first ticket with the most hits */
  best_ticket: number;
  /** tickets with 0..5 hits */
  hits_histogram: number[];
  cost_cents: number;
  prize_cents: number;
  prize_estimated: boolean;
  /** the best-of null law of these tickets (src/core/best-of.ts formatBestOfLaw) */
  best_of?: string | null;
}

/** One contest of a run file, typed. */
export interface ContestRow {
  contest: number;
  draw_date: string;
  balls: number[];
  best_hits: number;
  best_ticket: number;
  /** tickets with 0..5 hits (6 counts) */
  hits_histogram: number[];
  cost_cents: number;
  prize_cents: number;
  prize_estimated: boolean;
  /**
   * the contest's best-of null law in the text form src/core/best-of.ts writes and parses
   * (formatBestOfLaw / parseBestOfLaw: opaque to the store); null in files written before run-file migration 2
   */
  best_of: string | null;
}

/** A contest row with the numbers of its best ticket. */
export interface ContestPageRow extends ContestRow {
  best_numbers: number[] | null;
}

/** One stored ticket. */
export interface TicketRow {
  contest: number;
  ticket: number;
  numbers: number[];
  hits: number;
  score: number;
}

/** An open run file. Every read returns typed rows; `close()` it when done. */
export interface RunFile {
  readonly file: string;
  /** the `meta` key/value pairs */
  readMeta(): Record<string, string>;
  /** upserts meta values (null values are skipped), in one transaction */
  writeMeta(values: Record<string, string | number | null>): void;
  /** a batched writer: one transaction per call, prepared statements reused */
  resultWriter(): (batch: readonly ContestResult[]) => void;
  /** contests already recorded (for resume) */
  doneContests(): Set<number>;
  /** the contest numbers, in order */
  contestNumbers(): number[];
  /** every contest row, in contest order */
  contests(): ContestRow[];
  /** one page of contests in contest order: after `after`, with at least `minHits` on the best ticket */
  contestPage(f: ContestPageFilter): ContestPageRow[];
  /** the tickets of one contest, in ticket order */
  contestTickets(contest: number): TicketRow[];
  /** every ticket in (contest, ticket) order, streamed */
  iterateTickets(): IterableIterator<TicketRow>;
  /** the stored summary, or undefined before the run ended */
  readSummary(): unknown;
  /** stores the summary (see {@link writeSummary}) */
  writeSummary(summary: unknown, at: string): void;
  /** `PRAGMA integrity_check`: 'ok' or the first problem */
  integrityCheck(): string;
  /** folds the WAL into the file and truncates it (a finished run file is one self-contained file) */
  checkpoint(): void;
  close(): void;
}

/** Opens (creating and migrating if needed) a run file. */
export function openRunFile(file: string, options: { mustExist?: boolean; readonly?: boolean } = {}): RunFile {
  const db = openDatabase(file, { mustExist: options.mustExist ?? false, readonly: options.readonly ?? false });
  try {
    refuseOtherDatabase(db, file);
    if (!options.readonly) migrate(db, RUN_MIGRATIONS, file);
    else {
      const v = db.pragma('user_version', { simple: true }) as number;
      if (v > RUN_MIGRATIONS.length) throw new LuckyError('E_SCHEMA_TOO_NEW', `${file} was written by a newer luckyfive`);
    }
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    file,
    readMeta: () => readRunMeta(db),
    writeMeta: (values) => writeRunMeta(db, values),
    resultWriter: () => createResultWriter(db),
    doneContests: () => new Set(db.prepare('SELECT contest FROM contests').pluck().all() as number[]),
    contestNumbers: () => db.prepare('SELECT contest FROM contests ORDER BY contest').pluck().all() as number[],
    contests: () => readContestRows(db),
    contestPage: (f) => readContestPage(db, f),
    contestTickets: (contest) =>
      (db.prepare('SELECT contest, ticket, numbers, hits, score FROM tickets WHERE contest = ? ORDER BY ticket').all(contest) as StoredTicket[]).map(
        toTicketRow,
      ),
    iterateTickets: () => iterateTickets(db),
    readSummary: () => readSummary(db),
    writeSummary: (summary, at) => writeSummary(db, summary, at),
    integrityCheck: () => String(db.pragma('integrity_check', { simple: true })),
    checkpoint: () => void db.pragma('wal_checkpoint(TRUNCATE)'),
    close: () => db.open && db.close(),
  };
}

/** Read-only run files kept open between reads, newest use last; at most {@link OPEN_FOR_READING} of them. */
const readers = new Map<string, { rf: RunFile; dev: number; ino: number }>();
const OPEN_FOR_READING = 16;

/**
 * Runs `read` on the run file `file` opened read-only, keeping it open for the next read of the
 * same file: the server reads the same runs' reports and contest pages again and again, and
 * opening a file (schema checks, pragmas) cost about a fifth of such a request. A kept handle is
 * used only while the path still names the same file (device and inode: a deleted, restored or
 * re-imported run is opened afresh); SQLite itself sees every commit made since (WAL). A failed
 * read drops the handle. Errors are those of {@link openRunFile}.
 */
export function readRunFile<T>(file: string, read: (rf: RunFile) => T): T {
  let id: { dev: number; ino: number } | undefined;
  try {
    id = statSync(file);
  } catch {
    id = undefined;
  }
  let kept = readers.get(file);
  if (kept && (id === undefined || kept.dev !== id.dev || kept.ino !== id.ino)) {
    readers.delete(file);
    kept.rf.close();
    kept = undefined;
  }
  if (!kept) {
    const rf = openRunFile(file, { mustExist: true, readonly: true });
    if (id === undefined) {
      // created between the stat and the open: read it once, keep nothing
      try {
        return read(rf);
      } finally {
        rf.close();
      }
    }
    kept = { rf, dev: id.dev, ino: id.ino };
    if (readers.size >= OPEN_FOR_READING) {
      const [oldest, entry] = readers.entries().next().value as [string, { rf: RunFile }];
      readers.delete(oldest);
      entry.rf.close();
    }
  } else readers.delete(file); // re-inserted below: the newest use goes last
  readers.set(file, kept);
  try {
    return read(kept.rf);
  } catch (e) {
    readers.delete(file);
    kept.rf.close();
    throw e;
  }
}

/**
 * A SQLite file with a schema but no run tables (a catalog, a backup manifest's neighbour, any
 * other database) is "not a run file", not "written by a newer luckyfive".
 */
function refuseOtherDatabase(db: Db, file: string): void {
  if ((db.pragma('user_version', { simple: true }) as number) === 0) return;
  const tables = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]);
  if (['meta', 'contests', 'tickets', 'summary'].every((t) => tables.has(t))) return;
  const what = tables.has('draws') && tables.has('runs') ? ' (it is a luckyfive catalog)' : '';
  throw new LuckyError('E_DATA_INVALID', `${file} is not a luckyfive run file${what}`, [
    'a run file is runs/<run_id>.sqlite in a data dir, or one downloaded with GET /runs/{run_id}/file',
  ]);
}

function readRunMeta(db: Db): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

function writeRunMeta(db: Db, values: Record<string, string | number | null>): void {
  const stmt = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const [k, v] of Object.entries(values)) if (v !== null) stmt.run(k, String(v));
  })();
}

/** The stored text of a list of numbers ("1 2 3"): written and read here only. */
function formatNumbers(v: readonly number[]): string {
  return v.join(' ');
}

function parseNumbers(text: string): number[] {
  return text.split(' ').map(Number);
}

/** Batched writer: one transaction per call, prepared statements reused. */
function createResultWriter(db: Db): (batch: readonly ContestResult[]) => void {
  const insContest = db.prepare(
    `INSERT INTO contests (contest, draw_date, balls, best_hits, best_ticket, hits_histogram, cost_cents, prize_cents, prize_estimated, best_of)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insTicket = db.prepare('INSERT INTO tickets (contest, ticket, numbers, hits, score) VALUES (?, ?, ?, ?, ?)');
  const insLedger = db.prepare('INSERT INTO ledger (contest, draw_date, tickets, cost_cents, prize_cents, prize_estimated, note) VALUES (?, ?, ?, ?, ?, ?, ?)');
  return db.transaction((batch: readonly ContestResult[]) => {
    for (const r of batch) {
      insContest.run(
        r.contest,
        r.draw_date,
        formatNumbers(r.balls),
        r.best_hits,
        r.best_ticket,
        formatNumbers(r.hits_histogram),
        r.cost_cents,
        r.prize_cents,
        r.prize_estimated ? 1 : 0,
        r.best_of ?? null,
      );
      r.tickets.forEach((t, i) => insTicket.run(r.contest, i, formatNumbers(t.numbers), t.hits, t.score));
      insLedger.run(
        r.contest,
        r.draw_date,
        r.tickets.length,
        r.cost_cents,
        r.prize_cents,
        r.prize_estimated ? 1 : 0,
        r.cost_cents === 0 && r.prize_cents === 0 ? 'outside the money era' : null,
      );
    }
  });
}

interface StoredContest {
  contest: number;
  draw_date: string;
  balls: string;
  best_hits: number;
  best_ticket: number;
  hits_histogram: string;
  cost_cents: number;
  prize_cents: number;
  prize_estimated: number;
  best_of: string | null;
}

interface StoredTicket {
  contest: number;
  ticket: number;
  numbers: string;
  hits: number;
  score: number;
}

function toContestRow(r: StoredContest): ContestRow {
  return {
    contest: r.contest,
    draw_date: r.draw_date,
    balls: parseNumbers(r.balls),
    best_hits: r.best_hits,
    best_ticket: r.best_ticket,
    hits_histogram: parseNumbers(r.hits_histogram),
    cost_cents: r.cost_cents,
    prize_cents: r.prize_cents,
    prize_estimated: r.prize_estimated === 1,
    // a file written before run-file migration 2 has no such column (read-only opens do not migrate)
    best_of: r.best_of ?? null,
  };
}

function toTicketRow(r: StoredTicket): TicketRow {
  return { contest: r.contest, ticket: r.ticket, numbers: parseNumbers(r.numbers), hits: r.hits, score: r.score };
}

function readContestRows(db: Db): ContestRow[] {
  return (db.prepare('SELECT * FROM contests ORDER BY contest').all() as StoredContest[]).map(toContestRow);
}

function* iterateTickets(db: Db): Generator<TicketRow> {
  const stmt = db.prepare('SELECT contest, ticket, numbers, hits, score FROM tickets ORDER BY contest, ticket');
  for (const r of stmt.iterate() as Iterable<StoredTicket>) yield toTicketRow(r);
}

/**
 * Stores the run's summary. Its `file` is stored as `runs/<name>` only: a run file travels
 * (downloads, `runs import` elsewhere) and must not carry the server's absolute paths; readers
 * put the current path back.
 */
function writeSummary(db: Db, summary: unknown, at: string): void {
  if (summary !== null && typeof summary === 'object' && typeof (summary as { file?: unknown }).file === 'string') {
    summary = { ...summary, file: `runs/${basename((summary as { file: string }).file)}` };
  }
  db.prepare(
    'INSERT INTO summary (id, json, written_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json, written_at = excluded.written_at',
  ).run(JSON.stringify(summary), at);
}

function readSummary(db: Db): unknown {
  const row = db.prepare('SELECT json FROM summary WHERE id = 1').get() as { json: string } | undefined;
  return row ? (JSON.parse(row.json) as unknown) : undefined;
}

export interface ContestPageFilter {
  after?: number | undefined;
  minHits?: number | undefined;
  limit: number;
}

/** One page of a run's contests in contest order: after `after`, with at least `minHits` on the best ticket. One query. */
export function readContestPage(db: Db, f: ContestPageFilter): ContestPageRow[] {
  const rows = db
    .prepare(
      `SELECT c.*, t.numbers AS best_numbers FROM contests c LEFT JOIN tickets t ON t.contest = c.contest AND t.ticket = c.best_ticket
       WHERE c.contest > @after AND c.best_hits >= @min ORDER BY c.contest LIMIT @limit`,
    )
    .all({ after: f.after ?? 0, min: f.minHits ?? 0, limit: f.limit }) as Array<StoredContest & { best_numbers: string | null }>;
  return rows.map((r) => ({ ...toContestRow(r), best_numbers: r.best_numbers === null ? null : parseNumbers(r.best_numbers) }));
}
