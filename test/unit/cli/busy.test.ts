import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toStorageError } from '../../../src/store/storage-errors.js';
import { cli, tempDir } from '../../helpers/cli.js';

describe('a locked catalog', () => {
  it('maps SQLITE_BUSY and SQLITE_LOCKED codes to E_BUSY and leaves other errors alone', () => {
    expect(toStorageError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))?.exitCode).toBe(5);
    expect(toStorageError(Object.assign(new Error('x'), { code: 'SQLITE_LOCKED_SHAREDCACHE' }))?.code).toBe('E_BUSY');
    expect(toStorageError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT' }))).toBeUndefined();
    expect(toStorageError(new Error('plain'))).toBeUndefined();
  });

  it('a ledger write while another process holds the write lock exits 5, not 1', async () => {
    const { dir, cleanup } = tempDir();
    try {
      expect((await cli(['ledger', 'add', 'deposit', '--amount', '10'], { dataDir: dir })).code).toBe(0);
      const holder = new Database(join(dir, 'catalog.sqlite'));
      holder.pragma('busy_timeout = 0');
      holder.prepare('BEGIN IMMEDIATE').run();
      try {
        // waits out the catalog's 5 s busy timeout, then must report busy
        const r = await cli(['ledger', 'add', 'deposit', '--amount', '5'], { dataDir: dir });
        expect(r.code, r.stderr).toBe(5);
        expect(r.stderr).not.toMatch(/internal error/);
      } finally {
        holder.prepare('ROLLBACK').run();
        holder.close();
      }
    } finally {
      cleanup();
    }
  }, 30_000);
});
