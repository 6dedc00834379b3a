// Migration 015: the jobs table rebuilt with kind widened to sweep and optimize; every row, column, constraint and index kept.
import { describe, expect, it } from 'vitest';
import { CATALOG_MIGRATIONS } from '../../../../src/store/catalog-migrations/index.js';
import { migrate, openDatabase } from '../../../../src/store/sqlite.js';

const schemaOf = (db: ReturnType<typeof openDatabase>, sql: string) => (db.prepare(sql).all() as Array<{ sql: string | null }>).map((r) => r.sql);

describe('migration 015 (job kinds)', () => {
  it('[18.4.15] keeps every job row and index, widens only kind, and still refuses an unknown kind or status', () => {
    const db = openDatabase(':memory:');
    migrate(db, CATALOG_MIGRATIONS.slice(0, 14), 'catalog');
    const insert = db.prepare(
      "INSERT INTO jobs (job_id, kind, request_json, status, run_id, created_at, attempts, placement, worker, error_code, owner) VALUES (?, 'simulate', '{}', ?, ?, 't0', 2, 'queue', 'w1', 'E_X', 'o@h')",
    );
    insert.run('job-aaaaaaaa', 'completed', 'run-1');
    insert.run('job-bbbbbbbb', 'pending', null);
    const before = db.prepare('SELECT * FROM jobs ORDER BY seq').all();
    const indexesBefore = schemaOf(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' ORDER BY name");
    const columns = () => db.prepare(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('jobs')`).all();
    const columnsBefore = columns();
    const tableBefore = schemaOf(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'")[0]!;
    migrate(db, CATALOG_MIGRATIONS.slice(0, 15), 'catalog');
    expect(db.pragma('user_version', { simple: true })).toBe(15);
    expect(db.prepare('SELECT * FROM jobs ORDER BY seq').all()).toEqual(before);
    const indexesAfter = schemaOf(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' ORDER BY name");
    expect(indexesAfter).toEqual(expect.arrayContaining(indexesBefore));
    expect(indexesAfter).toContain('CREATE INDEX jobs_kind_seq ON jobs(kind, seq)');
    expect(columns()).toEqual(columnsBefore);
    expect(tableBefore).toContain("kind IN ('simulate')");
    const add = (id: string, kind: string, status = 'pending') =>
      db.prepare("INSERT INTO jobs (job_id, kind, request_json, status, created_at) VALUES (?, ?, '{}', ?, 't1')").run(id, kind, status);
    add('job-cccccccc', 'sweep');
    add('job-dddddddd', 'optimize');
    expect(() => add('job-eeeeeeee', 'report')).toThrow(/CHECK/);
    expect(() => add('job-ffffffff', 'sweep', 'paused')).toThrow(/CHECK/);
    expect(() => add('bad-id', 'sweep')).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE jobs SET placement = 'moon' WHERE job_id = 'job-cccccccc'").run()).toThrow(/CHECK/);
    expect(db.prepare("SELECT seq FROM jobs WHERE job_id = 'job-cccccccc'").pluck().get()).toBe(3);
    db.close();
  });
});
