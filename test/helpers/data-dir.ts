import { createHash } from 'node:crypto';
import { closeSync, cpSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join, relative } from 'node:path';
import { cli, tempDir } from './cli.js';
import { makeDraws, seedDraws } from './draws.js';

/** A data dir with draws 4001..4400 and `runs` small completed runs (each simulate costs ~2-3 s). */
export async function createDataDirWithRuns(runs: number): Promise<{ dir: string; cleanup: () => void; runIds: string[]; recipeFile: string }> {
  const { dir, cleanup } = tempDir('luckyfive-base-');
  seedDraws(dir, makeDraws(4001, 4400));
  const recipeFile = join(dir, 'q.json');
  writeFileSync(recipeFile, JSON.stringify({ version: '2', name: 'q', strategy: 'random', tickets: 5, numbers_per_ticket: 5, history: 50, seed: 1 }));
  const runIds: string[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await cli(['simulate', '--recipe', recipeFile, '--last', '20', '--json'], { dataDir: dir });
    if (r.code !== 0) throw new Error(`simulate failed: ${r.stderr}`);
    runIds.push(r.json().run_id as string);
  }
  return { dir, cleanup, runIds, recipeFile };
}

/** A private copy of a data dir (its databases must be closed). */
export function copyDataDir(from: string): { dir: string; cleanup: () => void } {
  const t = tempDir('luckyfive-copy-');
  cpSync(from, t.dir, { recursive: true });
  return t;
}

/** Every file under `dir` (recursively) with its SHA-256, sorted: equal trees give equal lists. */
export function hashTree(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push([relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex')]);
    }
  };
  walk(dir);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * Overwrites pages of a SQLite file (closed, checkpointed) with garbage: the root page of
 * `table`, or its last leaf page in key order with `page: 'last-leaf'` (so a scan fails part way).
 */
export function damageTable(file: string, table: string, page: 'root' | 'last-leaf' = 'root'): void {
  const db = new Database(file, { readonly: true });
  const size = db.pragma('page_size', { simple: true }) as number;
  // The root pages of the table and of its indexes (a query may read only an index).
  const pages = (
    page === 'root'
      ? db.prepare('SELECT rootpage FROM sqlite_schema WHERE tbl_name = ? AND rootpage > 0').pluck().all(table)
      : db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path DESC LIMIT 1").pluck().all(table)
  ) as number[];
  db.close();
  const fd = openSync(file, 'r+');
  for (const pageno of pages) writeSync(fd, Buffer.alloc(size, 0xa5), 0, size, (pageno - 1) * size);
  closeSync(fd);
}
