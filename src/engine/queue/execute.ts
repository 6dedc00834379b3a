/**
 * A queued run executed on a worker: the payload checked (engine version, dataset hash), a
 * throwaway data dir whose catalog holds only the payload's draws, the same engine as a local
 * `simulate`, and the finished run file returned gzip-compressed. No Redis here: `worker.ts`
 * feeds it jobs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REMOTE_RUN_VERSION, type RemoteRunPayload, type RemoteRunResult, RemoteRunPayloadSchema, expandDraw } from '../../core/remote-run.js';
import { parseResolvedRequest } from '../../core/run-request.js';
import { LuckyError } from '../../errors.js';
import { openCatalog } from '../../store/catalog.js';
import { createDrawWriter } from '../../store/draws-repo.js';
import { runFilePath } from '../../store/run-file.js';
import { hashDraws, planRun } from '../plan.js';
import type { PredictPool } from '../pool.js';
import { ENGINE_VERSION } from '../run-types.js';
import { simulate } from '../simulate.js';

/** The source a worker's throwaway catalog gives the draws it was sent. */
const QUEUED_SOURCE = 'queue';

/**
 * Parses a job's data as a payload and checks it can give the result its coordinator expects:
 * E_INPUT_INVALID for a malformed payload, E_CONFLICT for another engine version, E_DATA_INVALID
 * when its draws do not hash to its dataset hash (or the request's).
 */
export function checkRemotePayload(data: unknown): RemoteRunPayload {
  const parsed = RemoteRunPayloadSchema.safeParse(data);
  if (!parsed.success)
    throw new LuckyError(
      'E_INPUT_INVALID',
      `not a luckyfive run payload (version ${REMOTE_RUN_VERSION})`,
      parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  const p = parsed.data;
  if (p.engine_version !== ENGINE_VERSION)
    throw new LuckyError('E_CONFLICT', `run ${p.run_id} was planned for engine ${p.engine_version}, this worker runs ${ENGINE_VERSION}: upgrade one side`);
  const hash = hashDraws(p.draws.map((c) => expandDraw(c, QUEUED_SOURCE)));
  if (hash !== p.dataset_hash || p.request.dataset_hash !== p.dataset_hash)
    throw new LuckyError('E_DATA_INVALID', `run ${p.run_id}: the draws sent do not hash to the dataset hash the run was planned on`, [
      `sent ${p.dataset_hash}, recomputed ${hash}`,
    ]);
  return p;
}

export interface ExecuteOptions {
  pool: PredictPool;
  /** aborting stops the run at the next contest boundary: E_INTERRUPTED, no result */
  signal?: AbortSignal | undefined;
  /** after each contest written: contests done so far, of `total`, and the contest */
  onContest?: ((done: number, total: number, contest: number) => void) | undefined;
  now?: () => Date;
  /** where the throwaway data dir is made (default: the OS temp dir) */
  tmpRoot?: string | undefined;
}

/**
 * Runs a checked payload ({@link checkRemotePayload}) in a throwaway data dir and returns the
 * finished run file, gzip-compressed in base64. E_INTERRUPTED when `opts.signal` stops it first.
 * The data dir is removed whatever happens.
 */
export async function executeRemotePayload(payload: RemoteRunPayload, opts: ExecuteOptions): Promise<RemoteRunResult> {
  const request = parseResolvedRequest(JSON.stringify(payload.request));
  const dir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'luckyfive-worker-'));
  try {
    const catalog = openCatalog(join(dir, 'data'));
    try {
      const write = createDrawWriter(catalog.db);
      const importedAt = new Date(0).toISOString();
      catalog.db.transaction(() => {
        for (const c of payload.draws) write(expandDraw(c, QUEUED_SOURCE), null, importedAt, null);
      })();
      // The same planner as the coordinator's, on the same draws: the same plan, or a refusal.
      const plan = planRun(catalog.db, { from: request.from, to: request.to }, request.recipe.history);
      if (plan.dataset_hash !== payload.dataset_hash)
        throw new LuckyError('E_DATA_INVALID', `run ${payload.run_id}: the draws sent do not plan to the dataset hash the run was planned on`);
      let done = 0;
      const total = plan.targets.length;
      const report = await simulate(
        {
          catalog,
          pool: opts.pool,
          now: opts.now ?? (() => new Date()),
          signal: opts.signal,
          onEvent: (e) => {
            if (e.type === 'contest') opts.onContest?.(++done, total, e.contest);
          },
          prices: payload.prices,
          payoutRule: payload.payout_rule,
        },
        { recipe: request.recipe, range: { from: request.from, to: request.to }, name: request.name ?? undefined, run_id: payload.run_id },
        plan,
      );
      if (report.status !== 'completed')
        throw new LuckyError('E_INTERRUPTED', `run ${payload.run_id} was stopped on the worker after ${report.contests} of ${total} contests`);
      const bytes = readFileSync(runFilePath(catalog.dataDir, payload.run_id));
      return {
        version: REMOTE_RUN_VERSION,
        run_id: payload.run_id,
        file_gz: gzipSync(bytes).toString('base64'),
        bytes: bytes.length,
        contests: report.contests,
      };
    } finally {
      catalog.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
