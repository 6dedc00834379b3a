/** `recipes`: list, show, validate and create strategy recipes (the shipped presets and recipe files). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Recipe } from '../../core/recipe/schema.js';
import { type CliContext, addFormatOptions, formatOf } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  const recipes = program.command('recipes');

  addFormatOptions(recipes.command('list').description('the shipped presets'), ['json']).action(async (opts: { json?: boolean }) => {
    const format = formatOf(opts);
    const { listPresetRecipes } = await import('../../usecases/recipes.js');
    const presets = listPresetRecipes();
    if (format === 'json') return ctx.out.json({ presets });
    ctx.out.table(
      ['name', 'strategy', 'tickets', 'numbers', 'history', 'description'],
      // on a terminal the description is wrapped to what is left of its width
      presets.map((p) => [
        p.name,
        p.recipe.strategy,
        p.recipe.tickets,
        p.recipe.numbers_per_ticket,
        p.recipe.history,
        wrap(p.description, ctx.out.width === undefined ? 60 : Math.min(60, Math.max(24, ctx.out.width - 50))),
      ]),
      { align: ['left', 'left', 'right', 'right', 'right', 'left'], drop: [4, 3] },
    );
    ctx.out.info('show one with `luckyfive recipes show NAME`; start your own with `luckyfive recipes init`');
  });

  addFormatOptions(recipes.command('show <name>').description('a preset (or a recipe file) as normalized: every key, defaults filled'), ['json']).action(
    async (name: string, opts: { json?: boolean }) => {
      const format = formatOf(opts);
      const { showRecipe, orderedRecipe } = await import('../../usecases/recipes.js');
      const shown = showRecipe({ name, cwd: ctx.io.cwd });
      if (format === 'json')
        return ctx.out.json({ name: shown.recipe.name, source: shown.source, format: shown.format, recipe_hash: shown.recipe_hash, recipe: shown.recipe });
      for (const note of shown.notes) ctx.out.info(`note: ${note}`);
      const flat = flatten(orderedRecipe(shown.recipe));
      const keyWidth = Math.max(...flat.map(([k]) => k.length));
      const valueWidth = ctx.out.width === undefined ? 70 : Math.min(70, Math.max(20, ctx.out.width - keyWidth - 7));
      ctx.out.table(
        ['key', 'value'],
        flat.map(([k, v]) => [k, typeof v === 'string' ? wrap(v, valueWidth) : JSON.stringify(v)]),
        { align: ['left', 'left'] },
      );
      ctx.out.text(`recipe_hash ${shown.recipe_hash}`);
    },
  );

  addFormatOptions(recipes.command('validate <file>').description('check a recipe file: exit 0 when valid, 2 with one "path: problem" line per issue'), [
    'json',
  ]).action(async (file: string, opts: { json?: boolean }) => {
    const format = formatOf(opts);
    const { validateRecipe } = await import('../../usecases/recipes.js');
    const { ERROR_TABLE } = await import('../../errors.js');
    // in human mode an invalid recipe is refused: exit 2 with one "path: problem" line per issue
    const v = validateRecipe({ file: resolve(ctx.io.cwd, file), refuse: format !== 'json' });
    if (!v.valid) {
      ctx.out.json({ valid: false, file, errors: v.errors });
      ctx.exitCode = ERROR_TABLE.E_RECIPE_INVALID.exit;
      return;
    }
    const recipe = v.recipe as Recipe;
    if (format === 'json') return ctx.out.json({ valid: true, file, format: v.format, notes: v.notes, recipe_hash: v.recipe_hash, recipe });
    for (const note of v.notes) ctx.out.info(`note: ${note}`);
    ctx.out.text(
      `${file}: valid (${recipe.strategy}, ${recipe.tickets} tickets of ${recipe.numbers_per_ticket} numbers, ${recipe.history} draws of history); recipe_hash ${v.recipe_hash}`,
    );
  });

  recipes
    .command('init [file]')
    .description('write a starter recipe (default ./recipe.json) from a preset, with every key spelled out')
    .option('--preset <name>', 'start from this preset', 'balanced')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string | undefined, opts: { preset: string; force?: boolean }) => {
      const { writeStarterRecipe } = await import('../../usecases/recipes.js');
      const label = file ?? 'recipe.json';
      const { path } = writeStarterRecipe({ target: resolve(ctx.io.cwd, label), label, preset: opts.preset, force: opts.force === true });
      ctx.out.info(`wrote ${path} (from the "${opts.preset}" preset)`);
      ctx.out.info(INIT_GUIDE.replaceAll('FILE', label));
    });
}

const INIT_GUIDE = `# The "$schema" key lets editors complete and check every key. In short:
#   strategy            random (the baseline) | frequency (hot/cold numbers) | advanced (the legacy generator)
#   tickets             distinct tickets per contest (1..1000)
#   numbers_per_ticket  5..15 (a k-number ticket costs C(k,5) bets)
#   history             draws before each contest the strategy may look at (1..10000)
#   seed                same recipe + data + seed => same tickets
#   params              the strategy's knobs; \`luckyfive recipes show FILE\` lists them with defaults filled
# Check it:  luckyfive recipes validate FILE
# Use it:    luckyfive predict --recipe FILE
# No recipe changes the odds: each 5-number ticket wins the quina with probability 1 in 24,040,016.`;

function flatten(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [[prefix, '{}']];
    return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value]];
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
