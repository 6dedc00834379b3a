/**
 * What a use case may be given. Every use case in `src/usecases/` is one exported function
 * `verbNoun(deps, input)`: `deps` is a `Pick` of {@link UseCaseDeps} (only what it needs), `input`
 * is already parsed by the front-end, and the result is the plain document both front-ends render.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { PredictPool } from '../engine/pool.js';
import type { Catalog } from '../store/catalog.js';

export interface UseCaseDeps {
  /** the opened (and migrated) catalog */
  catalog: Catalog;
  /** the resolved configuration (flags > env > file > defaults) */
  config: Readonly<Config>;
  /** time as the front-end read it (`readClock()`); use cases never read a clock themselves */
  clock: Clock;
  /** the worker pool, when the use case runs work on threads */
  pool: PredictPool;
  /** aborted on Ctrl-C or when the HTTP client goes away; long use cases stop cleanly */
  signal: AbortSignal;
}
