import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../../../src/core/duration.js';
import { MetricsRegistry } from '../../../src/server/metrics.js';
import { MemoryRateStore as RateLimiter } from '../../../src/server/rate-limit.js';

describe('token bucket', () => {
  it('allows a burst of `limit`, then refills at limit per minute', () => {
    const rl = new RateLimiter();
    const t0 = 1_000_000;
    const results = Array.from({ length: 7 }, () => rl.take('k', 6, t0));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, true, false]);
    expect(results[0]).toMatchObject({ limit: 6, remaining: 5 });
    expect(results[6]).toMatchObject({ remaining: 0, retryAfterSeconds: 10, resetSeconds: 60 });
    expect(rl.take('k', 6, t0 + 9_999).allowed).toBe(false);
    expect(rl.take('k', 6, t0 + 20_000).allowed).toBe(true);
    expect(rl.take('other', 6, t0).allowed).toBe(true);
  });

  it('forgets idle buckets and stays bounded under many clients', () => {
    const rl = new RateLimiter(1000);
    for (let i = 0; i < 5000; i++) rl.take(`ip:${i}`, 10, 0);
    expect(rl.size).toBeLessThanOrEqual(1000);
    rl.take('late', 10, 61_000);
    expect(rl.size).toBe(1);
  });
});

describe('durations', () => {
  it('parses whole units and refuses the rest', () => {
    expect(parseDurationSeconds('90d')).toBe(90 * 86_400);
    expect(parseDurationSeconds('1h')).toBe(3600);
    expect(parseDurationSeconds('2w')).toBe(1_209_600);
    for (const bad of ['', '1.5h', '0d', '-1d', '10', 'd', '1y', '1 h']) expect(parseDurationSeconds(bad)).toBeUndefined();
  });
});

describe('metrics exposition', () => {
  it('writes cumulative histogram buckets, escaped labels and gauges', async () => {
    const m = new MetricsRegistry();
    m.observeRequest('/a', 'GET', 200, 0.004);
    m.observeRequest('/a', 'GET', 200, 0.2);
    m.registerGauge({ name: 'g', help: 'h', read: () => [{ labels: { s: 'x"y\\z\n' }, value: 3 }] });
    m.registerGauge({
      name: 'broken',
      help: 'h',
      read: () => {
        throw new Error('x');
      },
    });
    const text = await m.render();
    expect(text).toContain('luckyfive_http_request_duration_seconds_bucket{route="/a",method="GET",status="200",le="0.005"} 1');
    expect(text).toContain('luckyfive_http_request_duration_seconds_bucket{route="/a",method="GET",status="200",le="0.25"} 2');
    expect(text).toContain('luckyfive_http_request_duration_seconds_bucket{route="/a",method="GET",status="200",le="+Inf"} 2');
    expect(text).toContain('luckyfive_http_request_duration_seconds_count{route="/a",method="GET",status="200"} 2');
    expect(text).toContain('g{s="x\\"y\\\\z\\n"} 3');
    expect(text).toContain('broken NaN');
    expect(() => m.registerGauge({ name: 'bad name', help: '', read: () => 0 })).toThrow();
  });
});
