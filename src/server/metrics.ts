/**
 * Prometheus metrics on prom-client: a request-duration histogram and request counter by
 * route/method/status, histograms and counters registered by features (simulation durations,
 * contests simulated, storage faults), gauges read at scrape time (simulations by status, job
 * queue depth, anything registered later), and the process metrics prom-client collects itself
 * (memory, CPU, handles, GC, event-loop lag) with a `luckyfive_build_info{version,node}` gauge.
 *
 * Several server processes (`serve --processes N`): the process a scrape lands on gathers every
 * process's metrics ({@link MetricsRegistry.collectFrom}; the primary relays, `cluster.ts`) and
 * combines them with prom-client's `AggregatorRegistry.aggregate`: counters and histograms are
 * summed, `luckyfive_build_info` appears once, a gauge is combined as its definition says
 * ({@link GaugeDefinition.across}: one series per process labelled `pid` unless told otherwise),
 * and prom-client's process metrics as prom-client defines (summed, averaged for the event-loop
 * lag, the start time left out). `luckyfive_server_processes` says how many processes answered.
 */
import {
  AggregatorRegistry,
  Counter as PromCounter,
  Gauge,
  Histogram as PromHistogram,
  Registry,
  collectDefaultMetrics,
  validateMetricName,
} from 'prom-client';
import { readPackageVersion } from '../version.js';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type GaugeSample = number | ReadonlyArray<{ labels: Readonly<Record<string, string>>; value: number }>;

export interface GaugeDefinition {
  name: string;
  help: string;
  /** read at every scrape; keep it cheap (one indexed query at most) */
  read: () => GaugeSample;
  /**
   * How a scrape of several server processes combines it: `per-process` (the default: each
   * process's series, labelled `pid`; never wrong), `sum` (a count of things each process holds),
   * or `first` (one process's value: a figure read from the shared catalog, equal in every process).
   */
  across?: 'per-process' | 'sum' | 'first';
}

/** One metric family as prom-client's `getMetricsAsJSON` gives it: what processes send each other (plain JSON). */
export interface MetricFamilyJson {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

/**
 * Gathers the metrics of every server process ({@link MetricsRegistry.localMetrics} of each), or
 * undefined when they cannot be had (then the scrape shows this process's own).
 */
export type ClusterCollector = () => Promise<MetricFamilyJson[][] | undefined>;

/** A histogram registered by a feature: `observe({status: 'completed'}, 1.5)`. */
export interface Histogram {
  observe(labels: Readonly<Record<string, string>>, value: number): void;
}

/** A monotonic counter registered by a feature. */
export interface Counter {
  inc(labels: Readonly<Record<string, string>>, by?: number): void;
}

/** What a feature registers; `labelNames` may be left out, then the first observation's labels name them. */
interface FamilyDefinition {
  name: string;
  help: string;
  labelNames?: readonly string[];
  /**
   * How a scrape of several server processes combines it: `sum` (the default: each process counts
   * its own events) or `max` (each process counts the same shared events, e.g. the run queue's,
   * from when it started listening: the longest listener's count).
   */
  across?: 'sum' | 'max';
}

function checkName(name: string): void {
  if (!validateMetricName(name)) throw new Error(`invalid metric name ${name}`);
}

/**
 * The process's own metrics, collected once per process however many apps it builds (tests build
 * hundreds): each collection keeps an event-loop delay monitor and a GC observer running.
 */
let processRegistry: Registry | undefined;
function readProcessRegistry(): Registry {
  if (!processRegistry) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    // The event-loop lag stays as its current value, mean, min, max and stddev; the percentile
    // gauges go: their names carry digits, which this endpoint's names never did (its test checks).
    for (const p of ['p50', 'p90', 'p99']) registry.removeSingleMetric(`nodejs_eventloop_lag_${p}_seconds`);
    // prom-client's `nodejs_active_{handles,requests,resources}_total` are gauges with a counter's
    // suffix (promtool check metrics refuses them): their per-type gauges without it stay, sum() them.
    for (const what of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`nodejs_active_${what}_total`);
    new Gauge({
      name: 'luckyfive_build_info',
      help: 'Always 1; labelled with the luckyfive and Node.js versions serving.',
      labelNames: ['version', 'node'],
      // the same in every process: once in a scrape of several
      aggregator: 'first',
      registers: [registry],
    }).set({ version: readPackageVersion(), node: process.version }, 1);
    processRegistry = registry;
  }
  return processRegistry;
}

/** A gauge read at scrape time, with whatever labels its reader returns; a reader that throws reads as NaN. */
function readGauge(def: GaugeDefinition) {
  const family = { name: def.name, help: def.help, type: 'gauge' as const, aggregator: def.across === 'first' ? ('first' as const) : ('sum' as const) };
  return {
    ...family,
    get: () => {
      let sample: GaugeSample;
      try {
        sample = def.read();
      } catch {
        sample = NaN;
      }
      const values = typeof sample === 'number' ? [{ labels: {}, value: sample }] : sample.map((s) => ({ labels: { ...s.labels }, value: s.value }));
      return { ...family, values };
    },
  };
}

/** One route/method/status series of the request metrics: per-bucket (not cumulative) counts, sum and count. */
interface RequestSeries {
  labels: { route: string; method: string; status: string };
  buckets: number[];
  sum: number;
  count: number;
}

/** `luckyfive_http_request_duration_seconds` as the registry renders a histogram (cumulative buckets, `+Inf`, sum, count). */
function requestHistogram(series: ReadonlyMap<string, RequestSeries>) {
  const name = 'luckyfive_http_request_duration_seconds';
  return {
    name,
    help: 'Time to answer an HTTP request.',
    type: 'histogram',
    aggregator: 'sum',
    get: () => {
      const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
      for (const s of series.values()) {
        let cumulative = 0;
        DURATION_BUCKETS.forEach((le, i) => {
          cumulative += s.buckets[i]!;
          values.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
        });
        values.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
        values.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
        values.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
      }
      return Promise.resolve({ name, help: 'Time to answer an HTTP request.', type: 'histogram', aggregator: 'sum', values });
    },
  };
}

/** `luckyfive_http_requests_total`, from the same series. */
function requestCounter(series: ReadonlyMap<string, RequestSeries>) {
  const name = 'luckyfive_http_requests_total';
  return {
    name,
    help: 'HTTP requests answered.',
    type: 'counter',
    aggregator: 'sum',
    get: () =>
      Promise.resolve({
        name,
        help: 'HTTP requests answered.',
        type: 'counter',
        aggregator: 'sum',
        values: [...series.values()].map((s) => ({ labels: s.labels, value: s.count })),
      }),
  };
}

export class MetricsRegistry {
  private readonly registry = new Registry();
  /**
   * The request histogram and counter are kept as plain numbers per series and handed to the
   * registry at scrape time: prom-client's `observe` hashes and validates the label object on every
   * call, which cost the cheapest routes several per cent of their throughput (bench/README.md).
   */
  private readonly requestSeries = new Map<string, RequestSeries>();
  private readonly families = new Map<string, Histogram | Counter>();
  /** gauges shown per process (labelled `pid`) in a scrape of several processes */
  private readonly perProcess = new Set<string>();
  private cluster: ClusterCollector | undefined;
  private readonly refreshers: Array<() => Promise<void>> = [];

  constructor() {
    readProcessRegistry();
    this.registry.registerMetric(requestHistogram(this.requestSeries) as unknown as PromCounter);
    this.registry.registerMetric(requestCounter(this.requestSeries) as unknown as PromCounter);
  }

  /** Records one finished request. `route` is the route pattern, never the raw URL (bounded cardinality). */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      series = { labels: { route, method, status: String(status) }, buckets: new Array<number>(DURATION_BUCKETS.length).fill(0), sum: 0, count: 0 };
      this.requestSeries.set(key, series);
    }
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i++;
    if (i < DURATION_BUCKETS.length) series.buckets[i]!++;
    series.sum += seconds;
    series.count++;
  }

  /**
   * Adds a gauge, or replaces the one with the same name: the job runner replaces the
   * placeholder `luckyfive_job_queue_depth` with its own reader.
   */
  registerGauge(def: GaugeDefinition): void {
    checkName(def.name);
    this.registry.removeSingleMetric(def.name);
    this.registry.registerMetric(readGauge(def) as unknown as PromCounter);
    if ((def.across ?? 'per-process') === 'per-process') this.perProcess.add(def.name);
    else this.perProcess.delete(def.name);
  }

  /** Adds a histogram (or returns the one already registered under `name`, keeping its data). */
  registerHistogram(def: FamilyDefinition & { buckets: readonly number[] }): Histogram {
    return this.family(
      def,
      (labelNames) => new PromHistogram({ name: def.name, help: def.help, labelNames, buckets: [...def.buckets], registers: [this.registry] }),
    );
  }

  /** Adds a counter (or returns the one already registered under `name`). */
  registerCounter(def: FamilyDefinition): Counter {
    return this.family(
      def,
      (labelNames) => new PromCounter({ name: def.name, help: def.help, labelNames, aggregator: def.across ?? 'sum', registers: [this.registry] }),
    );
  }

  /**
   * Runs `refresh` before this process's metrics are read (its own scrape, or another process's
   * scrape that gathers them), so a gauge read from elsewhere (the run queue's Redis) is fresh in
   * every process. `refresh` bounds its own wait and never throws.
   */
  onCollect(refresh: () => Promise<void>): void {
    this.refreshers.push(refresh);
  }

  private async refresh(): Promise<void> {
    await Promise.all(this.refreshers.map((f) => f().catch(() => undefined)));
  }

  /**
   * Makes {@link render} show the metrics of every server process, gathered by `collect` (a
   * server process of `serve --processes N` calls this once its app is built).
   */
  collectFrom(collect: ClusterCollector): void {
    this.cluster = collect;
  }

  /**
   * This process's metrics as JSON, for the process that combines a scrape of several: its
   * per-process gauges labelled with its `pid`, and `luckyfive_server_processes` 1 (summed there).
   */
  async localMetrics(): Promise<MetricFamilyJson[]> {
    await this.refresh();
    const families = [...(await this.registry.getMetricsAsJSON()), ...(await readProcessRegistry().getMetricsAsJSON())] as unknown as MetricFamilyJson[];
    const pid = String(process.pid);
    for (const family of families) {
      if (this.perProcess.has(family.name)) family.values = family.values.map((v) => ({ ...v, labels: { ...v.labels, pid } }));
    }
    families.push({
      name: 'luckyfive_server_processes',
      help: 'Server processes whose metrics this scrape combines.',
      type: 'gauge',
      aggregator: 'sum',
      values: [{ labels: {}, value: 1 }],
    });
    return families;
  }

  /** The whole exposition text: this app's metrics, then the process's (or, in a cluster, every process's, combined). */
  async render(): Promise<string> {
    if (!this.cluster) await this.refresh();
    const reports = this.cluster ? ((await this.cluster()) ?? [await this.localMetrics()]) : undefined;
    const text = reports ? await AggregatorRegistry.aggregate(reports).metrics() : `${await this.registry.metrics()}\n${await readProcessRegistry().metrics()}`;
    // Three spellings prom-client chooses differently, kept as this endpoint always wrote them
    // (scrapers accept both; existing dashboards' and tests' patterns expect these): `le` after the
    // series' labels, NaN rather than "Nan", and no blank line between families.
    return text
      .replace(/\{le="([^"]*)",([^}]*)\}/g, '{$2,le="$1"}')
      .replace(/ Nan$/gm, ' NaN')
      .replace(/\n{2,}/g, '\n');
  }

  /** The prom-client family behind a feature's histogram or counter, created at its first observation when its labels were not declared. */
  private family<T extends Histogram & Counter>(def: FamilyDefinition, create: (labelNames: string[]) => PromHistogram | PromCounter): T {
    checkName(def.name);
    const known = this.families.get(def.name);
    if (known) return known as T;
    let metric = def.labelNames ? create([...def.labelNames]) : undefined;
    const of = (labels: Readonly<Record<string, string>>) => (metric ??= create(Object.keys(labels)));
    const handle = {
      observe: (labels: Readonly<Record<string, string>>, value: number) => (of(labels) as PromHistogram).observe({ ...labels }, value),
      inc: (labels: Readonly<Record<string, string>>, by = 1) => (of(labels) as PromCounter).inc({ ...labels }, by),
    };
    this.families.set(def.name, handle);
    return handle as T;
  }
}
