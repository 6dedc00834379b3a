import type { CliContext } from './context.js';

/**
 * Commands that need draws call this first. An empty catalog gets the bundled SYNTHETIC sample,
 * with a warning on stderr that says so and how to import real results.
 */
export async function ensureDraws(ctx: CliContext): Promise<void> {
  const catalog = await ctx.catalog();
  const row = catalog.db.prepare('SELECT COUNT(*) AS n FROM draws').get() as { n: number };
  if (row.n > 0) return;
  const { importSample } = await import('../import/sample.js');
  const r = importSample(catalog.db);
  ctx.out.warn(
    `the catalog is empty: loaded the bundled SYNTHETIC sample (${r.catalog_draws.toLocaleString('en-US')} contests, ${r.first_contest}..${r.last_contest}). ` +
      'Import real results with `luckyfive import FILE`.',
  );
}
