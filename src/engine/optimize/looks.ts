/**
 * A study's looks at its holdout. Look 1 is the study's own: once the search is done, the best
 * `holdout_top` trials by the train metric are chosen, the choice is recorded (the look row and
 * each chosen trial's holdout run id, in one transaction) before any holdout run starts, and each
 * runs once through the sweep holdout machinery. A later look (`optimize holdout ID --top N`) may
 * only add trials not looked at yet, and is recorded as look 2, 3, ... so the verdict counts it.
 */
import { LuckyError } from '../../errors.js';
import { insertLook, listLooks, requireStudy } from '../../store/studies-repo.js';
import { assignHoldoutRuns, requireSweep } from '../../store/sweeps-repo.js';
import type { RunEnv } from '../run-types.js';
import { freshRunId } from '../sweep/cell-runs.js';
import { type HoldoutOutcome, runHoldout } from '../sweep/holdout.js';
import { readSweepResults } from '../sweep/results.js';

/**
 * Records a look at the holdout: the best `top` trials by the train metric that have no holdout
 * run yet. Returns the cells it added (empty when look 1 is already recorded and `again` is false).
 */
export function recordLook(env: RunEnv, studyId: string, a: { top: number; again: boolean; reason?: string | undefined }): { look: number; cells: number[] } {
  const db = env.catalog.db;
  return db
    .transaction(() => {
      const looks = listLooks(db, studyId);
      if (!a.again && looks.length > 0) return { look: 1, cells: [] };
      const ranked = readSweepResults(env.catalog, studyId).cells.filter((c) => c.value !== null);
      const top = ranked.slice(0, a.top);
      const added = top.filter((c) => c.holdout === null);
      if (a.again && added.length === 0) {
        throw new LuckyError(
          'E_CONFLICT',
          `the best ${a.top} trial${a.top === 1 ? ' was' : 's were'} already run on the holdout: a new look would add nothing`,
          [`top: ask for more than ${top.length} to look at trials not yet run there`],
        );
      }
      const look = looks.length + 1;
      insertLook(db, {
        sweep_id: studyId,
        look,
        at: env.now().toISOString(),
        top: a.top,
        cells_json: JSON.stringify(added.map((c) => c.cell_index)),
        reason: a.reason ?? (look === 1 ? 'the study: its best trials, once' : null),
      });
      assignHoldoutRuns(
        db,
        studyId,
        added.map((c) => ({ cell_index: c.cell_index, run_id: freshRunId(env) })),
      );
      return { look, cells: added.map((c) => c.cell_index) };
    })
    .immediate();
}

/** Runs (or resumes) the holdout runs every recorded look chose. */
export async function runLooks(env: RunEnv, studyId: string): Promise<HoldoutOutcome> {
  requireStudy(env.catalog.db, studyId);
  return runHoldout(env, requireSweep(env.catalog.db, studyId), { share_stats: true });
}
