import { LuckyError } from '../errors.js';
import type { CliContext } from './context.js';

/**
 * Commands that need draws call this first. An empty catalog is an error until the bundled
 * sample loader lands.
 */
export async function ensureDraws(ctx: CliContext): Promise<void> {
  const catalog = await ctx.catalog();
  const row = catalog.db.prepare('SELECT COUNT(*) AS n FROM draws').get() as { n: number };
  if (row.n === 0) throw new LuckyError('E_DATA_MISSING', 'the catalog has no draws: run `luckyfive import FILE`');
}
