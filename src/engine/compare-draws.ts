/**
 * Before compare pairs two runs, their draws must agree: a run on the synthetic sample and one on
 * the official results (or on draws changed by a later `import --replace`) were scored against
 * different numbers, so a per-contest comparison between them means nothing. Refused with
 * E_CONFLICT (exit 4, HTTP 409): the runs conflict with each other, not with a rule of the input.
 */
import { LuckyError } from '../errors.js';
import type { RunRow } from '../store/runs-repo.js';

/** Throws E_CONFLICT when the runs mix the synthetic sample and official results (from the index rows alone). */
export function checkSameSource(rows: readonly RunRow[]): void {
  const synthetic = rows.filter((r) => r.synthetic === 1);
  if (synthetic.length > 0 && synthetic.length < rows.length) {
    throw new LuckyError('E_CONFLICT', 'cannot compare runs on the synthetic sample with runs on official results: their draws differ', [
      ...rows.map((r) => `${r.run_id}: ${r.synthetic === 1 ? 'SYNTHETIC sample draws' : 'official results'}`),
    ]);
  }
}

/**
 * Throws E_CONFLICT when two runs scored any shared contest against different draws. `draws[i]`
 * is run i's `date|balls` by contest, read with its per-contest hits (the files are read once).
 */
export function checkSameDraws(rows: readonly RunRow[], draws: ReadonlyArray<ReadonlyMap<number, string>>): void {
  const problems: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const shared = [...draws[i]!.keys()].filter((c) => draws[j]!.has(c)).sort((x, y) => x - y);
      const differing = shared.filter((c) => draws[i]!.get(c) !== draws[j]!.get(c));
      if (differing.length === 0) continue;
      problems.push(
        `${rows[i]!.run_id} and ${rows[j]!.run_id}: ${differing.length} of ${shared.length} shared contests have different draws (first: ${differing.slice(0, 5).join(', ')})`,
      );
    }
  }
  if (problems.length)
    throw new LuckyError(
      'E_CONFLICT',
      'cannot compare runs scored against different draws for the same contests (the draws were re-imported between them)',
      problems,
    );
}
