/** A scrape of several server processes: what `MetricsRegistry.render` shows once it collects from every process. */
import { describe, expect, it } from 'vitest';
import { type MetricFamilyJson, MetricsRegistry } from '../../../src/server/metrics.js';

const lines = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

/** Two registries standing for two processes; the second's per-process gauges are relabelled as another pid would be. */
async function twoProcesses(): Promise<{ a: MetricsRegistry; text: string }> {
  const a = new MetricsRegistry();
  const b = new MetricsRegistry();
  for (const [m, running] of [
    [a, 2],
    [b, 3],
  ] as const) {
    m.registerGauge({ name: 'luckyfive_jobs_running', help: 'running here', read: () => running });
    m.registerGauge({ name: 'luckyfive_job_queue_depth', help: 'from the catalog', read: () => 7, across: 'first' });
    m.registerGauge({ name: 'luckyfive_open_things', help: 'a count per process', read: () => running, across: 'sum' });
    m.registerCounter({ name: 'luckyfive_things_total', help: 'x' }).inc({ kind: 'k' }, running);
  }
  for (let i = 0; i < 3; i++) a.observeRequest('/api/v1/health', 'GET', 200, 0.002);
  for (let i = 0; i < 4; i++) b.observeRequest('/api/v1/health', 'GET', 200, 0.3);
  b.observeRequest('/api/v1/draws', 'GET', 404, 0.01);
  const fromB = (await b.localMetrics()).map((f: MetricFamilyJson) =>
    f.name === 'luckyfive_jobs_running' ? { ...f, values: f.values.map((v) => ({ ...v, labels: { ...v.labels, pid: 'other' } })) } : f,
  );
  a.collectFrom(async () => [await a.localMetrics(), fromB]);
  return { a, text: await a.render() };
}

describe('metrics of several server processes', () => {
  it('[14.5.1] counters and histograms are summed, build_info appears once, gauges as their definition says', async () => {
    const { text } = await twoProcesses();
    expect(lines(text, 'luckyfive_http_requests_total{')).toEqual([
      'luckyfive_http_requests_total{route="/api/v1/health",method="GET",status="200"} 7',
      'luckyfive_http_requests_total{route="/api/v1/draws",method="GET",status="404"} 1',
    ]);
    const health = 'luckyfive_http_request_duration_seconds_bucket{route="/api/v1/health",method="GET",status="200",';
    expect(lines(text, `${health}le="0.005"}`)).toEqual([`${health}le="0.005"} 3`]);
    expect(lines(text, `${health}le="+Inf"}`)).toEqual([`${health}le="+Inf"} 7`]);
    expect(lines(text, 'luckyfive_http_request_duration_seconds_count{route="/api/v1/health"')[0]).toMatch(/ 7$/);
    expect(lines(text, 'luckyfive_build_info{')).toHaveLength(1);
    expect(lines(text, 'luckyfive_build_info{')[0]).toMatch(/ 1$/);
    expect(lines(text, 'luckyfive_server_processes')).toEqual(['luckyfive_server_processes 2']);
    expect(lines(text, 'luckyfive_job_queue_depth')).toEqual(['luckyfive_job_queue_depth 7']);
    expect(lines(text, 'luckyfive_open_things')).toEqual(['luckyfive_open_things 5']);
    expect(lines(text, 'luckyfive_things_total')).toEqual(['luckyfive_things_total{kind="k"} 5']);
    expect(lines(text, 'luckyfive_jobs_running').sort()).toEqual([`luckyfive_jobs_running{pid="${process.pid}"} 2`, 'luckyfive_jobs_running{pid="other"} 3']);
    // the same spelling as a single process's scrape: no blank lines, one HELP and TYPE per family
    expect(text).not.toMatch(/\n\n/);
    expect(lines(text, '# TYPE luckyfive_http_requests_total ')).toEqual(['# TYPE luckyfive_http_requests_total counter']);
  });

  it('[14.5.2] when the other processes cannot be reached, the scrape shows this process alone', async () => {
    const m = new MetricsRegistry();
    m.observeRequest('/api/v1/health', 'GET', 200, 0.002);
    m.collectFrom(() => Promise.resolve(undefined));
    const text = await m.render();
    expect(lines(text, 'luckyfive_server_processes')).toEqual(['luckyfive_server_processes 1']);
    expect(lines(text, 'luckyfive_http_requests_total{')).toEqual(['luckyfive_http_requests_total{route="/api/v1/health",method="GET",status="200"} 1']);
  });

  it('[14.5.3] a single process shows no pid label and no process count', async () => {
    const m = new MetricsRegistry();
    m.registerGauge({ name: 'luckyfive_jobs_running', help: 'x', read: () => 1 });
    const text = await m.render();
    expect(lines(text, 'luckyfive_jobs_running')).toEqual(['luckyfive_jobs_running 1']);
    expect(text).not.toContain('luckyfive_server_processes');
  });
});
