import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/core/duration.js';

describe('parseDuration', () => {
  it('reads s, m, h, ms and combinations', () => {
    expect(parseDuration('deadline', '90s')).toBe(90_000);
    expect(parseDuration('deadline', '30m')).toBe(1_800_000);
    expect(parseDuration('deadline', '2h')).toBe(7_200_000);
    expect(parseDuration('deadline', '1h30m')).toBe(5_400_000);
    expect(parseDuration('deadline', '250ms')).toBe(250);
    expect(parseDuration('deadline', ' 1.5h ')).toBe(5_400_000);
  });

  it('refuses bare numbers, unknown units, garbage and zero with E_USAGE', () => {
    for (const bad of ['30', '10d', 'soon', '', '5m garbage', '0s', '-5m', 'm']) {
      expect(() => parseDuration('deadline', bad), bad).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('--deadline') }));
    }
  });
});
