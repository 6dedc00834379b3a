import type { TestServer } from './server.js';

const GAP_MS = 10;

/**
 * Latencies (ms) of `GET /api/v1/health` sampled every 10 ms while the request made by `start`
 * runs, sorted. Sampling starts first, then `start()` is called, and each sample counts from
 * the moment it was due (the 10 ms timer included), so a loop held by the heavy request shows
 * in the sample that was waiting, whether on its timer or on its answer. A hold shows as one
 * sample as long as the hold (the sampler cannot run meanwhile), so tests assert on the 90th
 * percentile: one slow sample among many on a loaded 2-core machine passes, a loop held for
 * most of the request does not.
 */
export async function sampleHealthWhile<T>(s: TestServer, start: () => Promise<T>, minSamples = 5): Promise<{ latencies: number[]; result: T }> {
  let done = false;
  const out: number[] = [];
  const sample = async () => {
    const due = performance.now() + GAP_MS;
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    const r = await s.get('/api/v1/health');
    out.push(Math.max(0, performance.now() - due));
    if (r.statusCode !== 200) throw new Error(`/health answered ${r.statusCode}`);
  };
  await sample();
  const sampling = (async () => {
    while (!done || out.length < minSamples) await sample();
  })();
  // the heavy request starts while a sample is waiting for its timer
  await new Promise((resolve) => setTimeout(resolve, 2));
  let result: T;
  try {
    result = await start();
  } finally {
    done = true;
  }
  await sampling;
  return { result, latencies: out.sort((a, b) => a - b) };
}

/** The q-quantile (0..1) of sorted samples. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
