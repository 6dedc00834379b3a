// The run-queue monitor behind /metrics: a Redis that does not answer reads as down; against a
// real redis-server, counts and workers, and jobs completed, failed and stalled by name.
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_QUEUE } from '../../../../src/engine/queue/connection.js';
import { type QueueEventSink, failureCode, openQueueMonitor } from '../../../../src/engine/queue/queue-monitor.js';
import { type TestRedis, haveRedisServer, startRedis } from '../../../helpers/redis.js';

function recorder(): QueueEventSink & { seen: string[] } {
  const seen: string[] = [];
  return { seen, finished: (name, outcome, code) => seen.push(`${outcome} ${name}${code ? ` ${code}` : ''}`), stalled: (name) => seen.push(`stalled ${name}`) };
}

describe('failureCode', () => {
  it('[14.4.5] reads the code a worker puts first in its failure reason, else "error"', () => {
    expect(failureCode('E_INTERRUPTED: run x was cancelled')).toBe('E_INTERRUPTED');
    expect(failureCode('job stalled more than allowable limit')).toBe('error');
    expect(failureCode(undefined)).toBe('error');
  });
});

describe('openQueueMonitor', () => {
  it('[14.4.5] a Redis that does not answer reads as down, within the read timeout, and never throws', async () => {
    const monitor = openQueueMonitor('redis://127.0.0.1:1', recorder());
    try {
      expect(await monitor.read(500)).toEqual({ up: false });
      expect(await monitor.read(500)).toEqual({ up: false });
    } finally {
      await monitor.close();
    }
  });
});

describe.skipIf(!haveRedisServer())('openQueueMonitor against Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('[14.4.5] counts jobs by state and workers by name; reports completed, failed and stalled jobs by job name', async () => {
    const sink = recorder();
    const monitor = openQueueMonitor(redis.url, sink);
    const connection = { host: '127.0.0.1', port: redis.port };
    const queue = new Queue(RUN_QUEUE, { connection });
    const workers: Worker[] = [];
    try {
      expect(await monitor.read(2_000)).toMatchObject({ up: true, workers: 0, counts: { waiting: 0, active: 0 } });
      await queue.add('run', { n: 1 }, { jobId: 'm-1' });
      await queue.add('cell', { n: 2 }, { jobId: 'm-2', attempts: 1 });
      expect(await monitor.read(2_000)).toMatchObject({ up: true, counts: { waiting: 2 } });
      // a worker that completes `run` and refuses `cell`
      const w = new Worker(
        RUN_QUEUE,
        (job) => (job.name === 'cell' ? Promise.reject(new Error('E_DATA_INVALID: not this one')) : Promise.resolve('ok')),
        // no stalled check here: a check sets a Redis key that holds off every other worker's for its interval
        { connection, name: 'unit-w1', skipStalledCheck: true },
      );
      workers.push(w);
      await expect.poll(() => sink.seen.slice().sort(), { timeout: 10_000 }).toEqual(['completed run', 'failed cell E_DATA_INVALID']);
      expect(await monitor.read(2_000)).toMatchObject({ up: true, workers: 1, counts: { waiting: 0, completed: 1, failed: 1 } });
      await w.close();

      // a worker whose lock is never renewed: another worker's stalled check puts its job back
      let release!: () => void;
      const hung = new Promise<void>((resolve) => (release = resolve));
      const stuck = new Worker(RUN_QUEUE, () => hung, { connection, name: 'unit-stuck', lockDuration: 500, skipLockRenewal: true, skipStalledCheck: true });
      workers.push(stuck);
      await queue.add('cell', { n: 3 }, { jobId: 'm-3' });
      await expect.poll(async () => (await queue.getJob('m-3'))?.processedOn !== undefined, { timeout: 5_000 }).toBe(true);
      const rescuer = new Worker(RUN_QUEUE, () => Promise.resolve('ok'), { connection, name: 'unit-rescuer', stalledInterval: 300, autorun: false });
      workers.push(rescuer);
      void rescuer.run();
      await expect.poll(() => sink.seen, { timeout: 10_000 }).toContain('stalled cell');
      release();
    } finally {
      for (const w of workers) await w.close(true).catch(() => undefined);
      await queue.close();
      await monitor.close();
    }
  }, 30_000);
});
