/**
 * Rate-limit buckets held by the primary of `serve --processes N` when no Redis is configured:
 * each server process asks the primary over the cluster's IPC channel ({@link PrimaryRateStore}),
 * and the primary answers from one {@link MemoryRateStore} ({@link answerRateTakes}), so a key
 * gets its limit once however its requests are spread over the processes.
 *
 * When the primary does not answer within {@link PRIMARY_TAKE_TIMEOUT_MS} the take fails open:
 * it is decided by this process's own buckets (logged at most every ten seconds), exactly as the
 * Redis store does while Redis is down. The primary is this server's own supervisor on the same
 * machine: it only stops answering when it is overloaded or gone, and refusing every request
 * then would turn a hiccup into an outage, while per-process buckets still hold a client to N
 * times its limit at worst.
 */
import type { IpcEndpoint } from './cluster-ipc.js';
import { MemoryRateStore, type RateDecision, type RateStore } from './rate-limit.js';

/**
 * How long one take waits for the primary before this process decides it alone (ms). Longer than
 * Redis's 250 ms: the primary also hands out every new connection, so one too slow to answer
 * within a second is already holding up new clients, and a shorter wait would only let a busy
 * moment of the machine loosen the limits.
 */
export const PRIMARY_TAKE_TIMEOUT_MS = 1000;
/** At most one "the primary did not answer" warning per this many ms. */
const WARN_EVERY_MS = 10_000;

/** The question a take asks. */
export interface RateTake {
  key: string;
  limit: number;
  now: number;
}

/** The IPC kind of a take. */
export const RATE_TAKE = 'rate-take';

/** The primary's handler for {@link RATE_TAKE}: one store for every process. */
export function answerRateTakes(store: MemoryRateStore): (body: unknown) => RateDecision {
  return (body) => {
    const { key, limit, now } = body as RateTake;
    return store.take(key, limit, now);
  };
}

/** A server process's store: the primary's buckets, its own while the primary does not answer. */
export class PrimaryRateStore implements RateStore {
  private readonly fallback = new MemoryRateStore();
  private lastWarn = -Infinity;

  constructor(
    private readonly primary: Pick<IpcEndpoint, 'ask'>,
    private readonly warn: (message: string, error: unknown) => void = () => undefined,
    private readonly timeoutMs = PRIMARY_TAKE_TIMEOUT_MS,
  ) {}

  take(key: string, limit: number, nowMs: number): Promise<RateDecision> {
    const question: RateTake = { key, limit, now: nowMs };
    return this.primary.ask<RateDecision>(RATE_TAKE, question, this.timeoutMs).catch((e: unknown) => {
      if (nowMs - this.lastWarn >= WARN_EVERY_MS) {
        this.lastWarn = nowMs;
        this.warn("rate limits: the primary process did not answer; using this process's own buckets until it does", e);
      }
      return this.fallback.take(key, limit, nowMs);
    });
  }

  close(): Promise<void> {
    return this.fallback.close();
  }
}
