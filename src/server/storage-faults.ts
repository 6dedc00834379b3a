/**
 * What the server has seen go wrong with its storage: requests that failed on a full disk or a
 * damaged database, and responses whose stream broke mid-way. `/health` answers 503 while a
 * fault is recent (a damaged table is not found by the health check's trivial query), and
 * `/metrics` counts them (`luckyfive_storage_faults_total`, `luckyfive_stream_failures_total`).
 */
import type { ErrorCode } from '../errors.js';
import { scrubDataDir } from './error-envelope.js';
import type { Counter, MetricsRegistry } from './metrics.js';

/** A fault older than this no longer makes `/health` unhealthy (the next request would find it again). */
export const FAULT_MEMORY_MS = 60_000;

export interface StorageFault {
  code: ErrorCode;
  message: string;
  at_ms: number;
}

export class StorageFaults {
  private last: StorageFault | undefined;
  private readonly faults: Counter;
  private readonly streams: Counter;

  constructor(
    metrics: MetricsRegistry,
    private readonly now: () => number,
    /** paths under it are shown relative (`/health` is public) */
    private readonly dataDir?: string,
  ) {
    this.faults = metrics.registerCounter({
      name: 'luckyfive_storage_faults_total',
      help: 'Requests that failed on a full disk or a damaged database, by code.',
      labelNames: ['code'],
    });
    this.streams = metrics.registerCounter({
      name: 'luckyfive_stream_failures_total',
      help: 'Streamed responses aborted mid-way (the connection was destroyed), by route.',
      labelNames: ['route'],
    });
  }

  record(code: ErrorCode, message: string): void {
    this.last = { code, message: scrubDataDir(message, this.dataDir), at_ms: this.now() };
    this.faults.inc({ code });
  }

  /** A streamed response failed after its head was sent: counted, and a storage fault when it was one. */
  recordStream(route: string): void {
    this.streams.inc({ route });
  }

  /** The last fault if it is recent, else undefined. */
  recent(): StorageFault | undefined {
    return this.last && this.now() - this.last.at_ms < FAULT_MEMORY_MS ? this.last : undefined;
  }
}
