/**
 * The command registry: names and one-line descriptions are here so `--help` loads nothing
 * heavy; each command's module (flags and action) is imported only when it runs.
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
  draws: { description: 'show, list and summarise imported draws', load: () => import('./draws.js') },
  simulate: { description: 'walk-forward backtest of a recipe over a contest range, into its own run file', load: () => import('./simulate.js') },
  runs: { description: 'list, show, export, verify, delete and import run files', load: () => import('./runs.js') },
  maintain: { description: 'check and tidy the catalog and run files; online backup, verified restore, rollback', load: () => import('./maintain.js') },
  config: { description: 'show the effective configuration and where each value came from', load: () => import('./config.js') },
};
