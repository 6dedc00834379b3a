/**
 * The README's Architecture section is the map of `src/`, and lint enforces it (issue 13): every source file
 * has its row, no row names a file that is gone, the layer table says exactly what the boundaries lint
 * allows, the lint fails on an import that runs the wrong way, and every module opens with a header saying
 * what it is for.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the lint configuration is plain JavaScript without declarations
import { MAY_IMPORT } from '../../eslint.config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return /\.(ts|mjs)$/.test(d.name) ? [relative(ROOT, p).split('\\').join('/')] : [];
  });
}

/** The README's Architecture section (up to the next level-2 heading). */
function architecture(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Architecture\n');
  expect(start, 'README has an Architecture section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 5);
  return readme.slice(start, end < 0 ? undefined : end);
}

/**
 * The files the section names: under a `### \`src/<folder>/\`` heading, each table row's first cell lists
 * backticked names relative to that folder (`a.ts`, `sub/b.ts`); under `### \`src/\`` they are root files.
 */
function documentedFiles(section: string): Map<string, number> {
  const named = new Map<string, number>();
  let folder: string | undefined;
  for (const line of section.split('\n')) {
    const heading = /^### `(src\/(?:[a-z-]+\/)*)`/.exec(line);
    if (heading) {
      folder = heading[1];
      continue;
    }
    if (line.startsWith('### ') || line.startsWith('## ')) folder = undefined;
    if (!folder || !line.startsWith('| `')) continue;
    const firstCell = line.split('|')[1]!;
    for (const m of firstCell.matchAll(/`([^`]+)`/g)) {
      const path = folder + m[1]!;
      named.set(path, (named.get(path) ?? 0) + 1);
    }
  }
  return named;
}

describe('architecture', () => {
  it('[13.4.1] every file in src/ has exactly one row in the README architecture section, and every row names a file that exists', () => {
    const named = documentedFiles(architecture());
    const files = sourceFiles(join(ROOT, 'src'));
    expect(
      files.filter((f) => !named.has(f)),
      'files without a row',
    ).toEqual([]);
    expect(
      [...named].filter(([, n]) => n > 1).map(([f]) => f),
      'files with two rows',
    ).toEqual([]);
    expect(
      [...named.keys()].filter((f) => !existsSync(join(ROOT, f))),
      'rows naming no file',
    ).toEqual([]);
  });

  it('[13.4.2] the README layer table says exactly what the boundaries lint allows', () => {
    const rows = architecture()
      .split('\n')
      .map((l) => /^\| `src\/([a-z]+)\/` \| ([a-z, ]+) \|/.exec(l))
      .filter((m) => m !== null);
    const table = Object.fromEntries(
      rows.map((m) => [
        m[1]!,
        m[2]!
          .split(',')
          .map((s) => s.trim())
          .sort(),
      ]),
    );
    const lint = Object.fromEntries(Object.entries(MAY_IMPORT as Record<string, string[]>).map(([k, v]) => [k, [...v].sort()]));
    expect(table).toEqual(lint);
  });

  it('[13.4.3] every module in src/ opens with a header comment saying what it is for', () => {
    const missing = sourceFiles(join(ROOT, 'src')).filter((f) => !/^\s*(\/\*\*|\/\/)/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(missing).toEqual([]);
  });

  it('[13.4.4] lint fails on a value import that runs the wrong way, and allows the same import of a type', { timeout: 120_000 }, async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const lint = async (filePath: string, extra: string): Promise<string[]> => {
      const text = readFileSync(join(ROOT, filePath), 'utf8') + '\n' + extra + '\n';
      const [result] = await eslint.lintText(text, { filePath: join(ROOT, filePath) });
      return result!.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
    };
    // the core may not reach the store; a command may not reach the store except through a use case
    expect(await lint('src/core/text.ts', "import { openCatalog } from '../store/catalog.js';\nexport const _wrongWay = openCatalog;")).toEqual([
      expect.stringContaining('core may not import values from store'),
    ]);
    expect(await lint('src/cli/commands/config.ts', "export const _lazy = () => import('../../store/draws-repo.js');")).toEqual([
      expect.stringContaining('cli may not import values from store'),
    ]);
    expect(await lint('src/cli/commands/config.ts', "import type { Catalog as _C } from '../../store/catalog.js';\nexport type _T = _C;")).toEqual([]);
  });

  it('[13.1.1] SQL lives in the store (and in maintenance, which works on database files): no other file of src/ prepares a statement or holds a query', () => {
    const SQL = /\.prepare\(|\.pragma\(|\.exec\(\s*['`]|\b(SELECT\s.+\sFROM|INSERT INTO|DELETE FROM|UPDATE\s+\w+\s+SET)\b/;
    const offenders = sourceFiles(join(ROOT, 'src'))
      .filter((f) => !f.startsWith('src/store/') && !f.startsWith('src/maintain/'))
      .flatMap((f) =>
        readFileSync(join(ROOT, f), 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${f}:${i + 1}` }))
          .filter(({ line }) => !/^\s*(\*|\/\/)/.test(line) && SQL.test(line))
          .map(({ at }) => at),
      );
    expect(offenders).toEqual([]);
  });

  it('[13.1.2] every use case (an exported function of src/usecases/) has TSDoc saying what it does', () => {
    const undocumented = sourceFiles(join(ROOT, 'src/usecases')).flatMap((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return [...text.matchAll(/^export (?:async )?function\*? (\w+)/gm)].filter((m) => !/\*\/\s*$/.test(text.slice(0, m.index))).map((m) => `${f} ${m[1]}`);
    });
    expect(undocumented).toEqual([]);
  });

  it('[13.6.1] test/unit mirrors src/: each unit test sits in the folder of the module it tests', () => {
    const unitFiles = sourceFiles(join(ROOT, 'test/unit')).filter((f) => f.endsWith('.test.ts'));
    // project-wide checks and the root modules' tests stay at the top
    const top = unitFiles.filter((f) => !f.slice('test/unit/'.length).includes('/')).map((f) => f.slice('test/unit/'.length));
    expect(top.sort()).toEqual(['architecture.test.ts', 'config.test.ts', 'errors.test.ts', 'layering.test.ts']);
    const misplaced = unitFiles
      .filter((f) => f.slice('test/unit/'.length).includes('/'))
      .filter((f) => !existsSync(join(ROOT, 'src', dirname(f.slice('test/unit/'.length)))));
    expect(misplaced).toEqual([]);
  });
});
