import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';

describe('cli basics', () => {
  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
  });

  it('config show --json reports values and sources', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['config', 'show', '--json'], { env: { LUCKYFIVE_PORT: '9999' }, cwd: dir });
      expect(r.code).toBe(0);
      const doc = r.json();
      expect(doc.values.port).toEqual({ value: 9999, source: 'env', env: 'LUCKYFIVE_PORT' });
      expect(doc.values.data_dir.source).toBe('default');
    } finally {
      cleanup();
    }
  });

  it('a bad config value exits 2 with a path: problem line', async () => {
    const r = await cli(['config', 'show'], { env: { LUCKYFIVE_THREADS: 'many' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LUCKYFIVE_THREADS/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('draws show on a missing contest is exit 3 or 4, never a crash', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['draws', 'show', '99999'], { dataDir: dir });
      expect([3, 4]).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error/);
    } finally {
      cleanup();
    }
  });
});
