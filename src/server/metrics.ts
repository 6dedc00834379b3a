/**
 * Prometheus metrics, written in the text exposition format (0.0.4) by hand: a request-duration
 * histogram and request counter by route/method/status, gauges read at scrape time (simulations
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

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export class MetricsRegistry {
  private readonly series = new Map<string, Series>();
  private readonly gauges = new Map<string, GaugeDefinition>();

  /** Records one finished request. `route` is the route pattern, never the raw URL (bounded cardinality). */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const labels = labelText({ route, method, status: String(status) });
    let s = this.series.get(labels);
    if (!s) {
      s = { labels, buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.series.set(labels, s);
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
    for (const g of this.gauges.values()) {
      out.push(`# HELP ${g.name} ${g.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`);
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
