import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHistory } from '../../src/core/draw.js';
import { predictTickets } from '../../src/core/predictor/index.js';
import { loadPreset, readRecipeFile } from '../../src/engine/recipe-files.js';
import { recipeHash } from '../../src/core/recipe/schema.js';
import { cli, tempDir } from '../helpers/cli.js';
import { syntheticDraws, writeDraws } from '../helpers/synthetic-draws.js';

const tmp = tempDir();
const dataDir = join(tmp.dir, 'data');
const draws = syntheticDraws(300);
const run = (args: string[]) => cli(args, { cwd: tmp.dir, dataDir });

beforeAll(() => writeDraws(dataDir, draws));
afterAll(() => tmp.cleanup());

describe('luckyfive predict', () => {
  it("--preset balanced --json: tickets for the next contest, equal to the core predictor's", async () => {
    const r = await run(['predict', '--preset', 'balanced', '--json']);
    expect(r.code).toBe(0);
    const doc = r.json();
    const recipe = loadPreset('balanced');
    expect(doc).toMatchObject({
      contest: 301,
      recipe_hash: recipeHash(recipe),
      seed: 1,
      strategy: 'advanced',
      history_used: { from: 1, to: 300, count: 300 },
      synthetic_data: true,
    });
    const expected = predictTickets(buildHistory(draws), recipe, 301);
    expect(doc.tickets).toEqual(expected.map((t) => t.numbers));
    expect(doc.scores).toEqual(expected.map((t) => t.score));
    expect(Object.keys(doc)).toEqual(['contest', 'tickets', 'scores', 'recipe_hash', 'seed', 'strategy', 'history_used', 'synthetic_data']);
  });

  it('--for-contest N uses only the last `history` draws before N, in numeric order', async () => {
    const file = join(tmp.dir, 'short.json');
    writeFileSync(file, JSON.stringify({ version: '2', name: 'short', strategy: 'frequency', history: 20, tickets: 3 }));
    const r = await run(['predict', '--recipe', 'short.json', '--for-contest', '100', '--json']);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.history_used).toEqual({ from: 80, to: 99, count: 20 });
    expect(doc.tickets).toHaveLength(3);
    // a contest already drawn is predicted from its past only: later draws do not matter
    const expected = predictTickets(buildHistory(draws.slice(79, 99)), readRecipeFile(file), 100);
    expect(doc.tickets).toEqual(expected.map((t) => t.numbers));
  });

  it('--seed overrides the recipe seed (and so the hash and the tickets)', async () => {
    const a = (await run(['predict', '--preset', 'conservative', '--json'])).json();
    const b = (await run(['predict', '--preset', 'conservative', '--seed', '7', '--json'])).json();
    expect(b.seed).toBe(7);
    expect(b.recipe_hash).not.toBe(a.recipe_hash);
    expect(b.tickets).not.toEqual(a.tickets);
    expect((await run(['predict', '--preset', 'conservative', '--seed', '7', '--json'])).json()).toEqual(b);
  });

  it('human output: a numbered table and the exact odds', async () => {
    const r = await run(['predict', '--preset', 'aggressive']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/contest 301: 30 tickets from "aggressive" \(advanced, seed 1\), learning from 300 draws 1\.\.300 - SYNTHETIC/);
    expect(r.stdout).toMatch(/^ 1 {2}\d\d \d\d \d\d \d\d \d\d {2}-?\d+\.\d{4}$/m);
    expect(r.stdout).toMatch(/^30 {2}/m);
    expect(r.stdout).toContain('1 in 24,040,016');
    expect(r.stdout).toContain('expected to match 0.3125');
  });

  it('errors: contest too far ahead (2), no history (4), flags (2), bad recipe (2), unknown preset (3)', async () => {
    const ahead = await run(['predict', '--preset', 'balanced', '--for-contest', '302']);
    expect(ahead.code).toBe(2);
    expect(ahead.stderr).toMatch(/contest 302 is too far ahead: the last stored contest is 300/);
    const first = await run(['predict', '--preset', 'balanced', '--for-contest', '1']);
    expect(first.code).toBe(4);
    expect(first.stderr).toMatch(/no draws before contest 1/);
    expect((await run(['predict'])).code).toBe(2);
    expect((await run(['predict', '--preset', 'balanced', '--recipe', 'x.json'])).code).toBe(2);
    expect((await run(['predict', '--preset', 'balanced', '--seed', '-3'])).code).toBe(2);
    expect((await run(['predict', '--preset', 'balanced', '--seed', 'abc'])).code).toBe(2);
    writeFileSync(join(tmp.dir, 'bad.json'), JSON.stringify({ version: '2', name: 'b', strategy: 'random', numbers_per_ticket: 16 }));
    const bad = await run(['predict', '--recipe', 'bad.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/numbers_per_ticket: must be at most 15/);
    expect((await run(['predict', '--preset', 'reckless'])).code).toBe(3);
  });
});
