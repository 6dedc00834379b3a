/** The `simulate` command's body: resolve the recipe, run on the pool, print the report. */
import { type RangeRequest, parseRunRange } from '../core/contest-range.js';
import { ERROR_TABLE, LuckyError } from '../errors.js';
import type { Recipe } from '../core/recipe/schema.js';
import type { RunEvent, RunReport } from '../engine/simulate.js';
import type { CliContext } from './context.js';
import { ensureDraws } from './ensure-draws.js';
import type { Format } from './output.js';
import { printRunReport } from './run-report.js';

export interface SimulateArgs {
  recipeFile?: string | undefined;
  preset?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  last?: number | undefined;
  threads?: number | undefined;
  seed?: number | undefined;
  name?: string | undefined;
  resume?: string | undefined;
  format: Format;
}

/** Resolves --recipe/--preset and --seed into one recipe (exit 2 on any conflict). */
export async function resolveRecipe(args: { recipeFile?: string | undefined; preset?: string | undefined; seed?: number | undefined }): Promise<Recipe> {
  if (args.recipeFile && args.preset) throw new LuckyError('E_USAGE', 'give --recipe or --preset, not both');
  if (!args.recipeFile && !args.preset) throw new LuckyError('E_USAGE', 'give a recipe: --recipe FILE or --preset NAME (see `luckyfive recipes list`)');
  const { readRecipeFile, loadPreset } = await import('../core/recipe/load.js');
  const recipe = args.recipeFile ? readRecipeFile(args.recipeFile) : loadPreset(args.preset!);
  return args.seed === undefined ? recipe : { ...recipe, seed: args.seed };
}

export async function runSimulateCommand(ctx: CliContext, a: SimulateArgs): Promise<void> {
  if (a.format === 'csv' || (a.format as string) === 'csv') throw new LuckyError('E_USAGE', 'simulate prints --json or --ndjson');
  const threads = a.threads ?? ctx.config().values.threads;
  let recipe: Recipe | undefined;
  let range: RangeRequest | undefined;
  if (a.resume) {
    if (a.recipeFile || a.preset || a.from !== undefined || a.to !== undefined || a.last !== undefined || a.seed !== undefined) {
      throw new LuckyError('E_USAGE', '--resume takes the run id only: the recipe, range and seed come from the run file');
    }
  } else {
    recipe = await resolveRecipe(a);
    range = parseRunRange(a);
  }
  const catalog = await ctx.catalog();
  await ensureDraws(ctx);
  const { createPredictPool } = await import('../engine/pool.js');
  const { simulate, resumeRun } = await import('../engine/simulate.js');
  const { parseRunId } = await import('../store/run-file.js');
  const { planRun } = await import('../engine/plan.js');
  // Refuse bad ranges before any thread or file is created.
  if (recipe) planRun(catalog.db, range!, recipe.history);
  const pool = createPredictPool(threads);
  ctx.onCleanup(() => pool.close());
  const spinner = a.format === 'table' ? await ctx.out.spinner('simulating') : undefined;
  let total = 0;
  let doneCount = 0;
  const onEvent = (e: RunEvent) => {
    if (a.format === 'ndjson') ctx.out.ndjson(e);
    if (e.type === 'run_start') {
      total = e.contests;
      doneCount = e.contests - e.remaining;
      if (e.synthetic_data) ctx.out.info('note: this run uses SYNTHETIC sample draws, not official results');
      if (e.missing_contests.length) ctx.out.warn(`${e.missing_contests.length} contest(s) of the range are missing from the catalog and will not be simulated: ${e.missing_contests.slice(0, 10).join(', ')}${e.missing_contests.length > 10 ? ', ...' : ''}`);
    } else if (e.type === 'contest') {
      doneCount++;
      spinner?.update(`simulating: ${doneCount}/${total} contests`);
    }
  };
  const env = { catalog, pool, now: () => new Date(), signal: ctx.signal, onEvent };
  let report: RunReport;
  try {
    report = a.resume ? await resumeRun(env, parseRunId(a.resume)) : await simulate(env, { recipe: recipe!, range: range!, name: a.name });
  } catch (e) {
    spinner?.fail('simulation failed');
    throw e;
  }
  spinner?.stop();
  if (a.format === 'json') ctx.out.json(report);
  else if (a.format === 'table') printRunReport(ctx.out, report);
  if (report.status === 'cancelled') {
    ctx.out.warn(`run ${report.run_id} stopped after ${report.contests} contest(s); finish it with: luckyfive simulate --resume ${report.run_id}`);
    ctx.exitCode = ERROR_TABLE.E_INTERRUPTED.exit;
  }
}
