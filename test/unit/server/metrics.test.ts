/** The request metrics kept as plain numbers render exactly as prom-client's own histogram and counter would. */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../src/server/metrics.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SAMPLES: Array<[string, string, number, number]> = [
  ['/api/v1/draws/:contest', 'GET', 200, 0.003],
  ['/api/v1/draws/:contest', 'GET', 200, 0.07],
  ['/api/v1/draws/:contest', 'GET', 200, 0.005],
  ['/api/v1/draws/:contest', 'GET', 404, 12],
  ['/api/v1/runs', 'POST', 201, 0.4],
];

const lines = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

describe('request metrics', () => {
  it('[13.5.3] the request histogram and counter render as prom-client renders the same observations', async () => {
    const ours = new MetricsRegistry();
    const reference = new Registry();
    const h = new Histogram({
      name: 'luckyfive_http_request_duration_seconds',
      help: 'x',
      labelNames: ['route', 'method', 'status'],
      buckets: BUCKETS,
      registers: [reference],
    });
    const c = new Counter({ name: 'luckyfive_http_requests_total', help: 'x', labelNames: ['route', 'method', 'status'], registers: [reference] });
    for (const [route, method, status, seconds] of SAMPLES) {
      ours.observeRequest(route, method, status, seconds);
      h.observe({ route, method, status: String(status) }, seconds);
      c.inc({ route, method, status: String(status) });
    }
    const mine = await ours.render();
    // prom-client writes `le` first; the endpoint has always written it last (render() moves it)
    const theirs = (await reference.metrics()).replace(/\{le="([^"]*)",([^}]*)\}/g, '{$2,le="$1"}');
    for (const prefix of ['luckyfive_http_request_duration_seconds_', 'luckyfive_http_requests_total{']) {
      expect(lines(mine, prefix).sort()).toEqual(lines(theirs, prefix).sort());
    }
    expect(lines(mine, 'luckyfive_http_requests_total{')).toHaveLength(3);
  });
});
