/** The compare use case: runs side by side, every metric ranked, and paired tests of every pair. */
import type { MetricName } from '../core/metrics.js';
import { type CompareReport, compareRuns as compareInProcess, compareRunsAsync } from '../engine/compare.js';
import { type PairTestsTask, runPairTests } from '../engine/compare-tests.js';
import type { PredictPool } from '../engine/pool.js';
import type { UseCaseDeps } from './deps.js';

export { COMPARE_MAX_WORK, type CompareReport } from '../engine/compare.js';

export interface CompareInput {
  /** run ids, at least two, none twice */
  ids: readonly string[];
  metrics: readonly MetricName[];
  /** refuse a comparison whose permutation tests cost more sign flips than this; default no limit */
  maxWork?: number | undefined;
}

/**
 * Compares completed runs: per metric every run's value, rank (hit metrics by lift), baseline and
 * p-value; per pair a paired sign and permutation test on the shared contests (unpaired with a
 * note when they share none), Holm-adjusted over all pairs.
 *
 * With a `signal` (the server), the run files are read one per event-loop turn and the tests run
 * on the `pool`'s threads (in-process when the pool has none), and an abort stops the work with
 * E_INTERRUPTED; without one (the CLI), everything runs in-process. The answer is the same.
 *
 * Refuses fewer than two ids or a repeated id (E_USAGE), an unknown run (E_NOT_FOUND), a run not
 * completed (E_CONFLICT), runs on different draws (synthetic vs official, or a shared contest
 * scored against different draws), and work over `maxWork` (E_INPUT_INVALID).
 * Returns the document `luckyfive compare --json` prints and `GET /compare` answers.
 */
export async function compareRuns(
  deps: Pick<UseCaseDeps, 'catalog'> & { pool?: PredictPool | undefined; signal?: AbortSignal | undefined },
  input: CompareInput,
): Promise<CompareReport> {
  const options = { metrics: input.metrics, ...(input.maxWork === undefined ? {} : { maxWork: input.maxWork }) };
  if (!deps.signal) return compareInProcess(deps.catalog, input.ids, options);
  const pool = deps.pool;
  const runTests = pool?.runTask
    ? (task: PairTestsTask, signal?: AbortSignal) => pool.runTask!('comparePairs', task, signal)
    : (task: PairTestsTask) => Promise.resolve(runPairTests(task));
  return compareRunsAsync(deps.catalog, input.ids, options, runTests, deps.signal);
}
