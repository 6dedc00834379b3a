// One mapping of storage faults to documented errors (src/store/storage-errors.ts), used by the
// CLI entry and the server's error handler.
import { openSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TABLE, LuckyError } from '../../../src/errors.js';
import { openDatabase } from '../../../src/store/sqlite.js';
import { toStorageError, userFacingMessage } from '../../../src/store/storage-errors.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('storage faults are documented errors', () => {
  it('[12.4.1] a full database (SQLITE_FULL, forced with PRAGMA max_page_count) and ENOSPC are E_DISK_FULL, exit 8, HTTP 507', () => {
    expect(ERROR_TABLE.E_DISK_FULL).toEqual({ exit: 8, http: 507, message: 'the disk is full' });
    const file = join(dir(), 'full.sqlite');
    const db = openDatabase(file);
    db.exec('CREATE TABLE t (x BLOB)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const e = thrown(() => db.prepare('INSERT INTO t VALUES (randomblob(100000))').run());
    db.close();
    expect((e as { code?: string }).code).toBe('SQLITE_FULL');
    const mapped = toStorageError(e, file);
    expect(mapped?.code).toBe('E_DISK_FULL');
    expect(mapped?.exitCode).toBe(8);
    expect(mapped?.httpStatus).toBe(507);
    expect(mapped?.message).toContain(file);
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/data/x' });
    expect(toStorageError(enospc)?.code).toBe('E_DISK_FULL');
    // Wrapped in an internal error (as a failed run is): the cause decides.
    expect(toStorageError(new LuckyError('E_INTERNAL', 'run x failed', [], { cause: e }))?.code).toBe('E_DISK_FULL');
    expect(toStorageError(new Error('plain'))).toBeUndefined();
  });

  it('[12.4.2] a damaged database (SQLITE_CORRUPT / NOTADB) is E_DATA_INVALID naming the file', () => {
    const file = join(dir(), 'damaged.sqlite');
    const db = openDatabase(file);
    db.exec('CREATE TABLE t (x TEXT); CREATE INDEX t_x ON t (x)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) db.prepare('INSERT INTO t VALUES (?)').run(`row ${i} ${'x'.repeat(100)}`);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    // Garbage over every page after the schema page.
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(size - 8192, 0xa5), 0, size - 8192, 8192);
    closeSync(fd);
    const again = openDatabase(file);
    const e = thrown(() => again.prepare('SELECT count(*), max(x) FROM t').get());
    const mapped = toStorageError(e);
    again.close();
    expect(mapped?.code).toBe('E_DATA_INVALID');
    expect(mapped?.message).toContain(file);
  });

  it('[12.6.8] a stored job error never shows SQL text: documented messages pass, foreign ones become a fixed line', () => {
    const sql = Object.assign(new Error('near "SELEC": syntax error in SELEC * FROM runs'), { code: 'SQLITE_ERROR' });
    expect(userFacingMessage(sql)).not.toMatch(/SELEC|runs/);
    expect(userFacingMessage(new LuckyError('E_INTERNAL', 'run r failed: UNIQUE constraint failed: tickets.contest', [], { cause: sql }))).not.toMatch(
      /UNIQUE|tickets/,
    );
    expect(userFacingMessage(new LuckyError('E_RECIPE_INVALID', 'invalid recipe', ['tickets: too many']))).toBe('invalid recipe; tickets: too many');
    expect(userFacingMessage(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toMatch(/disk is full/);
  });
});
