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
  serve: { description: 'serve the HTTP API (loopback by default, HTTPS with a certificate)', load: () => import('./serve.js') },
  auth: { description: 'create, list and revoke API keys; mint tokens', load: () => import('./auth.js') },
  config: { description: 'show the effective configuration and where each value came from', load: () => import('./config.js') },
};
