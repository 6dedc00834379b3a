/**
 * Merging run files: the contests, tickets and ledger of several run files that cover disjoint
 * contest ranges of one run (the chunks of a split `simulate`), copied in contest order into one
 * new run file carrying the whole run's meta. Rows are copied as stored, so the merged file holds
 * what one run over the whole range writes (the ledger's ids numbered again in contest order, as
 * a single run appends them); its summary is the caller's to write, from the merged rows.
 */
import { existsSync } from 'node:fs';
import { LuckyError } from '../errors.js';
import { RUN_MIGRATIONS, openRunFile } from './run-file.js';
import { openDatabase } from './sqlite.js';

const CONTEST_COLUMNS = 'contest, draw_date, balls, best_hits, best_ticket, hits_histogram, cost_cents, prize_cents, prize_estimated, best_of';
const TICKET_COLUMNS = 'contest, ticket, numbers, hits, score';
// no `id`: the merged ledger numbers its entries itself, in the order they are appended
const LEDGER_COLUMNS = 'contest, draw_date, tickets, cost_cents, prize_cents, prize_estimated, note';

/** What a merge copied. */
export interface MergeReport {
  contests: number;
  tickets: number;
}

/**
 * Creates the run file `target` (E_CONFLICT when it exists) with `meta` and the rows of `chunks`,
 * in the order given, which must be ascending and disjoint in contests (E_DATA_INVALID otherwise,
 * and for a chunk written by another run-file schema or holding no contest). Each chunk is copied
 * in one transaction; on any refusal the caller removes `target`.
 */
export function mergeRunFiles(target: string, chunks: readonly string[], meta: Record<string, string | number | null>): MergeReport {
  if (existsSync(target)) throw new LuckyError('E_CONFLICT', `${target} already exists`);
  const rf = openRunFile(target);
  try {
    rf.writeMeta(meta);
  } finally {
    rf.close();
  }
  const db = openDatabase(target, { mustExist: true });
  const merged: MergeReport = { contests: 0, tickets: 0 };
  try {
    let last = 0;
    for (const [i, chunk] of chunks.entries()) {
      db.prepare('ATTACH DATABASE ? AS chunk').run(chunk);
      try {
        const version = db.pragma('chunk.user_version', { simple: true }) as number;
        if (version !== RUN_MIGRATIONS.length)
          throw new LuckyError('E_DATA_INVALID', `chunk ${i + 1} (${chunk}) is a run file of schema ${version}, not ${RUN_MIGRATIONS.length}`);
        const span = db.prepare('SELECT min(contest) AS lo, max(contest) AS hi, count(*) AS n FROM chunk.contests').get() as {
          lo: number | null;
          hi: number | null;
          n: number;
        };
        if (span.n === 0 || span.lo === null || span.hi === null) throw new LuckyError('E_DATA_INVALID', `chunk ${i + 1} (${chunk}) holds no contest`);
        if (span.lo <= last)
          throw new LuckyError(
            'E_DATA_INVALID',
            `chunk ${i + 1} starts at contest ${span.lo}, not after contest ${last}: chunks must be disjoint and in contest order`,
          );
        db.transaction(() => {
          db.exec(`INSERT INTO main.contests (${CONTEST_COLUMNS}) SELECT ${CONTEST_COLUMNS} FROM chunk.contests ORDER BY contest`);
          merged.tickets += db
            .prepare(`INSERT INTO main.tickets (${TICKET_COLUMNS}) SELECT ${TICKET_COLUMNS} FROM chunk.tickets ORDER BY contest, ticket`)
            .run().changes;
          db.exec(`INSERT INTO main.ledger (${LEDGER_COLUMNS}) SELECT ${LEDGER_COLUMNS} FROM chunk.ledger ORDER BY contest`);
        })();
        merged.contests += span.n;
        last = span.hi;
      } finally {
        db.exec('DETACH DATABASE chunk');
      }
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return merged;
}
