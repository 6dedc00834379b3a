/** The catalog migrations in order: a catalog at `user_version` N runs every migration after N, each in its own transaction. */
import type { Migration } from '../sqlite.js';
import { m001Draws } from './001-draws.js';
import { m002Runs } from './002-runs.js';
import { m003Books } from './003-books.js';
import { m004Indexes } from './004-indexes.js';
import { m005Auth } from './005-auth.js';
import { m006Sweeps } from './006-sweeps.js';
import { m007Jobs } from './007-jobs.js';
import { m008BooksSeal } from './008-books-seal.js';
import { m009Owners } from './009-owners.js';
import { m010BestOfBaseline } from './010-best-of-baseline.js';
import { m011RunLifts } from './011-run-lifts.js';
import { m012JobPlacement } from './012-job-placement.js';
import { m013WebSessions } from './013-web-sessions.js';
import { m014Studies } from './014-studies.js';
import { m015JobKinds } from './015-job-kinds.js';

/** Every catalog migration, in order. A new feature adds its file and one line here. */
export const CATALOG_MIGRATIONS: readonly Migration[] = [
  m001Draws,
  m002Runs,
  m003Books,
  m004Indexes,
  m005Auth,
  m006Sweeps,
  m007Jobs,
  m008BooksSeal,
  m009Owners,
  m010BestOfBaseline,
  m011RunLifts,
  m012JobPlacement,
  m013WebSessions,
  m014Studies,
  m015JobKinds,
];
