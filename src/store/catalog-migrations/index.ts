import type { Migration } from '../sqlite.js';
import { m001Draws } from './001-draws.js';
import { m002Runs } from './002-runs.js';
import { m004Auth } from './004-auth.js';

/** Every catalog migration, in order. A new feature adds its file and one line here. */
export const CATALOG_MIGRATIONS: readonly Migration[] = [m001Draws, m002Runs, m004Auth];
