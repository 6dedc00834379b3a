import { existsSync, linkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { ParsedRecipe, Recipe } from '../../core/recipe/schema.js';
import { LuckyError } from '../../errors.js';
import { type CliContext, addFormatOptions, formatOf } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  const recipes = program.command('recipes');

  addFormatOptions(recipes.command('list').description('the shipped presets'), ['json']).action(async (opts: { json?: boolean }) => {
    const format = formatOf(opts);
    const { listPresets } = await import('../../core/recipe/load.js');
    const { recipeHash } = await import('../../core/recipe/schema.js');
    const presets = listPresets();
    if (format === 'json') {
      return ctx.out.json({
        presets: presets.map((p) => ({ name: p.name, description: p.description, strategy: p.recipe.strategy, recipe_hash: recipeHash(p.recipe), recipe: p.recipe })),
      });
    }
    ctx.out.table(
      ['name', 'strategy', 'tickets', 'numbers', 'history', 'description'],
      presets.map((p) => [p.name, p.recipe.strategy, p.recipe.tickets, p.recipe.numbers_per_ticket, p.recipe.history, wrap(p.description, 60)]),
      { align: ['left', 'left', 'right', 'right', 'right', 'left'] },
    );
    ctx.out.info('show one with `luckyfive recipes show NAME`; start your own with `luckyfive recipes init`');
  });

  addFormatOptions(recipes.command('show <name>').description('a preset (or a recipe file) as normalized: every key, defaults filled'), ['json']).action(
    async (name: string, opts: { json?: boolean }) => {
      const format = formatOf(opts);
      const { recipeHash } = await import('../../core/recipe/schema.js');
      const { source, parsed } = await resolveRecipe(ctx, name);
      const hash = recipeHash(parsed.recipe);
      if (format === 'json') return ctx.out.json({ name: parsed.recipe.name, source, format: parsed.format, recipe_hash: hash, recipe: parsed.recipe });
      for (const note of parsed.notes) ctx.out.info(`note: ${note}`);
      ctx.out.table(
        ['key', 'value'],
        flatten(parsed.recipe).map(([k, v]) => [k, typeof v === 'string' ? wrap(v, 70) : JSON.stringify(v)]),
        { align: ['left', 'left'] },
      );
      ctx.out.text(`recipe_hash ${hash}`);
    },
  );

  addFormatOptions(
    recipes.command('validate <file>').description('check a recipe file: exit 0 when valid, 2 with one "path: problem" line per issue'),
    ['json'],
  ).action(async (file: string, opts: { json?: boolean }) => {
    const format = formatOf(opts);
    const { readRecipeFileDetailed } = await import('../../core/recipe/load.js');
    const { recipeHash } = await import('../../core/recipe/schema.js');
    const path = resolve(ctx.io.cwd, file);
    let parsed: ParsedRecipe;
    try {
      parsed = readRecipeFileDetailed(path);
    } catch (e) {
      if (format !== 'json' || !(e instanceof LuckyError) || e.code !== 'E_RECIPE_INVALID') throw e;
      ctx.out.json({ valid: false, file, errors: e.details.length ? e.details : [e.message] });
      ctx.exitCode = e.exitCode;
      return;
    }
    const hash = recipeHash(parsed.recipe);
    if (format === 'json') return ctx.out.json({ valid: true, file, format: parsed.format, notes: parsed.notes, recipe_hash: hash, recipe: parsed.recipe });
    for (const note of parsed.notes) ctx.out.info(`note: ${note}`);
    ctx.out.text(`${file}: valid (${parsed.recipe.strategy}, ${parsed.recipe.tickets} tickets of ${parsed.recipe.numbers_per_ticket} numbers, ${parsed.recipe.history} draws of history); recipe_hash ${hash}`);
  });

  recipes
    .command('init [file]')
    .description('write a starter recipe (default ./recipe.json) from a preset, with every key spelled out')
    .option('--preset <name>', 'start from this preset', 'balanced')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string | undefined, opts: { preset: string; force?: boolean }) => {
      const { RECIPES_DIR, RECIPE_SCHEMA_FILE, loadPreset } = await import('../../core/recipe/load.js');
      const { parseRecipe } = await import('../../core/recipe/schema.js');
      const target = resolve(ctx.io.cwd, file ?? 'recipe.json');
      if (existsSync(target) && opts.force !== true) throw new LuckyError('E_CONFLICT', `${target} already exists; pass --force to overwrite it`);
      const preset = loadPreset(opts.preset);
      const name = basename(target).replace(/\.json$/i, '').slice(0, 100) || 'my-recipe';
      const schemaPath = relative(dirname(target), join(RECIPES_DIR, RECIPE_SCHEMA_FILE)).split(sep).join('/');
      const doc = {
        $schema: schemaPath.startsWith('.') ? schemaPath : `./${schemaPath}`,
        ...orderedRecipe({ ...preset, name, description: `Started from the "${opts.preset}" preset. Check it with: luckyfive recipes validate ${file ?? 'recipe.json'}` }),
      };
      parseRecipe(doc); // what we write must validate
      writeAtomically(target, `${JSON.stringify(doc, null, 2)}\n`, opts.force === true);
      ctx.out.info(`wrote ${target} (from the "${opts.preset}" preset)`);
      ctx.out.info(INIT_GUIDE.replaceAll('FILE', file ?? 'recipe.json'));
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

/** Presets by name, or a recipe file by path. */
async function resolveRecipe(ctx: CliContext, name: string): Promise<{ source: string; parsed: ParsedRecipe }> {
  const { presetNames, presetPath, readRecipeFileDetailed } = await import('../../core/recipe/load.js');
  const names = presetNames();
  if (names.includes(name)) return { source: `preset:${name}`, parsed: readRecipeFileDetailed(presetPath(name)) };
  const path = resolve(ctx.io.cwd, name);
  if (existsSync(path)) return { source: `file:${name}`, parsed: readRecipeFileDetailed(path) };
  throw new LuckyError('E_NOT_FOUND', `"${name}" is neither a preset (${names.join(', ')}) nor a recipe file`);
}

/** Keys in reading order (the parser's output follows the schema's field order). */
function orderedRecipe(r: Recipe): Record<string, unknown> {
  const { version, name, description, strategy, tickets, numbers_per_ticket, history, seed, params } = r;
  return { version, name, description, strategy, tickets, numbers_per_ticket, history, seed, params };
}

function flatten(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(orderedIfRecipe(value as Record<string, unknown>, prefix));
    if (entries.length === 0) return [[prefix, '{}']];
    return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value]];
}

function orderedIfRecipe(v: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return prefix === '' && 'strategy' in v ? orderedRecipe(v as Recipe) : v;
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

/** Never leaves a half-written file: write a temporary file, then link (no overwrite) or rename. */
function writeAtomically(target: string, text: string, overwrite: boolean): void {
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    if (overwrite) renameSync(tmp, target);
    else {
      try {
        linkSync(tmp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new LuckyError('E_CONFLICT', `${target} already exists; pass --force to overwrite it`);
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof LuckyError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LuckyError('E_NOT_FOUND', `cannot write ${target}: its folder does not exist`);
    throw new LuckyError('E_DATA_INVALID', `cannot write ${target}: ${(e as Error).message}`, [], { cause: e });
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}
