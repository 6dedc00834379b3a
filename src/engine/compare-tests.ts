/**
 * The heavy half of `compare`: the sign and permutation tests of every pair of runs, as a pure
 * function of plain arrays, so the server runs it on a pool thread (`tasks.worker.ts`) and the
 * CLI in-process, with the same answer either way (the permutation streams are seeded).
 */
import { pairedPermutationTest, signTest, unpairedPermutationTest } from '../core/stats.js';

export type PairInput =
  /** per-contest differences A - B over the shared contests */
  | { paired: true; diffs: Float64Array }
  /** per-contest mean hits of each run (no shared contest) */
  | { paired: false; a: Float64Array; b: Float64Array };

export interface PairTestsTask {
  iterations: number;
  seed: number;
  pairs: PairInput[];
  /**
   * A view on a SharedArrayBuffer its caller sets to 1 to stop the tests (they then throw
   * E_INTERRUPTED within 256 draws), so a pool thread is never terminated mid-task.
   */
  stop?: Int32Array;
}

export interface PairTestResult {
  mean_diff: number;
  permutation_p: number;
  /** paired only (null when unpaired) */
  a_better: number | null;
  b_better: number | null;
  ties: number | null;
  sign_p: number | null;
}

/** The tests of each pair, in order. */
export function runPairTests(task: PairTestsTask): PairTestResult[] {
  const stop = task.stop;
  const opts = { iterations: task.iterations, seed: task.seed, ...(stop ? { shouldStop: () => Atomics.load(stop, 0) === 1 } : {}) };
  return task.pairs.map((p) => {
    if (p.paired) {
      const s = signTest(p.diffs);
      const perm = pairedPermutationTest(p.diffs, opts);
      return { mean_diff: perm.mean_diff, permutation_p: perm.p_value, a_better: s.positive, b_better: s.negative, ties: s.zero, sign_p: s.p_value };
    }
    const perm = unpairedPermutationTest([...p.a], [...p.b], opts);
    return { mean_diff: perm.mean_diff, permutation_p: perm.p_value, a_better: null, b_better: null, ties: null, sign_p: null };
  });
}
