import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import { LuckyError } from '../../src/errors.js';

describe('config precedence', () => {
  it('flags beat env beat file beat defaults', () => {
    const base = { flags: {}, env: {}, file: undefined };
    expect(buildConfig(base, '/w').sources.port).toBe('default');
    const file = { path: '/w/luckyfive.config.json', data: { port: 1000, threads: 3 } };
    expect(buildConfig({ ...base, file }, '/w').values.port).toBe(1000);
    const env = { LUCKYFIVE_PORT: '2000' };
    const r = buildConfig({ flags: {}, env, file }, '/w');
    expect(r.values.port).toBe(2000);
    expect(r.sources.port).toBe('env');
    expect(r.values.threads).toBe(3);
    const f = buildConfig({ flags: { port: 3000 }, env, file }, '/w');
    expect(f.values.port).toBe(3000);
    expect(f.sources.port).toBe('flag');
  });

  it('resolves data_dir against the working directory', () => {
    expect(buildConfig({ flags: {}, env: {}, file: undefined }, '/w').values.data_dir).toBe('/w/data');
  });

  it('rejects bad values and unknown file keys with path: problem lines', () => {
    try {
      buildConfig({ flags: {}, env: { LUCKYFIVE_PORT: 'abc' }, file: { path: 'x', data: { bogus: 1 } } }, '/w');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LuckyError);
      const err = e as LuckyError;
      expect(err.exitCode).toBe(2);
      expect(err.details.join('\n')).toMatch(/bogus: unknown key/);
      expect(err.details.join('\n')).toMatch(/LUCKYFIVE_PORT/);
    }
  });

  it('NO_COLOR disables colour', () => {
    expect(buildConfig({ flags: {}, env: { NO_COLOR: '1' }, file: undefined }, '/w').values.color).toBe(false);
  });
});
