import { describe, expect, it } from 'vitest';
import { type PredictPool, sharePool } from '../../../src/engine/pool.js';
import type { PredictResult, PredictTask } from '../../../src/engine/predict.worker.js';
import { MetricsRegistry } from '../../../src/server/metrics.js';

describe('MetricsRegistry histograms and counters', () => {
  it('renders cumulative buckets, sum and count per label set, and counters', async () => {
    const m = new MetricsRegistry();
    const h = m.registerHistogram({ name: 'job_seconds', help: 'Job time.', buckets: [1, 10] });
    h.observe({ mode: 'job' }, 0.5);
    h.observe({ mode: 'job' }, 5);
    h.observe({ mode: 'job' }, 50);
    const c = m.registerCounter({ name: 'contests_total', help: 'Contests.' });
    c.inc({ mode: 'sync' }, 3);
    c.inc({ mode: 'sync' });
    // registering again returns the same series, not a reset one
    m.registerCounter({ name: 'contests_total', help: 'Contests.' }).inc({ mode: 'sync' }, 2);
    const text = await m.render();
    expect(text).toContain('# TYPE job_seconds histogram');
    expect(text).toContain('job_seconds_bucket{mode="job",le="1"} 1');
    expect(text).toContain('job_seconds_bucket{mode="job",le="10"} 2');
    expect(text).toContain('job_seconds_bucket{mode="job",le="+Inf"} 3');
    expect(text).toContain('job_seconds_sum{mode="job"} 55.5');
    expect(text).toContain('job_seconds_count{mode="job"} 3');
    expect(text).toContain('# TYPE contests_total counter');
    expect(text).toContain('contests_total{mode="sync"} 6');
    expect(() => m.registerHistogram({ name: 'bad name', help: 'x', buckets: [1] })).toThrow();
  });
});

describe('sharePool', () => {
  it('runs at most `threads` tasks of the shared pool at once and never closes it', async () => {
    let running = 0;
    let peak = 0;
    let closed = false;
    const base: PredictPool = {
      threads: 4,
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return [] as PredictResult[];
      },
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
    const share = sharePool(base, 2);
    expect(share.threads).toBe(2);
    await Promise.all(Array.from({ length: 12 }, () => share.run({} as PredictTask)));
    expect(peak).toBe(2);
    await share.close();
    expect(closed).toBe(false);
    expect(sharePool(base, 99).threads).toBe(4);
  });
});
