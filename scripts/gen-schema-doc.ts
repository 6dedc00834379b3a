/**
 * Writes `docs/schema.md` from the migrations themselves: a fresh catalog and a fresh run file are
 * built in memory by the real migration code (`CATALOG_MIGRATIONS`, `RUN_MIGRATIONS`, through
 * `migrate` of src/store/sqlite.ts), then read back from `sqlite_master` and the `table_info`,
 * `index_list`, `index_info` and `foreign_key_list` pragmas into markdown tables: every table with
 * its columns (type, not null, default, primary key), foreign keys, indexes and triggers.
 * `npx tsx scripts/gen-schema-doc.ts` writes it; `--check` exits 1 when the committed file is stale
 * (a test checks the same); `--file PATH` reads or writes another file instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CATALOG_MIGRATIONS } from '../src/store/catalog-migrations/index.js';
import { RUN_MIGRATIONS } from '../src/store/run-file.js';
import { type Db, type Migration, migrate, openDatabase } from '../src/store/sqlite.js';

export const SCHEMA_DOC_FILE = resolve(import.meta.dirname, '../docs/schema.md');

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

interface ColumnRow {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

interface IndexListRow {
  name: string;
  unique: number;
  origin: string;
  partial: number;
}

interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}

/** A markdown cell: pipes escaped, newlines and runs of spaces folded. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

function code(text: string): string {
  return text === '' ? '' : `\`${cell(text)}\``;
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What the migrations give: the database in memory at its latest version. */
function migrated(migrations: readonly Migration[], label: string): Db {
  const db = openDatabase(':memory:');
  migrate(db, migrations, label);
  return db;
}

/** The expressions of every `CHECK (...)` in a table's SQL, parentheses balanced (quoted text skipped). */
function checkConstraints(sql: string): string[] {
  const out: string[] = [];
  for (const m of sql.matchAll(/\bCHECK\s*\(/gi)) {
    const start = m.index + m[0].length;
    let depth = 1;
    let quote: string | undefined;
    let i = start;
    for (; i < sql.length && depth > 0; i++) {
      const ch = sql[i]!;
      if (quote) {
        if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    out.push(sql.slice(start, i - 1));
  }
  return out;
}

function tableSection(db: Db, table: MasterRow, triggers: MasterRow[]): string[] {
  const out: string[] = [`### \`${table.name}\``, ''];
  const sql = table.sql ?? '';
  const options = [/\)\s*STRICT/i.test(sql) || /,\s*STRICT/i.test(sql) ? 'STRICT' : '', /WITHOUT\s+ROWID/i.test(sql) ? 'WITHOUT ROWID' : ''].filter(Boolean);
  if (options.length) out.push(`Table options: ${options.join(', ')}.`, '');
  const columns = db.prepare(`PRAGMA table_info(${quoteName(table.name)})`).all() as ColumnRow[];
  out.push('| column | type | not null | default | primary key |', '|---|---|---|---|---|');
  for (const c of columns) {
    out.push(
      `| \`${c.name}\` | ${cell(c.type) || '(none)'} | ${c.notnull ? 'yes' : ''} | ${c.dflt_value === null ? '' : code(c.dflt_value)} | ${c.pk ? String(c.pk) : ''} |`,
    );
  }
  const checks = checkConstraints(sql);
  if (checks.length) out.push('', 'Checks:', '', ...checks.map((c) => `- \`${c.replace(/\s+/g, ' ').trim()}\``));

  const fks = db.prepare(`PRAGMA foreign_key_list(${quoteName(table.name)})`).all() as ForeignKeyRow[];
  if (fks.length) {
    out.push('', 'Foreign keys:', '', '| column | references | on update | on delete |', '|---|---|---|---|');
    for (const f of fks) out.push(`| \`${f.from}\` | \`${f.table}(${f.to ?? '(primary key)'})\` | ${f.on_update} | ${f.on_delete} |`);
  }

  const indexes = (db.prepare(`PRAGMA index_list(${quoteName(table.name)})`).all() as IndexListRow[]).sort((a, b) => a.name.localeCompare(b.name));
  if (indexes.length) {
    out.push('', 'Indexes:', '', '| index | columns | unique | made by | partial |', '|---|---|---|---|---|');
    for (const i of indexes) {
      const cols = (db.prepare(`PRAGMA index_xinfo(${quoteName(i.name)})`).all() as { name: string | null; key: number; desc: number }[])
        .filter((c) => c.key)
        .map((c) => (c.name ?? '(expression)') + (c.desc ? ' DESC' : ''));
      const origin = i.origin === 'pk' ? 'primary key' : i.origin === 'u' ? 'UNIQUE constraint' : 'CREATE INDEX';
      out.push(`| \`${i.name}\` | ${cell(cols.join(', '))} | ${i.unique ? 'yes' : ''} | ${origin} | ${i.partial ? 'yes' : ''} |`);
    }
  }

  if (triggers.length) {
    out.push('', 'Triggers:', '', '| trigger | definition |', '|---|---|');
    for (const t of triggers) out.push(`| \`${t.name}\` | ${code(t.sql ?? '')} |`);
  }
  out.push('');
  return out;
}

function databaseSection(title: string, intro: string, migrations: readonly Migration[], label: string): string[] {
  const db = migrated(migrations, label);
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const objects = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as MasterRow[];
    const tables = objects.filter((o) => o.type === 'table');
    const views = objects.filter((o) => o.type === 'view');
    const out: string[] = [`## ${title}`, '', intro, ''];
    out.push(`Schema version (\`PRAGMA user_version\`): ${version}. Migrations, in order:`, '');
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) out.push(`${m.version}. \`${m.name}\``);
    out.push('', `Tables: ${tables.map((t) => `\`${t.name}\``).join(', ')}.`, '');
    for (const t of tables)
      out.push(
        ...tableSection(
          db,
          t,
          objects.filter((o) => o.type === 'trigger' && o.tbl_name === t.name),
        ),
      );
    if (views.length) {
      out.push('### Views', '', '| view | definition |', '|---|---|');
      for (const v of views) out.push(`| \`${v.name}\` | ${code(v.sql ?? '')} |`);
      out.push('');
    }
    return out;
  } finally {
    db.close();
  }
}

/** The whole `docs/schema.md` text. */
export function buildSchemaDoc(): string {
  const out = [
    '# Database schemas',
    '',
    '<!-- Generated by `npx tsx scripts/gen-schema-doc.ts` from the migrations: edit the migrations or the generator, not this file. -->',
    '',
    'luckyfive keeps its data in SQLite files under the data dir (`--data-dir`, default `./data`): one catalog, `catalog.sqlite`, and one file per run, `runs/<run_id>.sqlite`.',
    'Each file carries its schema version in `PRAGMA user_version`; opening a file for writing runs every migration after that version, each in its own transaction (`migrate` in `src/store/sqlite.ts`).',
    'A file with a newer version than this luckyfive knows is refused with `E_SCHEMA_TOO_NEW` (exit 4).',
    '',
    'This page is made by building a fresh catalog and a fresh run file in memory with the real migrations and reading them back (`sqlite_master`, `PRAGMA table_info`, `index_list`, `index_xinfo`, `foreign_key_list`).',
    '`npx tsx scripts/gen-schema-doc.ts --check` exits 1 when this page is stale; `test/unit/docs/schema-doc.test.ts` runs the same check.',
    '',
  ];
  out.push(
    ...databaseSection(
      'The catalog (`catalog.sqlite`)',
      'Draws, imports, the run index, sweeps and studies, the real books, API keys, sessions and the job queue (`src/store/catalog-migrations/`).',
      CATALOG_MIGRATIONS,
      'catalog (schema doc)',
    ),
  );
  out.push(
    ...databaseSection(
      'A run file (`runs/<run_id>.sqlite`)',
      "One self-contained file per run: its metadata, every contest's draw and tickets with their hits, its simulated ledger and its summary (`RUN_MIGRATIONS` in `src/store/run-file.ts`).",
      RUN_MIGRATIONS,
      'run file (schema doc)',
    ),
  );
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const text = buildSchemaDoc();
  const fileAt = process.argv.indexOf('--file');
  const target = fileAt > 0 && process.argv[fileAt + 1] ? resolve(process.argv[fileAt + 1]!) : SCHEMA_DOC_FILE;
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      console.error(`${target} is stale: run npx tsx scripts/gen-schema-doc.ts`);
      process.exit(1);
    }
    console.error(`${target} is up to date`);
  } else {
    writeFileSync(target, text);
    console.error(`wrote ${target}`);
  }
}
