/**
 * What a server reports about the run queue (`/metrics`): the queue's depth by state and its
 * workers, read from Redis when asked (at scrape time), and every run or sweep cell that ends or
 * stalls, from one BullMQ QueueEvents listener. Connects on the first read and never fails a
 * read: a Redis that does not answer reads as down, and is tried again at the next read.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { RUN_QUEUE, closeQueueObjects, connectQueue } from './connection.js';

/** The job states whose counts are reported. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** The queue as one read found it; `up: false` when Redis did not answer (then nothing else is known). */
export type QueueSnapshot = { up: false } | { up: true; counts: Record<QueueState, number>; workers: number };

/** What the listener reports: a job of `name` (`run`, `cell`...) that completed, failed for good (with its error code) or stalled. */
export interface QueueEventSink {
  finished(name: string, outcome: 'completed' | 'failed', code: string | null): void;
  stalled(name: string): void;
}

export interface QueueMonitor {
  /** the queue's counts and workers now; `{ up: false }` when Redis does not answer within `timeoutMs` */
  read(timeoutMs: number): Promise<QueueSnapshot>;
  close(): Promise<void>;
}

/** Job names remembered from `added` events (so a finished job's name is known without a read); the oldest are forgotten past this. */
const NAMES_KEPT = 10_000;

/** A worker's failure reason starts with its code (`E_INTERRUPTED: ...`); anything else is `error`. */
export function failureCode(reason: string | undefined): string {
  return /^(E_[A-Z_]+):/.exec(reason ?? '')?.[1] ?? 'error';
}

/**
 * A monitor of the run queue at `url`. Nothing happens until the first {@link QueueMonitor.read}:
 * then it connects (in the background; a read does not wait longer than its timeout) and starts
 * listening; after a drop, ioredis reconnects by itself and the listener resumes.
 */
export function openQueueMonitor(url: string, sink: QueueEventSink): QueueMonitor {
  let redis: Redis | undefined;
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  const names = new Map<string, string>();

  const nameOf = async (jobId: string): Promise<string> => {
    const known = names.get(jobId);
    if (known !== undefined) return known;
    const job = await queue?.getJob(jobId).catch(() => undefined);
    return job?.name ?? 'unknown';
  };
  const listen = (ev: QueueEvents) => {
    ev.on('error', () => undefined);
    ev.on('added', ({ jobId, name }) => {
      names.set(jobId, name);
      if (names.size > NAMES_KEPT) names.delete(names.keys().next().value!);
    });
    ev.on('completed', ({ jobId }) => {
      void nameOf(jobId).then((name) => {
        names.delete(jobId);
        sink.finished(name, 'completed', null);
      });
    });
    ev.on('failed', ({ jobId, failedReason }) => {
      void nameOf(jobId).then((name) => {
        names.delete(jobId);
        sink.finished(name, 'failed', failureCode(failedReason));
      });
    });
    ev.on('stalled', ({ jobId }) => void nameOf(jobId).then((name) => sink.stalled(name)));
  };
  const connect = (): void => {
    if (redis || connecting || closed) return;
    connecting = connectQueue(url)
      .then(async (r) => {
        if (closed) return void r.disconnect();
        redis = r;
        queue = new Queue(RUN_QUEUE, { connection: r });
        queue.on('error', () => undefined);
        events = new QueueEvents(RUN_QUEUE, { connection: r });
        listen(events);
        await events.waitUntilReady();
      })
      .catch(() => undefined)
      .finally(() => (connecting = undefined));
  };
  const readNow = async (): Promise<QueueSnapshot> => {
    if (!redis || !queue || redis.status !== 'ready') return { up: false };
    const [counts, workers] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.getWorkers()]);
    const full = Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) as Record<QueueState, number>;
    // one worker may hold several named connections: count the names
    return { up: true, counts: full, workers: new Set(workers.map((w) => w.rawname)).size };
  };
  return {
    read: async (timeoutMs) => {
      connect();
      if (connecting) await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<QueueSnapshot>((resolve) => (timer = setTimeout(() => resolve({ up: false }), timeoutMs)));
      try {
        return await Promise.race([readNow().catch((): QueueSnapshot => ({ up: false })), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      closed = true;
      await connecting;
      if (redis) await closeQueueObjects(redis, [events, queue]);
    },
  };
}
