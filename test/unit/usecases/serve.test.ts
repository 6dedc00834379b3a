import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../../src/config.js';
import type { PredictPool } from '../../../src/engine/pool.js';
import { openCatalog } from '../../../src/store/catalog.js';
import { prepareServer } from '../../../src/usecases/serve.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

describe('prepareServer', () => {
  const cleanups = cleanupAfterEach();

  const open = (flags: Record<string, unknown> = {}) => {
    const { dir, cleanup } = tempDir('luckyfive-serve-');
    const catalog = openCatalog(dir);
    cleanups.push(cleanup, () => catalog.close());
    return { catalog, config: buildConfig({ flags: { data_dir: dir, log_level: 'silent', ...flags }, env: {}, file: undefined }, dir).values };
  };

  it('creates the server secret once and reads the same one again; a configured one wins', () => {
    const deps = open();
    const first = prepareServer(deps).serverSecret;
    expect(first).toHaveLength(32);
    expect(prepareServer(deps).serverSecret.equals(first)).toBe(true);
    const configured = 'c'.repeat(40);
    expect(prepareServer(open({ server_secret: configured })).serverSecret.toString()).toBe(configured);
  });

  it('makes a job runner only on a pool, and starts nothing until asked', () => {
    const deps = open();
    const without = prepareServer(deps);
    expect(without.createJobRunner).toBeUndefined();
    expect(() => without.startJobs()).not.toThrow();
    const withPool = prepareServer({ ...deps, pool: { threads: 1 } as PredictPool });
    const runner = withPool.createJobRunner!({ log: { info() {}, warn() {}, error() {} }, onOutcome: () => undefined, now: () => 0 });
    expect(runner.running).toBe(0);
  });
});
