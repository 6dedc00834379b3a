// Registering a run file a worker returned, its figures checked here or on a pool thread: the
// same run registered, the same refusal (with its code) for a file whose figures were altered.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteRunResult } from '../../../../src/core/remote-run.js';
import { type PredictPool, createPredictPool } from '../../../../src/engine/pool.js';
import { checkRemotePayload, executeRemotePayload } from '../../../../src/engine/queue/execute.js';
import { buildRemotePayload, registerRemoteRun } from '../../../../src/engine/queue/submit.js';
import { resolveRunRequest } from '../../../../src/engine/run-request.js';
import { type Catalog, openCatalog } from '../../../../src/store/catalog.js';
import { getRun } from '../../../../src/store/runs-repo.js';
import { tempDir } from '../../../helpers/cli.js';
import { makeDraws, seedDraws } from '../../../helpers/draws.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;
let pool: PredictPool;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(join(dir, 'data'), makeDraws(4001, 4100));
  catalog = openCatalog(join(dir, 'data'));
  pool = createPredictPool(1);
});
afterAll(async () => {
  catalog.close();
  await pool.close();
  cleanup();
});

const payloadOf = (runId: string) => {
  const resolved = resolveRunRequest(
    { catalog },
    { recipe: { version: '2', name: 'unit', strategy: 'random', tickets: 3, numbers_per_ticket: 6, history: 20, seed: 5 }, from: 4061, to: 4080 },
  );
  return checkRemotePayload(buildRemotePayload(catalog, resolved, runId));
};

/** The same result with one ticket's hit count raised: a worker that lies about a figure. */
function altered(result: RemoteRunResult): RemoteRunResult {
  const file = join(dir, `altered-${result.run_id}.sqlite`);
  writeFileSync(file, gunzipSync(Buffer.from(result.file_gz, 'base64')));
  const db = new Database(file);
  db.prepare('UPDATE tickets SET hits = 5 WHERE contest = (SELECT MIN(contest) FROM tickets) AND ticket = 0').run();
  db.close();
  const bytes = readFileSync(file);
  return { ...result, file_gz: gzipSync(bytes).toString('base64'), bytes: bytes.length };
}

describe('registerRemoteRun', () => {
  it('[14.7.1] checks the returned file on a pool thread as it does here: the same run registered, the same refusal of altered figures', async () => {
    for (const [suffix, on] of [
      ['here', undefined],
      ['pool', pool],
    ] as const) {
      const payload = payloadOf(`unit-reg-${suffix}`);
      const result = await executeRemotePayload(payload, { pool });
      await registerRemoteRun(catalog, payload, result, on);
      expect(getRun(catalog.db, payload.run_id)?.status).toBe('completed');

      const liar = payloadOf(`unit-lie-${suffix}`);
      const lied = altered(await executeRemotePayload(liar, { pool }));
      await expect(registerRemoteRun(catalog, liar, lied, on)).rejects.toMatchObject({
        code: 'E_DATA_INVALID',
        message: expect.stringContaining('unit-lie-'),
      });
      expect(getRun(catalog.db, liar.run_id)).toBeUndefined();
    }
  });
});
