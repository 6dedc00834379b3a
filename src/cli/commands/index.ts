/**
 * The command registry: names and one-line descriptions are here so `--help` loads nothing
 * heavy; each command's module (flags and action) is imported only when it runs. This is the
 * only place a command's description is written: `createProgram` in `cli/main.ts` applies it to
 * the registered command too, so `luckyfive --help` and `luckyfive <cmd> --help` agree.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

export interface CommandEntry {
  description: string;
  load: () => Promise<CommandModule>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  import: {
    description: "import official results from the operator's .xlsx workbook or a CSV (columns found by name), or the bundled synthetic sample",
    load: () => import('./import.js'),
  },
  draws: { description: 'show, list and summarise imported draws', load: () => import('./draws.js') },
  recipes: { description: 'list, show, validate and create strategy recipes', load: () => import('./recipes.js') },
  predict: { description: 'tickets for the next contest (or --for-contest N) from a recipe file or a preset', load: () => import('./predict.js') },
  simulate: { description: 'walk-forward backtest of a recipe over a contest range, into its own run file', load: () => import('./simulate.js') },
  sweep: {
    description: 'parameter sweeps: every cell a run; show, list and heatmap with multiple-testing-adjusted p-values',
    load: () => import('./sweep.js'),
  },
  optimize: {
    description: 'search a parameter space (random or evolutionary) on a train range; the best trials run once on a holdout, every trial and look counted',
    load: () => import('./optimize.js'),
  },
  compare: { description: 'runs side by side: every metric ranked, and paired per-contest tests of who beat whom', load: () => import('./compare.js') },
  leaderboard: {
    description: 'completed runs ranked by a metric; adjusted p-values cover every run matching the filter, not just those shown',
    load: () => import('./leaderboard.js'),
  },
  runs: { description: 'list, show, export, verify, delete and import run files', load: () => import('./runs.js') },
  report: {
    description: 'reports to read, mail or archive: a run, a sweep, a financial period or a comparison as HTML, PDF, PNG or CSV',
    load: () => import('./report.js'),
  },
  maintain: { description: 'check and tidy the catalog and run files; online backup, verified restore, rollback', load: () => import('./maintain.js') },
  worker: {
    description: 'take simulations and sweep cells from the run queue (queue_url) and run them here, until SIGTERM or Ctrl-C',
    load: () => import('./worker.js'),
  },
  serve: { description: 'serve the HTTP API (loopback by default; HTTPS with --tls-cert and --tls-key)', load: () => import('./serve.js') },
  auth: { description: 'API keys and tokens for `luckyfive serve`: create, list and revoke keys; mint tokens', load: () => import('./auth.js') },
  config: { description: 'show the effective configuration and where each value came from', load: () => import('./config.js') },
  ledger: { description: 'the real ledger: record bets, prizes and cash, reverse, settle, check, list and report', load: () => import('./ledger.js') },
  budget: { description: 'spending budgets over date windows (spent and status derived from the ledger)', load: () => import('./budget.js') },
  finance: { description: 'price table, prizes per contest, payout rule, expected value and ROI analysis', load: () => import('./finance.js') },
};
