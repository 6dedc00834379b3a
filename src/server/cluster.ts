/**
 * `serve --processes N`: a primary process (node:cluster) that forks N server processes sharing
 * one listening socket (the primary accepts and hands connections round-robin, Linux's default),
 * and what a server process needs to take part ({@link ClusterMember}).
 *
 * The primary builds no app and opens no catalog. It starts one server process first: should it
 * fail to start (port in use, bad TLS files, a locked catalog), its error was printed once and
 * the primary exits with its code. Then it starts the others, and reports the address once all
 * are listening. With port 0 the primary picks the free port for all ({@link pickPort}): server
 * processes that each listen on 0 do share one port under node:cluster, but only while one of
 * them holds it; once every one has died, their successors would get another. It holds the rate-limit buckets when no Redis is configured
 * (rate-store-primary.ts) and relays metrics scrapes (each process gathers every process's
 * metrics through it). A server process that dies is restarted after a back-off that doubles
 * ({@link RestartPolicy}); when they keep dying the primary stops the others and exits with the
 * last one's code. SIGTERM or Ctrl-C drains every process (each stops within
 * `shutdown_timeout`, as a single server does) and the primary exits 0. SIGHUP is passed to every
 * listening process (each reloads its TLS certificate: tls-reload.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { IpcEndpoint } from './cluster-ipc.js';
import type { MetricFamilyJson, MetricsRegistry } from './metrics.js';
import { MemoryRateStore, type RateStore } from './rate-limit.js';
import { PrimaryRateStore, RATE_TAKE, answerRateTakes } from './rate-store-primary.js';

/** The environment variable that gives every server process the port to listen on (the primary's pick for port 0). */
export const CLUSTER_PORT_ENV = 'LUCKYFIVE_CLUSTER_PORT';

/** How long the process a scrape landed on waits for the others' metrics (ms). */
export const METRICS_GATHER_TIMEOUT_MS = 2000;

/** Back-off and give-up rule for server processes that die. */
export const RESTART_RULE = { firstDelayMs: 250, maxDelayMs: 8000, maxDeaths: 5, windowMs: 30_000 } as const;

/** After `shutdown_timeout`, how much longer the primary waits for a server process before killing it (ms). */
const STOP_MARGIN_MS = 5000;

/**
 * Decides what follows a server process's death: restart after a delay that doubles with each
 * death in the window, or give up at `maxDeaths` deaths within `windowMs`.
 */
export class RestartPolicy {
  private deaths: number[] = [];

  constructor(private readonly rule: { firstDelayMs: number; maxDelayMs: number; maxDeaths: number; windowMs: number } = RESTART_RULE) {}

  /** Records a death at `nowMs`. */
  died(nowMs: number): { giveUp: true; deaths: number } | { giveUp: false; delayMs: number; deaths: number } {
    this.deaths = this.deaths.filter((t) => nowMs - t < this.rule.windowMs);
    this.deaths.push(nowMs);
    const deaths = this.deaths.length;
    if (deaths >= this.rule.maxDeaths) return { giveUp: true, deaths };
    return { giveUp: false, delayMs: Math.min(this.rule.maxDelayMs, this.rule.firstDelayMs * 2 ** (deaths - 1)), deaths };
  }
}

export interface ClusterLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ClusterOptions {
  processes: number;
  /** `shutdown_timeout` in ms: each process's own bound; the primary waits a little longer, then kills */
  shutdownTimeoutMs: number;
  /** aborted on SIGTERM or Ctrl-C */
  signal: AbortSignal;
  /** extra environment for every server process */
  env: Readonly<Record<string, string>>;
  /** the configured port; 0: the primary picks a free one for all (see {@link pickPort}) */
  port: number;
  host: string;
  log: ClusterLog;
  /** told once, when every process listens, with the first one's address */
  onListening: (address: string) => void;
  now?: () => number;
}

interface Member {
  worker: Worker;
  endpoint: IpcEndpoint;
  listening: boolean;
}

/** How a process ended, for a log line. */
function describeExit(code: number | null, signal: string | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`;
}

/**
 * Runs the primary until it is stopped (resolves 0) or gives up (resolves the exit code to use).
 * Only call it in the primary (`cluster.isPrimary`), with the same command line the server
 * processes should run: they are forked with this process's argv and exec arguments.
 */
export async function runServerCluster(o: ClusterOptions): Promise<number> {
  const port = o.port === 0 ? await pickPort(o.host) : o.port;
  const now = o.now ?? Date.now;
  const buckets = new MemoryRateStore();
  const members = new Map<number, Member>();
  const policy = new RestartPolicy();
  const restartTimers = new Set<NodeJS.Timeout>();
  let started = false;
  let announced = false;
  let stopping = false;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const gatherMetrics = async (): Promise<MetricFamilyJson[][]> => {
    const asked = [...members.values()].filter((m) => m.listening && m.worker.isConnected());
    const reports = await Promise.all(
      asked.map((m) => m.endpoint.ask<MetricFamilyJson[]>('local-metrics', null, METRICS_GATHER_TIMEOUT_MS).catch(() => undefined)),
    );
    return reports.filter((r): r is MetricFamilyJson[] => r !== undefined);
  };

  const fork = (): Member => {
    const worker = cluster.fork({ ...o.env, [CLUSTER_PORT_ENV]: String(port) });
    const member: Member = {
      worker,
      listening: false,
      endpoint: new IpcEndpoint(
        (m) => {
          if (!worker.isConnected()) throw new Error('disconnected');
          worker.send(m);
        },
        {
          [RATE_TAKE]: answerRateTakes(buckets),
          metrics: gatherMetrics,
          listening: (body) => onListening(member, (body as { address: string }).address),
        },
      ),
    };
    members.set(worker.id, member);
    worker.on('message', (m) => member.endpoint.receive(m));
    worker.on('exit', (code, signal) => onExit(member, code, signal));
    return member;
  };

  const onListening = (member: Member, address: string): void => {
    member.listening = true;
    if (stopping) return;
    if (!started) {
      started = true;
      // the first process listens: the others join it
      for (let i = 1; i < o.processes; i++) fork();
    }
    if (!announced && [...members.values()].filter((m) => m.listening).length >= o.processes) {
      announced = true;
      o.onListening(address);
    } else if (announced) {
      o.log.info(`server process ${member.worker.process.pid} is listening again`);
    }
  };

  const onExit = (member: Member, code: number | null, signal: string | null): void => {
    members.delete(member.worker.id);
    member.endpoint.close();
    if (stopping) {
      if (members.size === 0) finish(0);
      return;
    }
    const how = describeExit(code, signal);
    if (!started) {
      // The first process did not start: it printed why (unless it was killed); nothing is retried.
      if (signal) o.log.error(`the server process ${how} before it listened`);
      return void stopAll(code && code > 0 ? code : 1);
    }
    const next = policy.died(now());
    if (next.giveUp) {
      o.log.error(`server processes keep dying (${next.deaths} within ${RESTART_RULE.windowMs / 1000} s; the last one ${how}): stopping`);
      return void stopAll(code && code > 0 ? code : 1);
    }
    o.log.warn(`server process ${member.worker.process.pid} ${how}; starting another in ${next.delayMs} ms`);
    const timer = setTimeout(() => {
      restartTimers.delete(timer);
      if (!stopping) fork();
    }, next.delayMs);
    restartTimers.add(timer);
  };

  /** Stops every process (SIGTERM: each drains as a single server does), then resolves `code`. */
  const stopAll = (code: number): void => {
    if (stopping) return;
    stopping = true;
    for (const t of restartTimers) clearTimeout(t);
    restartTimers.clear();
    if (members.size === 0) return finish(code);
    for (const m of members.values()) m.worker.process.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const m of members.values()) {
        o.log.warn(`server process ${m.worker.process.pid} still running ${(o.shutdownTimeoutMs + STOP_MARGIN_MS) / 1000} s after SIGTERM: killing it`);
        m.worker.process.kill('SIGKILL');
      }
    }, o.shutdownTimeoutMs + STOP_MARGIN_MS);
    void finished.then(() => clearTimeout(killer));
    const done = finish;
    finish = () => done(code);
  };

  // SIGHUP (a renewed TLS certificate) goes to every listening process, each reloads its own; one
  // still starting has no handler yet (SIGHUP would end it) and reads the files as it starts.
  const onHangup = () => {
    const live = [...members.values()].filter((m) => m.listening && !m.worker.isDead());
    o.log.info(`SIGHUP: passed to ${live.length} server process(es), each reloads its TLS certificate`);
    for (const m of live) m.worker.process.kill('SIGHUP');
  };
  const onAbort = () => stopAll(0);
  if (o.signal.aborted) return 0;
  o.signal.addEventListener('abort', onAbort, { once: true });
  process.on('SIGHUP', onHangup);
  fork();
  return finished.finally(() => {
    process.off('SIGHUP', onHangup);
    o.signal.removeEventListener('abort', onAbort);
    void buckets.close();
  });
}

/**
 * Worker threads for each server process: `threads` when it was configured (it is per process),
 * else (the default, every core) each process's share of the cores, at least 1.
 */
export function threadsPerProcess(threads: number, isDefault: boolean, processes: number): number {
  return isDefault ? Math.max(1, Math.floor(threads / processes)) : threads;
}

/**
 * A free TCP port on `host`: bound on port 0 and let go at once, for every server process to
 * listen on. 0 when that fails (the first server process then meets the error and reports it).
 */
export function pickPort(host: string): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen({ host, port: 0, exclusive: true }, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * True in a server process forked by {@link runServerCluster}: a cluster worker whose environment
 * carries {@link CLUSTER_PORT_ENV} (a process manager that runs luckyfive as its own cluster worker
 * does not make it one of ours).
 */
export function isClusterMember(env: Readonly<Record<string, string | undefined>>): boolean {
  return cluster.isWorker && env[CLUSTER_PORT_ENV] !== undefined;
}

/**
 * A server process's link to the primary: the rate store held there, metrics scrapes that show
 * every process, the address it listens on, and the primary going away.
 */
export class ClusterMember {
  private readonly endpoint: IpcEndpoint;
  private metrics: MetricsRegistry | undefined;
  private readonly onMessage = (m: unknown) => this.endpoint.receive(m);

  constructor() {
    this.endpoint = new IpcEndpoint(
      (m) => {
        if (!process.connected || !process.send) throw new Error('disconnected');
        process.send(m);
      },
      { 'local-metrics': () => this.metrics?.localMetrics() ?? [] },
    );
    process.on('message', this.onMessage);
  }

  /** The rate-limit store held by the primary. */
  rateStore(warn?: (message: string, error: unknown) => void): RateStore {
    return new PrimaryRateStore(this.endpoint, warn);
  }

  /** Makes `/metrics` on this process show every process's metrics, and answers the others' scrapes with this one's. */
  shareMetrics(metrics: MetricsRegistry): void {
    this.metrics = metrics;
    metrics.collectFrom(() => this.endpoint.ask<MetricFamilyJson[][]>('metrics', null, METRICS_GATHER_TIMEOUT_MS + 500).catch(() => undefined));
  }

  /** Tells the primary this process listens at `address` (the primary reports it, once). */
  listening(address: string): void {
    this.endpoint.tell('listening', { address });
  }

  /**
   * Lets go of the channel, so the process exits once its work is done, with its own exit code
   * (disconnecting would make node's cluster code exit at once with 0).
   */
  close(): void {
    process.off('message', this.onMessage);
    this.endpoint.close();
    (process.channel as { unref?: () => void } | undefined)?.unref?.();
  }
}
