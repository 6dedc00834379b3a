import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listPresets, loadPreset, readRecipeFile, readRecipeFileDetailed } from '../../../src/engine/recipe-files.js';
import { LuckyError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function errorOf(fn: () => unknown): LuckyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LuckyError);
    return e as LuckyError;
  }
  throw new Error('expected an error');
}

describe('presets', () => {
  it("ships conservative, balanced and aggressive with the old presets' values on the advanced strategy", () => {
    const presets = listPresets();
    expect(presets.map((p) => p.name)).toEqual(['aggressive', 'balanced', 'conservative']);
    const expected = {
      conservative: { alpha: 0.3, beta: 0.25, gamma: 0.25, cluster_penalty: 0.2, history: 500, tickets: 20 },
      balanced: { alpha: 0.35, beta: 0.25, gamma: 0.2, cluster_penalty: 0.2, history: 400, tickets: 25 },
      aggressive: { alpha: 0.4, beta: 0.3, gamma: 0.15, cluster_penalty: 0.15, history: 300, tickets: 30 },
    } as const;
    for (const { name, description, recipe } of presets) {
      const e = expected[name as keyof typeof expected];
      expect(recipe.name).toBe(name);
      expect(description.length).toBeGreaterThan(20);
      expect(recipe.strategy).toBe('advanced');
      if (recipe.strategy !== 'advanced') continue;
      expect({
        alpha: recipe.params.alpha,
        beta: recipe.params.beta,
        gamma: recipe.params.gamma,
        cluster_penalty: recipe.params.cluster_penalty,
        history: recipe.history,
        tickets: recipe.tickets,
      }).toEqual(e);
      expect(loadPreset(name)).toEqual(recipe);
    }
  });

  it('an unknown preset is E_NOT_FOUND naming the presets', () => {
    const e = errorOf(() => loadPreset('reckless'));
    expect(e.code).toBe('E_NOT_FOUND');
    expect(e.message).toMatch(/unknown preset "reckless"; presets: aggressive, balanced, conservative/);
    expect(errorOf(() => loadPreset('../package')).code).toBe('E_NOT_FOUND');
  });
});

describe('readRecipeFile', () => {
  it('reads version 2 and legacy files (with a BOM, too)', () => {
    const f = join(tmp.dir, 'legacy.json');
    writeFileSync(
      f,
      `\ufeff${JSON.stringify({ version: '1.0', name: 'old', parameters: { alpha: 1, beta: 1, gamma: 1, delta: 1, sim_prev_max: 100, sim_preds: 5 } })}`,
    );
    const { recipe, format } = readRecipeFileDetailed(f);
    expect(format).toBe('legacy-v1');
    expect(recipe).toMatchObject({ strategy: 'advanced', tickets: 5, history: 100 });
  });

  it('missing file: E_NOT_FOUND; bad JSON, a folder or an invalid recipe: E_RECIPE_INVALID naming the file', () => {
    expect(errorOf(() => readRecipeFile(join(tmp.dir, 'nope.json'))).code).toBe('E_NOT_FOUND');
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, '{"version": "2", ');
    const e = errorOf(() => readRecipeFile(bad));
    expect(e.code).toBe('E_RECIPE_INVALID');
    expect(e.message).toContain(bad);
    expect(e.details[0]).toMatch(/^\(root\): /);
    const dir = join(tmp.dir, 'folder.json');
    mkdirSync(dir);
    expect(errorOf(() => readRecipeFile(dir)).code).toBe('E_RECIPE_INVALID');
    const invalid = join(tmp.dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ version: '2', name: 'x', strategy: 'random', tickets: 0 }));
    const e2 = errorOf(() => readRecipeFile(invalid));
    expect(e2.message).toContain(invalid);
    expect(e2.details).toEqual(['tickets: must be at least 1']);
  });
});
