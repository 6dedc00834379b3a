/** `compare`: its flags, parsed and handed to the compare view. */
import type { Command } from 'commander';
import { type CliContext, addFormatOptions, formatOf } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  addFormatOptions(program.command('compare <run_ids...>').option('--metrics <list>', 'comma-separated metrics (default: all)'), ['json']).action(
    async (ids: string[], opts: { metrics?: string; json?: boolean }) => {
      const format = formatOf(opts);
      const { runCompareCommand } = await import('../compare-view.js');
      await runCompareCommand(ctx, { ids, metrics: opts.metrics, format });
    },
  );
}
