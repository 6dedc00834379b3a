/**
 * The run queue as a server reports it (`/metrics`): a monitor of the queue at `queue_url`, its
 * depth and workers read when asked, the runs and sweep cells that end or stall as they happen.
 */
import { type QueueEventSink, type QueueMonitor, openQueueMonitor } from '../engine/queue/queue-monitor.js';
import type { UseCaseDeps } from './deps.js';

export { QUEUE_STATES, type QueueSnapshot } from '../engine/queue/queue-monitor.js';

/**
 * Watches the run queue of `queue_url`, telling `input.sink` about every job that completes,
 * fails for good or stalls. Refuses nothing: undefined when no queue is configured; a Redis that
 * does not answer reads as `{ up: false }` (tried again at each read). Returns the monitor
 * (connected at its first read; the caller closes it).
 */
export function watchRunQueue(deps: Pick<UseCaseDeps, 'config'>, input: { sink: QueueEventSink }): QueueMonitor | undefined {
  const url = deps.config.queue_url;
  return url === undefined ? undefined : openQueueMonitor(url, input.sink);
}
