// buildApp assembles without side effects: it writes nothing to the catalog (the server secret
// is read by serve) and starts no job runner (serve starts it), and the OpenAPI document is built
// without any catalog at all.
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import type { JobRunner } from '../../src/engine/job-runner.js';
import type { PredictPool } from '../../src/engine/pool.js';
import { buildApp } from '../../src/server/app.js';
import { buildOpenApiDocument } from '../../src/server/openapi-document.js';
import { openCatalog } from '../../src/store/catalog.js';
import { tempDir } from '../helpers/cli.js';

describe('buildApp has no side effects', () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
  });

  it('writes no server secret and only creates the job runner; serve starts it', async () => {
    const { dir, cleanup } = tempDir('luckyfive-build-');
    cleanups.push(cleanup);
    const catalog = openCatalog(dir);
    cleanups.push(() => catalog.close());
    const config = buildConfig({ flags: { data_dir: dir, log_level: 'silent' }, env: {}, file: undefined }, dir).values;
    const before = catalog.db.prepare('SELECT key, value FROM meta ORDER BY key').all();
    const calls: string[] = [];
    const runner = { start: () => calls.push('start'), stop: () => Promise.resolve(void calls.push('stop')), running: 0 } as unknown as JobRunner;
    const app = await buildApp({
      catalog,
      config,
      serverSecret: Buffer.alloc(32, 1),
      pool: {} as PredictPool,
      createJobRunner: (wiring) => {
        calls.push(`create:${typeof wiring.onOutcome}`);
        return runner;
      },
    });
    expect(calls).toEqual(['create:function']);
    expect(catalog.db.prepare('SELECT key, value FROM meta ORDER BY key').all()).toEqual(before);
    await app.close();
    expect(calls).toEqual(['create:function', 'stop']);
  });

  it('the OpenAPI document needs no catalog', async () => {
    expect(JSON.parse(await buildOpenApiDocument())).toMatchObject({ openapi: expect.stringMatching(/^3\./), info: { title: 'luckyfive API' } });
  });
});
