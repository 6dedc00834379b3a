/**
 * docs/architecture.md (issue 17): its layer table and its layer diagram say exactly what the
 * boundaries lint allows (`MAY_IMPORT` in eslint.config.js), it carries the process diagram and
 * the two sequence diagrams, and every source file it names exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the lint configuration is plain JavaScript without declarations
import { MAY_IMPORT } from '../../eslint.config.js';

const ROOT = resolve(import.meta.dirname, '../..');
const text = readFileSync(resolve(ROOT, 'docs/architecture.md'), 'utf8');
const lint = MAY_IMPORT as Record<string, string[]>;
const mermaid = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/architecture.md', () => {
  it('[17.3.10] the layer table says exactly what the boundaries lint allows', () => {
    const rows = [...text.matchAll(/^\| `src\/([a-z]+)\/` \| ([a-z, ]+) \|$/gm)];
    const table = Object.fromEntries(
      rows.map((m) => [
        m[1]!,
        m[2]!
          .split(',')
          .map((s) => s.trim())
          .sort(),
      ]),
    );
    expect(table).toEqual(Object.fromEntries(Object.entries(lint).map(([k, v]) => [k, [...v].sort()])));
  });

  it('[17.3.11] the layer diagram has an arrow for every import across layers the lint allows, and none it forbids', () => {
    const layers = mermaid.find((m) => m.includes('usecases["usecases/'));
    expect(layers, 'a mermaid layer diagram').toBeDefined();
    const arrows = [...layers!.matchAll(/^\s*([a-z]+) --> ([a-z]+)\s*$/gm)].map((m) => `${m[1]} -> ${m[2]}`).sort();
    const allowed = Object.entries(lint)
      .flatMap(([from, to]) => to.filter((t) => t !== from).map((t) => `${from} -> ${t}`))
      .sort();
    expect(arrows).toEqual(allowed);
  });

  it('[17.3.12] has the process diagram and the sequence diagrams of a CLI simulate and an API job, naming only files that exist', () => {
    expect(mermaid.length).toBeGreaterThanOrEqual(4);
    const sequences = mermaid.filter((m) => m.startsWith('sequenceDiagram'));
    expect(sequences.some((m) => m.includes('POST /api/v1/simulations'))).toBe(true);
    expect(sequences.some((m) => m.includes('engine/run-executor.ts') && m.includes('predict.worker.ts'))).toBe(true);
    expect(mermaid.some((m) => m.includes('luckyfive worker') && m.includes('Redis'))).toBe(true);
    const named = new Set([...text.matchAll(/(?:src\/)?((?:cli|server|usecases|engine|store|core|maintain|import|auth)\/[\w./-]+\.ts)/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(10);
    const missing = [...named].filter((p) => !existsSync(resolve(ROOT, 'src', p)));
    expect(missing).toEqual([]);
  });
});
