import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ContestResult, openRunFile } from '../../../src/store/run-file.js';
import { mergeRunFiles } from '../../../src/store/run-file-merge.js';
import { openDatabase } from '../../../src/store/sqlite.js';
import { tempDir } from '../../helpers/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/** A contest whose two tickets and money follow from its number. */
function resultOf(contest: number): ContestResult {
  const balls = [1, 2, 3, 4, 5].map((b) => ((contest + b * 7) % 80) + 1);
  return {
    contest,
    draw_date: `2020-01-${String((contest % 28) + 1).padStart(2, '0')}`,
    balls,
    tickets: [
      { numbers: [balls[0]!, 70, 71, 72, 73], score: contest / 3, hits: 1 },
      { numbers: [74, 75, 76, 77, 78], score: 0.5, hits: 0 },
    ],
    best_hits: 1,
    best_ticket: 0,
    hits_histogram: [1, 1, 0, 0, 0, 0],
    cost_cents: contest % 2 === 0 ? 0 : 500,
    prize_cents: 0,
    prize_estimated: false,
    best_of: `law-${contest}`,
  };
}

/** A run file holding `contests`, written in batches as the engine writes them. */
function runFileOf(name: string, contests: number[], batch = 2): string {
  const file = join(dir, `${name}.sqlite`);
  const rf = openRunFile(file);
  try {
    rf.writeMeta({ run_id: name });
    const write = rf.resultWriter();
    for (let i = 0; i < contests.length; i += batch) write(contests.slice(i, i + batch).map(resultOf));
    rf.checkpoint();
  } finally {
    rf.close();
  }
  return file;
}

/** Every row of a run file's contests, tickets and ledger (ids included), as stored. */
function rowsOf(file: string): unknown {
  const db = openDatabase(file, { mustExist: true, readonly: true });
  try {
    return {
      contests: db.prepare('SELECT * FROM contests ORDER BY contest').all(),
      tickets: db.prepare('SELECT * FROM tickets ORDER BY contest, ticket').all(),
      ledger: db.prepare('SELECT * FROM ledger ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe('mergeRunFiles', () => {
  it('[14.3.1] chunks merged in contest order hold the very rows one file of the whole range holds, with the meta given', () => {
    const whole = runFileOf('whole-run', [10, 11, 13, 14, 15, 16, 17], 3);
    const parts = [runFileOf('part-c1of3', [10, 11, 13]), runFileOf('part-c2of3', [14, 15]), runFileOf('part-c3of3', [16, 17], 1)];
    const target = join(dir, 'merged-run.sqlite');
    expect(mergeRunFiles(target, parts, { run_id: 'merged-run', status: 'completed', name: null })).toEqual({ contests: 7, tickets: 14 });
    expect(existsSync(`${target}-wal`) ? 'a WAL beside it' : 'one file').toBe('one file');
    expect(rowsOf(target)).toEqual(rowsOf(whole));
    const rf = openRunFile(target, { mustExist: true, readonly: true });
    try {
      expect(rf.readMeta()).toEqual({ run_id: 'merged-run', status: 'completed' });
      expect(rf.integrityCheck()).toBe('ok');
      expect(rf.readSummary()).toBeUndefined();
    } finally {
      rf.close();
    }
  });

  it('[14.3.1] refuses chunks out of contest order or overlapping, an empty chunk and an existing target', () => {
    const a = runFileOf('part-a', [10, 11]);
    const b = runFileOf('part-b', [12, 13]);
    const overlap = runFileOf('part-overlap', [11, 12]);
    const empty = runFileOf('part-empty', []);
    expect(() => mergeRunFiles(join(dir, 'm1.sqlite'), [b, a], {})).toThrow(
      expect.objectContaining({ code: 'E_DATA_INVALID', message: expect.stringContaining('chunk 2 starts at contest 10, not after contest 13') }),
    );
    expect(() => mergeRunFiles(join(dir, 'm2.sqlite'), [a, overlap], {})).toThrow(expect.objectContaining({ code: 'E_DATA_INVALID' }));
    expect(() => mergeRunFiles(join(dir, 'm3.sqlite'), [a, empty], {})).toThrow(
      expect.objectContaining({ code: 'E_DATA_INVALID', message: expect.stringContaining('holds no contest') }),
    );
    expect(() => mergeRunFiles(a, [b], {})).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
  });
});
