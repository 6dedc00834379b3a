/**
 * Is a database's schema the one luckyfive made? The expected objects are those the migrations
 * create up to the file's own `user_version`, built in memory; every expected table, index and
 * trigger must be there (triggers with the same SQL), and no trigger or view may be added. A backup whose
 * catalog lost its append-only triggers (or gained a trigger that rewrites rows) is refused.
 */
import { type Db, type Migration, migrate, openDatabase } from '../store/sqlite.js';

interface SchemaObject {
  type: string;
  name: string;
  sql: string | null;
}

const OBJECTS_SQL = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name";

function normalize(sql: string | null): string {
  return (sql ?? '').replace(/\s+/g, ' ').trim();
}

/** `name: problem` lines for every object that is missing, altered or added (empty when sound). */
export function schemaProblems(db: Db, migrations: readonly Migration[], label: string): string[] {
  const version = db.pragma('user_version', { simple: true }) as number;
  const reference = openDatabase(':memory:');
  let expected: SchemaObject[];
  try {
    migrate(reference, migrations.slice(0, version), `${label} (reference)`);
    expected = reference.prepare(OBJECTS_SQL).all() as SchemaObject[];
  } finally {
    reference.close();
  }
  const actual = new Map((db.prepare(OBJECTS_SQL).all() as SchemaObject[]).map((o) => [`${o.type} ${o.name}`, o]));
  const problems: string[] = [];
  for (const o of expected) {
    const found = actual.get(`${o.type} ${o.name}`);
    if (!found) problems.push(`${label}: ${o.type} ${o.name} is missing`);
    else if (o.type === 'trigger' && normalize(found.sql) !== normalize(o.sql))
      problems.push(`${label}: ${o.type} ${o.name} differs from the one luckyfive creates`);
    actual.delete(`${o.type} ${o.name}`);
  }
  for (const o of actual.values()) {
    if (o.type === 'trigger' || o.type === 'view') problems.push(`${label}: ${o.type} ${o.name} was added outside luckyfive`);
  }
  return problems;
}
