/**
 * A run file: one self-contained SQLite file per run under `<data-dir>/runs/<run_id>.sqlite`,
 * holding the run's metadata, every contest's draw and tickets with their hits, the run's
 * simulated ledger (one append-only entry per contest) and its summary.
 */
import { basename, join } from 'node:path';
import { LuckyError } from '../errors.js';
import { type Db, type Migration, migrate, openDatabase } from './sqlite.js';

export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{5,63}$/;

/** Validates a run id before it is ever joined into a path. */
export function parseRunId(id: string): string {
  if (!RUN_ID_PATTERN.test(id)) throw new LuckyError('E_INPUT_INVALID', `"${id}" is not a run id (expected lowercase letters, digits and dashes, 6-64 characters)`);
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

export interface RunFile {
  readonly db: Db;
  readonly file: string;
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
  return { db, file, close: () => db.open && db.close() };
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
  throw new LuckyError('E_DATA_INVALID', `${file} is not a luckyfive run file${what}`, ['a run file is runs/<run_id>.sqlite in a data dir, or one downloaded with GET /runs/{run_id}/file']);
}

export function readRunMeta(db: Db): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function writeRunMeta(db: Db, values: Record<string, string | number | null>): void {
  const stmt = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const [k, v] of Object.entries(values)) if (v !== null) stmt.run(k, String(v));
  })();
}

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

/** Batched writer: one transaction per call, prepared statements reused. */
export function createResultWriter(db: Db): (batch: readonly ContestResult[]) => void {
  const insContest = db.prepare(
    `INSERT INTO contests (contest, draw_date, balls, best_hits, best_ticket, hits_histogram, cost_cents, prize_cents, prize_estimated, best_of)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insTicket = db.prepare('INSERT INTO tickets (contest, ticket, numbers, hits, score) VALUES (?, ?, ?, ?, ?)');
  const insLedger = db.prepare(
    'INSERT INTO ledger (contest, draw_date, tickets, cost_cents, prize_cents, prize_estimated, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return db.transaction((batch: readonly ContestResult[]) => {
    for (const r of batch) {
      insContest.run(r.contest, r.draw_date, r.balls.join(' '), r.best_hits, r.best_ticket, r.hits_histogram.join(' '), r.cost_cents, r.prize_cents, r.prize_estimated ? 1 : 0, r.best_of ?? null);
      r.tickets.forEach((t, i) => insTicket.run(r.contest, i, t.numbers.join(' '), t.hits, t.score));
      insLedger.run(r.contest, r.draw_date, r.tickets.length, r.cost_cents, r.prize_cents, r.prize_estimated ? 1 : 0, r.cost_cents === 0 && r.prize_cents === 0 ? 'outside the money era' : null);
    }
  });
}

/** Contests already recorded (for resume). */
export function readDoneContests(db: Db): Set<number> {
  return new Set((db.prepare('SELECT contest FROM contests').pluck().all() as number[]));
}

export interface ContestRow {
  contest: number;
  draw_date: string;
  balls: string;
  best_hits: number;
  best_ticket: number;
  hits_histogram: string;
  cost_cents: number;
  prize_cents: number;
  prize_estimated: number;
  /** NULL in files written before run-file migration 2 (see readContestTickets) */
  best_of: string | null;
}

/** The numbers of each ticket of `contest`, flat, in ticket order (for recomputing a best-of law). */
export function readContestTickets(db: Db, contest: number): number[] {
  const rows = db.prepare('SELECT numbers FROM tickets WHERE contest = ? ORDER BY ticket').pluck().all(contest) as string[];
  return rows.flatMap((r) => r.split(' ').map(Number));
}

export function readContestRows(db: Db): ContestRow[] {
  return db.prepare('SELECT * FROM contests ORDER BY contest').all() as ContestRow[];
}

/**
 * Stores the run's summary. Its `file` is stored as `runs/<name>` only: a run file travels
 * (downloads, `runs import` elsewhere) and must not carry the server's absolute paths; readers
 * put the current path back.
 */
export function writeSummary(db: Db, summary: unknown, at: string): void {
  if (summary !== null && typeof summary === 'object' && typeof (summary as { file?: unknown }).file === 'string') {
    summary = { ...summary, file: `runs/${basename((summary as { file: string }).file)}` };
  }
  db.prepare('INSERT INTO summary (id, json, written_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json, written_at = excluded.written_at').run(
    JSON.stringify(summary),
    at,
  );
}

export function readSummary(db: Db): unknown {
  const row = db.prepare('SELECT json FROM summary WHERE id = 1').get() as { json: string } | undefined;
  return row ? (JSON.parse(row.json) as unknown) : undefined;
}

/** A contest row with the numbers of its best ticket. */
export interface ContestPageRow extends ContestRow {
  best_numbers: string | null;
}

/** One page of a run's contests in contest order: after `after`, with at least `minHits` on the best ticket. One query. */
export function readContestPage(db: Db, f: { after?: number | undefined; minHits?: number | undefined; limit: number }): ContestPageRow[] {
  return db
    .prepare(
      `SELECT c.*, t.numbers AS best_numbers FROM contests c LEFT JOIN tickets t ON t.contest = c.contest AND t.ticket = c.best_ticket
       WHERE c.contest > @after AND c.best_hits >= @min ORDER BY c.contest LIMIT @limit`,
    )
    .all({ after: f.after ?? 0, min: f.minHits ?? 0, limit: f.limit }) as ContestPageRow[];
}
