import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LuckyError } from '../../../src/errors.js';
import { openCatalog } from '../../../src/store/catalog.js';
import { migrate, openDatabase } from '../../../src/store/sqlite.js';
import { tempDir } from '../../helpers/cli.js';

const dirs: Array<() => void> = [];
afterEach(() => dirs.splice(0).forEach((c) => c()));

describe('sqlite store', () => {
  it('opens with WAL, foreign keys and the latest schema', () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const c = openCatalog(dir);
    expect(c.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(c.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(c.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    c.close();
    // reopening applies nothing new
    const again = openCatalog(dir);
    again.close();
  });

  it('refuses a file written by a newer luckyfive', () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const c = openCatalog(dir);
    c.db.pragma('user_version = 999');
    c.close();
    expect(() => openCatalog(dir)).toThrow(/schema version 999/);
  });

  it('a file that is not a database is a data error, not a crash', () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const f = join(dir, 'junk.sqlite');
    writeFileSync(f, 'this is not sqlite at all, just text that is long enough to look like a header'.repeat(20));
    try {
      openDatabase(f);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LuckyError);
      expect((e as LuckyError).code).toBe('E_DATA_INVALID');
    }
  });

  it('a failing migration rolls back and leaves the version unchanged', () => {
    const db = openDatabase(':memory:');
    const ok = { version: 1, name: 'a', up: (d: typeof db) => d.exec('CREATE TABLE a (x INTEGER)') };
    const bad = { version: 2, name: 'b', up: (d: typeof db) => d.exec('CREATE TABLE b (x INTEGER); CREATE TABLE a (y)') };
    expect(() => migrate(db, [ok, bad], 'mem')).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('[18.5.1] an in-memory database leaves no file named ":memory:" in the working directory (maintain check opens one)', () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      openDatabase(':memory:').close();
      expect(existsSync(join(dir, ':memory:'))).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });
});
