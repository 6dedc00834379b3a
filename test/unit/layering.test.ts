/**
 * Imports that run the wrong way (issue 13): the clock, the version reader and the roles live
 * where every layer may import them, the CLI's exit codes come from the error table, and no
 * exported function is dead code.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return /\.(ts|mjs)$/.test(d.name) ? [p] : [];
  });
}

const FILES = sourceFiles(SRC).map((abs) => ({ path: relative(ROOT, abs).split('\\').join('/'), text: readFileSync(abs, 'utf8') }));

/** The src-relative targets of a file's static and dynamic relative imports. */
function importsOf(file: { path: string; text: string }): string[] {
  const specs = [...file.text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) =>
    relative(ROOT, resolve(ROOT, dirname(file.path), s))
      .split('\\')
      .join('/'),
  );
}

function importersOf(prefix: string, from: (path: string) => boolean): string[] {
  return FILES.filter((f) => from(f.path) && importsOf(f).some((t) => t.startsWith(prefix))).map((f) => f.path);
}

describe('layering', () => {
  it('[13.i.1] one clock: nothing outside src/cli imports the CLI, and readClock is defined once', () => {
    expect(importersOf('src/cli/', (p) => !p.startsWith('src/cli/'))).toEqual([]);
    const definers = FILES.filter((f) => /export function readClock\b/.test(f.text)).map((f) => f.path);
    expect(definers).toEqual(['src/clock.ts']);
    expect(FILES.filter((f) => /export (interface|type) Clock\b/.test(f.text)).map((f) => f.path)).toEqual(['src/clock.ts']);
  });

  it('[13.i.2] one version reader: no command imports cli/main.ts, and only src/version.ts reads package.json', () => {
    expect(importersOf('src/cli/main.', (p) => p.startsWith('src/cli/commands/'))).toEqual([]);
    expect(FILES.filter((f) => /package\.json'/.test(f.text)).map((f) => f.path)).toEqual(['src/version.ts']);
  });

  it('[13.i.3] the store does not depend on auth/ (nor on the engine or the front-ends)', () => {
    for (const upper of ['src/auth/', 'src/engine/', 'src/cli/', 'src/server/']) {
      expect(
        importersOf(upper, (p) => p.startsWith('src/store/')),
        upper,
      ).toEqual([]);
    }
  });

  it('[13.i.4] the CLI takes exit codes from the error table, never a number literal', () => {
    const offenders = FILES.filter((f) => f.path.startsWith('src/cli/')).flatMap((f) =>
      [...f.text.matchAll(/\.exitCode\s*=\s*\d+/g)].map((m) => `${f.path}: ${m[0]}`),
    );
    expect(offenders).toEqual([]);
  });

  it('[13.i.5] no dead code: every exported function is used by another module of src/, scripts/ or bench/', () => {
    // Exported only so tests can reach live code (each is a thin in-memory or observation seam
    // over what src/ runs), or left to the issue-13 items that consolidate their modules.
    const TEST_SEAMS = new Set([
      'src/engine/predict.worker.ts predictorCacheStats', // observes the worker's live predictor cache
      'src/import/csv-reader.ts parseCsv', // the streaming CSV reader over bytes in memory
      'src/import/read-results-file.ts parseResultsBytes', // the streaming results reader over bytes in memory
      'src/import/parse-rows.ts parseDrawRows', // the streaming row parser fed a whole table
      'src/core/finance/money.ts centsToDecimal', // the inverse parseMoney's property test round-trips through
    ]);
    const others = [
      ...FILES,
      ...['scripts', 'bench'].flatMap((d) => sourceFiles(join(ROOT, d)).map((abs) => ({ path: relative(ROOT, abs), text: readFileSync(abs, 'utf8') }))),
    ];
    const unused = FILES.flatMap((f) =>
      [...f.text.matchAll(/^export (?:async )?function\*? (\w+)/gm)]
        .map((m) => m[1]!)
        .filter((name) => {
          const ownUses = (f.text.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length - 1;
          const word = new RegExp(`\\b${name}\\b`);
          return ownUses === 0 && !others.some((o) => o.path !== f.path && word.test(o.text)) && !TEST_SEAMS.has(`${f.path} ${name}`);
        })
        .map((name) => `${f.path} ${name}`),
    );
    expect(unused).toEqual([]);
  });
});
