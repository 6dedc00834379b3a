import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandDraw } from '../../../../src/core/remote-run.js';
import { hashDraws } from '../../../../src/engine/plan.js';
import { type PredictPool, createPredictPool } from '../../../../src/engine/pool.js';
import { checkRemotePayload, executeRemotePayload } from '../../../../src/engine/queue/execute.js';
import { buildRemotePayload } from '../../../../src/engine/queue/submit.js';
import { resolveRunRequest } from '../../../../src/engine/run-request.js';
import { type Catalog, openCatalog } from '../../../../src/store/catalog.js';
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
    { recipe: { version: '2', name: 'unit', strategy: 'random', tickets: 3, numbers_per_ticket: 6, history: 20, seed: 5 }, from: 4051, to: 4070 },
  );
  return buildRemotePayload(catalog, resolved, runId);
};

describe('a queued run on a worker', () => {
  it('the compact draws of a payload hash to the dataset hash the run was planned on', () => {
    const p = payloadOf('unit-hash-0001');
    expect(hashDraws(p.draws.map((c) => expandDraw(c, 'queue')))).toBe(p.dataset_hash);
    expect(p.draws).toHaveLength(40);
  });

  it('refuses a malformed payload, another engine version and draws that do not hash to the dataset hash', () => {
    expect(() => checkRemotePayload({ version: 1 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => checkRemotePayload({ ...payloadOf('unit-old-0001'), engine_version: 'luckyfive-engine/1' })).toThrow(
      expect.objectContaining({ code: 'E_CONFLICT' }),
    );
    const tampered = payloadOf('unit-tamper-01');
    tampered.draws[3]![4] = 1; // revenue changes the money, so the hash covers it
    expect(() => checkRemotePayload(tampered)).toThrow(expect.objectContaining({ code: 'E_DATA_INVALID' }));
    const relabelled = { ...payloadOf('unit-relabel-1'), dataset_hash: 'c'.repeat(64) };
    expect(() => checkRemotePayload(relabelled)).toThrow(expect.objectContaining({ code: 'E_DATA_INVALID' }));
  });

  it('runs the payload in a throwaway data dir, returns the run file gzip-compressed and removes the dir', async () => {
    const tmpRoot = join(dir, 'tmp');
    mkdirSync(tmpRoot);
    const p = checkRemotePayload(payloadOf('unit-exec-0001'));
    const r = await executeRemotePayload(p, { pool, tmpRoot });
    expect(r).toMatchObject({ run_id: 'unit-exec-0001', contests: 20 });
    const file = gunzipSync(Buffer.from(r.file_gz, 'base64'));
    expect(file.length).toBe(r.bytes);
    expect(file.subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(readdirSync(tmpRoot)).toEqual([]);
    expect(existsSync(join(dir, 'data', 'runs', 'unit-exec-0001.sqlite'))).toBe(false);
  });
});
