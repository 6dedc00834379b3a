// What luckyfive writes is the owner's only (files 0600, folders 0700), and a run file carries
// no absolute path of the machine that made it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

let dir: string;
let dataDir: string;
let cleanup: () => void;
let runId: string;
const mode = (p: string) => statSync(p).mode & 0o777;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('lf-private-'));
  dataDir = join(dir, 'data');
  seedDraws(dataDir, makeDraws(4001, 4200));
  const recipe = join(dir, 'r.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(recipe, JSON.stringify({ version: '2', name: 'p', strategy: 'random', tickets: 3, history: 30, seed: 1 }));
  const r = await cli(['simulate', '--recipe', recipe, '--last', '10', '--json'], { dataDir, env: { LUCKYFIVE_THREADS: '1' } });
  expect(r.code, r.stderr).toBe(0);
  runId = r.json().run_id as string;
}, 60_000);
afterAll(() => cleanup());

describe('private data', () => {
  it('[12.6.8] the data dir, the catalog (and its WAL/SHM), run files and backups are 0700/0600', async () => {
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'runs'))).toBe(0o700);
    for (const f of readdirSync(dataDir).filter((n) => n.startsWith('catalog.sqlite'))) expect(mode(join(dataDir, f)), f).toBe(0o600);
    expect(mode(join(dataDir, 'runs', `${runId}.sqlite`))).toBe(0o600);
    const backups = join(dir, 'backups');
    const b = await cli(['maintain', 'backup', backups, '--json'], { dataDir });
    expect(b.code, b.stderr).toBe(0);
    const folder = b.json().dir as string;
    expect(mode(backups)).toBe(0o700);
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? [join(d, n), ...walk(join(d, n))] : [join(d, n)]));
    for (const p of [folder, ...walk(folder)]) expect(mode(p), p).toBe(statSync(p).isDirectory() ? 0o700 : 0o600);
  });

  it('[12.6.8] a run file holds no absolute path of the server', () => {
    const bytes = readFileSync(join(dataDir, 'runs', `${runId}.sqlite`));
    expect(bytes.includes(Buffer.from(dir))).toBe(false);
  });
});
