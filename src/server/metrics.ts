/**
 * Prometheus metrics, written in the text exposition format (0.0.4) by hand: a request-duration
 * histogram and request counter by route/method/status, histograms and counters registered by
 * features (simulation durations, contests simulated), gauges read at scrape time (simulations
 * by status, job queue depth, anything registered later) and process memory.
 */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export type GaugeSample = number | ReadonlyArray<{ labels: Readonly<Record<string, string>>; value: number }>;

export interface GaugeDefinition {
  name: string;
  help: string;
  /** read at every scrape; keep it cheap (one indexed query at most) */
  read: () => GaugeSample;
}

interface Series {
  labels: string;
  buckets: number[];
  sum: number;
  count: number;
}

function escapeLabel(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function escapeHelp(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** A histogram registered by a feature: `observe({status: 'completed'}, 1.5)`. */
export interface Histogram {
  observe(labels: Readonly<Record<string, string>>, value: number): void;
}

/** A monotonic counter registered by a feature. */
export interface Counter {
  inc(labels: Readonly<Record<string, string>>, by?: number): void;
}

interface HistogramState {
  help: string;
  buckets: readonly number[];
  series: Map<string, Series>;
}

interface CounterState {
  help: string;
  values: Map<string, number>;
}

export class MetricsRegistry {
  /** request series by `method status route` (a bounded set: route patterns, known methods and statuses) */
  private readonly series = new Map<string, Series>();
  private readonly gauges = new Map<string, GaugeDefinition>();
  private readonly histograms = new Map<string, HistogramState>();
  private readonly counters = new Map<string, CounterState>();

  /** Records one finished request. `route` is the route pattern, never the raw URL (bounded cardinality). */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    // Keyed plainly: building the escaped label text on every request showed in profiles.
    const key = `${method} ${status} ${route}`;
    let s = this.series.get(key);
    if (!s) {
      s = { labels: labelText({ route, method, status: String(status) }), buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < DURATION_BUCKETS.length; i++) if (seconds <= DURATION_BUCKETS[i]!) s.buckets[i]!++;
    s.sum += seconds;
    s.count++;
  }

  /**
   * Adds a gauge, or replaces the one with the same name: the job runner replaces the
   * placeholder `luckyfive_job_queue_depth` with its own reader.
   */
  registerGauge(def: GaugeDefinition): void {
    if (!NAME.test(def.name)) throw new Error(`invalid metric name ${def.name}`);
    this.gauges.set(def.name, def);
  }

  /** Adds a histogram (or returns the one already registered under `name`, keeping its data). */
  registerHistogram(def: { name: string; help: string; buckets: readonly number[] }): Histogram {
    if (!NAME.test(def.name)) throw new Error(`invalid metric name ${def.name}`);
    let h = this.histograms.get(def.name);
    if (!h) {
      h = { help: def.help, buckets: [...def.buckets].sort((a, b) => a - b), series: new Map() };
      this.histograms.set(def.name, h);
    }
    const state = h;
    return {
      observe: (labels, value) => {
        const key = labelText(labels);
        let s = state.series.get(key);
        if (!s) {
          s = { labels: key, buckets: state.buckets.map(() => 0), sum: 0, count: 0 };
          state.series.set(key, s);
        }
        for (let i = 0; i < state.buckets.length; i++) if (value <= state.buckets[i]!) s.buckets[i]!++;
        s.sum += value;
        s.count++;
      },
    };
  }

  /** Adds a counter (or returns the one already registered under `name`). */
  registerCounter(def: { name: string; help: string }): Counter {
    if (!NAME.test(def.name)) throw new Error(`invalid metric name ${def.name}`);
    let c = this.counters.get(def.name);
    if (!c) {
      c = { help: def.help, values: new Map() };
      this.counters.set(def.name, c);
    }
    const state = c;
    return {
      inc: (labels, by = 1) => {
        const key = labelText(labels);
        state.values.set(key, (state.values.get(key) ?? 0) + by);
      },
    };
  }

  hasGauge(name: string): boolean {
    return this.gauges.has(name);
  }

  /** The whole exposition text. A gauge whose reader throws is reported as NaN, not as a failed scrape. */
  render(): string {
    const out: string[] = [];
    out.push('# HELP luckyfive_http_request_duration_seconds Time to answer an HTTP request.');
    out.push('# TYPE luckyfive_http_request_duration_seconds histogram');
    for (const s of this.series.values()) {
      const inner = s.labels.slice(1, -1);
      DURATION_BUCKETS.forEach((le, i) => out.push(`luckyfive_http_request_duration_seconds_bucket{${inner},le="${le}"} ${s.buckets[i]}`));
      out.push(`luckyfive_http_request_duration_seconds_bucket{${inner},le="+Inf"} ${s.count}`);
      out.push(`luckyfive_http_request_duration_seconds_sum${s.labels} ${num(s.sum)}`);
      out.push(`luckyfive_http_request_duration_seconds_count${s.labels} ${s.count}`);
    }
    out.push('# HELP luckyfive_http_requests_total HTTP requests answered.');
    out.push('# TYPE luckyfive_http_requests_total counter');
    for (const s of this.series.values()) out.push(`luckyfive_http_requests_total${s.labels} ${s.count}`);
    for (const [name, h] of this.histograms) {
      out.push(`# HELP ${name} ${escapeHelp(h.help)}`, `# TYPE ${name} histogram`);
      for (const s of h.series.values()) {
        const inner = s.labels.slice(1, -1);
        const sep = inner ? `${inner},` : '';
        h.buckets.forEach((le, i) => out.push(`${name}_bucket{${sep}le="${le}"} ${s.buckets[i]}`));
        out.push(`${name}_bucket{${sep}le="+Inf"} ${s.count}`, `${name}_sum${s.labels} ${num(s.sum)}`, `${name}_count${s.labels} ${s.count}`);
      }
    }
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${escapeHelp(c.help)}`, `# TYPE ${name} counter`);
      for (const [labels, value] of c.values) out.push(`${name}${labels} ${num(value)}`);
    }
    for (const g of this.gauges.values()) {
      out.push(`# HELP ${g.name} ${escapeHelp(g.help)}`);
      out.push(`# TYPE ${g.name} gauge`);
      let sample: GaugeSample;
      try {
        sample = g.read();
      } catch {
        sample = NaN;
      }
      if (typeof sample === 'number') out.push(`${g.name} ${num(sample)}`);
      else for (const { labels, value } of sample) out.push(`${g.name}${labelText(labels)} ${num(value)}`);
    }
    const mem = process.memoryUsage();
    const memory: Array<[string, string, number]> = [
      ['process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss],
      ['nodejs_heap_size_total_bytes', 'V8 heap size in bytes.', mem.heapTotal],
      ['nodejs_heap_size_used_bytes', 'V8 heap used in bytes.', mem.heapUsed],
      ['nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript, in bytes.', mem.external],
    ];
    for (const [name, help, value] of memory) out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
    return `${out.join('\n')}\n`;
  }
}
