/**
 * docs/schema.md is generated from the migrations (issue 17): the committed page equals what
 * scripts/gen-schema-doc.ts builds from a fresh catalog and run file, and names every table,
 * column, index and trigger the migrations create.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_DOC_FILE, buildSchemaDoc } from '../../scripts/gen-schema-doc.js';
import { CATALOG_MIGRATIONS } from '../../src/store/catalog-migrations/index.js';
import { RUN_MIGRATIONS } from '../../src/store/run-file.js';
import { type Migration, migrate, openDatabase } from '../../src/store/sqlite.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Every table with its columns, and every index and trigger, as the migrations make them. */
function objectsOf(migrations: readonly Migration[]): { tables: Map<string, string[]>; others: string[] } {
  const db = openDatabase(':memory:');
  try {
    migrate(db, migrations, 'test');
    const rows = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as { type: string; name: string }[];
    const tables = new Map<string, string[]>();
    for (const r of rows.filter((o) => o.type === 'table'))
      tables.set(
        r.name,
        (db.prepare(`PRAGMA table_info("${r.name}")`).all() as { name: string }[]).map((c) => c.name),
      );
    return { tables, others: rows.filter((o) => o.type !== 'table').map((o) => o.name) };
  } finally {
    db.close();
  }
}

describe('docs/schema.md', () => {
  it('[17.3.1] is what scripts/gen-schema-doc.ts makes from the migrations (run `npx tsx scripts/gen-schema-doc.ts` when this fails)', () => {
    expect(readFileSync(SCHEMA_DOC_FILE, 'utf8')).toBe(buildSchemaDoc());
  });

  it('[17.3.2] has a section per table of the catalog and of a run file, each listing every column; every index and trigger is named', () => {
    const text = readFileSync(SCHEMA_DOC_FILE, 'utf8');
    const [catalogPart, runPart] = text.split('## A run file');
    for (const [part, migrations] of [
      [catalogPart!, CATALOG_MIGRATIONS],
      [runPart!, RUN_MIGRATIONS],
    ] as const) {
      const { tables, others } = objectsOf(migrations);
      expect(tables.size).toBeGreaterThan(3);
      for (const [table, columns] of tables) {
        const section = part.split(`### \`${table}\`\n`)[1]?.split('\n### ')[0];
        expect(section, `a section for table ${table}`).toBeDefined();
        for (const c of columns) expect(section, `${table}.${c}`).toContain(`| \`${c}\` |`);
      }
      for (const name of others) expect(part, `index or trigger ${name}`).toContain(`\`${name}\``);
    }
  });

  it('[17.3.3] `--check` exits 0 on the committed page and 1 with a message when the page differs', () => {
    const tsx = resolve(ROOT, 'node_modules/.bin/tsx');
    const ok = spawnSync(tsx, ['scripts/gen-schema-doc.ts', '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(ok.status, ok.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'luckyfive-schema-doc-'));
    try {
      const copy = join(dir, 'schema.md');
      writeFileSync(copy, readFileSync(SCHEMA_DOC_FILE, 'utf8').replace('| `contest` |', '| `contest_renamed` |'));
      const stale = spawnSync(tsx, ['scripts/gen-schema-doc.ts', '--check', '--file', copy], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain('is stale: run npx tsx scripts/gen-schema-doc.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
