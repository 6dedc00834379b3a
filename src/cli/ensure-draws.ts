/**
 * Commands that need draws call this first: the ensure-draws use case loads the bundled
 * SYNTHETIC sample into an empty catalog, and this says so on stderr, with how to import real results.
 */
import type { CliContext } from './context.js';

export async function ensureDraws(ctx: CliContext): Promise<void> {
  const catalog = await ctx.catalog();
  const { ensureDraws: ensure } = await import('../usecases/draws.js');
  const r = ensure({ catalog });
  if (!r) return;
  ctx.out.warn(
    `the catalog is empty: loaded the bundled SYNTHETIC sample (${r.catalog_draws.toLocaleString('en-US')} contests, ${r.first_contest}..${r.last_contest}). ` +
      'Import real results with `luckyfive import FILE`.',
  );
}
