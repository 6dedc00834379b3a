import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/engine/recipe-files.js';
import { parseRecipe, recipeHash } from '../../src/core/recipe/schema.js';
import { cli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const run = (args: string[]) => cli(args, { cwd: tmp.dir, dataDir: join(tmp.dir, 'data') });
const write = (name: string, value: unknown) => {
  writeFileSync(join(tmp.dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return name;
};

describe('luckyfive recipes', () => {
  it('list --json: the presets with their normalized recipes and hashes', async () => {
    const r = await run(['recipes', 'list', '--json']);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.presets.map((p: any) => p.name)).toEqual(['aggressive', 'balanced', 'conservative']);
    const balanced = doc.presets[1];
    expect(balanced.strategy).toBe('advanced');
    expect(balanced.recipe_hash).toBe(recipeHash(loadPreset('balanced')));
    expect(balanced.recipe.params.alpha).toBe(0.35);
  });

  it('list (human) shows a table', async () => {
    const r = await run(['recipes', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/balanced\s+\|\s+advanced\s+\|\s+25/);
  });

  it('show NAME: every key with defaults filled; --json round-trips', async () => {
    const human = await run(['recipes', 'show', 'balanced']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/params\.smart_filters\.max_consecutive\s+\|\s+2/);
    expect(human.stdout).toMatch(/recipe_hash [0-9a-f]{64}/);
    const r = await run(['recipes', 'show', 'conservative', '--json']);
    const doc = r.json();
    expect(doc).toMatchObject({ name: 'conservative', source: 'preset:conservative', format: 'v2' });
    expect(parseRecipe(doc.recipe)).toEqual(doc.recipe);
    expect(doc.recipe_hash).toBe(recipeHash(doc.recipe));
  });

  it('show accepts a recipe file and rejects an unknown name with exit 3', async () => {
    const f = write('mine.json', { version: '2', name: 'mine', strategy: 'frequency' });
    const r = await run(['recipes', 'show', f, '--json']);
    expect(r.code).toBe(0);
    expect(r.json().recipe.params).toEqual({ mode: 'hot', window: 0, lambda: 0.08, pool: 20 });
    const missing = await run(['recipes', 'show', 'reckless']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/neither a preset \(aggressive, balanced, conservative\) nor a recipe file/);
  });

  it('validate: exit 0 for a valid file, with the legacy conversion noted', async () => {
    const ok = await run(['recipes', 'validate', write('ok.json', { version: '2', name: 'ok', strategy: 'random', tickets: 3 })]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok\.json: valid \(random, 3 tickets of 5 numbers, 500 draws of history\); recipe_hash [0-9a-f]{64}/);
    const legacy = await run([
      'recipes',
      'validate',
      write('flat.json', { alpha: 0.3, beta: 0.25, gamma: 0.25, delta: 0.2, sim_prev_max: 500, sim_preds: 20 }),
      '--json',
    ]);
    expect(legacy.code).toBe(0);
    expect(legacy.json()).toMatchObject({ valid: true, format: 'legacy-flat', recipe: { strategy: 'advanced', tickets: 20, history: 500 } });
  });

  it('[12.1.5] recipes validate lists at most 100 problems, then "and N more" (text and --json)', async () => {
    const recipe: Record<string, unknown> = { version: '2', name: 'x', strategy: 'random' };
    for (let i = 0; i < 5000; i++) recipe[`unknown_key_${i}`] = i;
    const f = write('many-problems.json', recipe);
    const r = await run(['recipes', 'validate', f]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/invalid recipe \(5000 problems\)/);
    expect(lines).toHaveLength(102);
    expect(lines.at(-1)!.trim()).toBe('... and 4900 more problems');
    const json = await run(['recipes', 'validate', f, '--json']);
    expect(json.json().errors).toHaveLength(101);
  });

  it('validate: exit 2 with one path: problem line per issue and no stack trace', async () => {
    const f = write('bad.json', {
      version: '2',
      name: 'bad',
      strategy: 'advanced',
      numbers_per_ticket: 16,
      colour: 'red',
      params: { alpha: 0, beta: 0, gamma: 0, population_size: 5 },
    });
    const r = await run(['recipes', 'validate', f]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error: invalid recipe \(4 problems\) in .*bad\.json$/);
    expect(lines.slice(1).map((l) => l.trim())).toEqual([
      'numbers_per_ticket: must be at most 15',
      expect.stringMatching(/^colour: unknown key/),
      expect.stringMatching(/^params: alpha, beta and gamma are all 0/),
      expect.stringMatching(/^params\.population_size: must be greater than elites/),
    ]);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    const json = await run(['recipes', 'validate', f, '--json']);
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ valid: false, file: f, errors: expect.arrayContaining(['numbers_per_ticket: must be at most 15']) });
  });

  it('validate: bad JSON is exit 2, a missing file exit 3', async () => {
    expect((await run(['recipes', 'validate', write('broken.json', '{"version":')])).code).toBe(2);
    expect((await run(['recipes', 'validate', 'absent.json'])).code).toBe(3);
  });

  it('init writes a valid starter recipe with $schema, refuses to overwrite, and --force replaces', async () => {
    const r = await run(['recipes', 'init', 'starter.json', '--preset', 'aggressive']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/luckyfive recipes validate starter\.json/);
    const file = join(tmp.dir, 'starter.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(existsSync(resolve(dirname(file), doc.$schema))).toBe(true);
    expect(doc).toMatchObject({ version: '2', name: 'starter', strategy: 'advanced', tickets: 30 });
    expect(Object.keys(doc).slice(0, 5)).toEqual(['$schema', 'version', 'name', 'description', 'strategy']);
    expect((await run(['recipes', 'validate', 'starter.json'])).code).toBe(0);

    writeFileSync(file, 'keep me');
    const again = await run(['recipes', 'init', 'starter.json']);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/already exists; pass --force/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');

    const forced = await run(['recipes', 'init', 'starter.json', '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).tickets).toBe(25);
  });

  it('init with an unknown preset writes nothing (exit 3)', async () => {
    const r = await run(['recipes', 'init', 'never.json', '--preset', 'reckless']);
    expect(r.code).toBe(3);
    expect(existsSync(join(tmp.dir, 'never.json'))).toBe(false);
  });
});
