import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_ROLES } from '../../src/auth/roles.js';
import { LuckyError } from '../../src/errors.js';
import { buildOpenApiDocument } from '../../src/server/openapi-document.js';
import { RATE_CLASSES, installRouteGuard } from '../../src/server/route-table.js';
import { CATALOG_FILE } from '../../src/store/catalog.js';
import { UPSERT_DRAW_SQL, drawToParams, getDraw } from '../../src/store/draws-repo.js';
import { getDraw as drawJsonOf } from '../../src/usecases/draws.js';
import { openDatabase } from '../../src/store/sqlite.js';
import { insertSyntheticDraws, syntheticDraw } from '../helpers/server-draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

function multipart(fileName: string, content: Buffer | string, field = 'file'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----luckyfive-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('server routes: draws', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    insertSyntheticDraws(s.catalog.db, 130);
  });
  afterAll(async () => s.close());

  it('GET /draws/{contest} has the CLI JSON shape; a missing contest is 404', async () => {
    const r = await s.get('/api/v1/draws/42', s.keys.viewer);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(drawJsonOf({ catalog: s.catalog }, 42));
    const missing = await s.get('/api/v1/draws/9999', s.keys.viewer);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('E_NOT_FOUND');
  });

  it('pages through every draw with the cursor, in both orders, without gaps or repeats', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r = await s.get(`/api/v1/draws?limit=50&order=${order}${cursor ? `&cursor=${cursor}` : ''}`, s.keys.viewer);
        expect(r.statusCode).toBe(200);
        const body = r.json();
        seen.push(...body.items.map((d: { contest: number }) => d.contest));
        cursor = body.next_cursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      const expected = Array.from({ length: 130 }, (_, i) => i + 1);
      expect(seen).toEqual(order === 'asc' ? expected : expected.reverse());
    }
  });

  it('cached pages never outlive a write, from this connection or another process', async () => {
    const url = '/api/v1/draws?order=desc&limit=1';
    expect((await s.get(url, s.keys.viewer)).json().items[0].contest).toBe(130);
    expect((await s.get(url, s.keys.viewer)).json().items[0].contest).toBe(130);
    const stmt = s.catalog.db.prepare(UPSERT_DRAW_SQL);
    stmt.run(drawToParams(syntheticDraw(131), null, '2026-01-01T00:00:00Z', null));
    expect((await s.get(url, s.keys.viewer)).json().items[0].contest).toBe(131);
    const other = openDatabase(join(s.dir, CATALOG_FILE));
    try {
      other.prepare('DELETE FROM draws WHERE contest = 131').run();
    } finally {
      other.close();
    }
    // Another process's commit counts from the next event-loop turn (catalogStamp reads
    // data_version once per turn); in a server, the requests that arrive after it.
    await new Promise((resolve) => setImmediate(resolve));
    const after = await s.get(url, s.keys.viewer);
    expect(after.json().items[0].contest).toBe(130);
    expect(after.headers.etag).toBe((await s.get(url, s.keys.viewer)).headers.etag);
  });

  it('filters by contest and date range', async () => {
    const r = await s.get('/api/v1/draws?from=10&to=14', s.keys.viewer);
    expect(r.json().items.map((d: { contest: number }) => d.contest)).toEqual([10, 11, 12, 13, 14]);
    expect(r.json().next_cursor).toBeNull();
    const d10 = getDraw(s.catalog.db, 10)!.date;
    const d12 = getDraw(s.catalog.db, 12)!.date;
    const byDate = await s.get(`/api/v1/draws?since=${d10}&until=${d12}`, s.keys.viewer);
    expect(byDate.json().items.map((d: { contest: number }) => d.contest)).toEqual([10, 11, 12]);
  });

  it('refuses bad parameters with path: problem details', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/v1/draws?limit=0', /query\.limit/],
      ['/api/v1/draws?limit=501', /query\.limit/],
      ['/api/v1/draws?from=0x10', /query\.from/],
      ['/api/v1/draws?since=2024-02-30', /query\.since/],
      ['/api/v1/draws?from=20&to=10', /query\.from/],
      ['/api/v1/draws?from=1&to=10001', /query\.to: .*at most 10,000 contests/],
      ['/api/v1/draws?cursor=!!', /query\.cursor/],
      [`/api/v1/draws?cursor=${Buffer.from('imports:5').toString('base64url')}`, /query\.cursor/],
      ['/api/v1/draws?frm=1', /query/],
      ['/api/v1/draws/0', /path\.contest/],
      ['/api/v1/draws/-1', /path\.contest/],
    ];
    for (const [url, detail] of cases) {
      const r = await s.get(url, s.keys.viewer);
      expect(r.statusCode, url).toBe(400);
      expect(['E_INPUT_INVALID', 'E_RANGE_INVALID'], url).toContain(r.json().error.code);
      expect(r.json().error.details.join('\n'), url).toMatch(detail);
    }
  });

  it('SQL-looking and path-traversal input is rejected or harmless', async () => {
    const urls = [
      '/api/v1/draws/1%20OR%201%3D1',
      `/api/v1/draws/${encodeURIComponent("'; DROP TABLE draws;--")}`,
      '/api/v1/draws?from=1%20OR%201%3D1',
      `/api/v1/draws?since=${encodeURIComponent("2020-01-01' OR '1'='1")}`,
      '/api/v1/draws/..%2F..%2Fetc%2Fpasswd',
      '/api/v1/draws/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/api/v1/draws/../../etc/passwd',
      '/api/v1/../../etc/passwd',
      '/api/v1/draws/%00',
      '/api/v1/draws/%E0%A4%A',
    ];
    for (const url of urls) {
      const r = await s.get(url, s.keys.viewer);
      expect([400, 404], url).toContain(r.statusCode);
      expect(r.json().error.code, url).toMatch(/^E_(INPUT_INVALID|NOT_FOUND)$/);
      expect(r.body, url).not.toMatch(/root:|sqlite|SQL/i);
    }
    const count = s.catalog.db.prepare('SELECT COUNT(*) AS n FROM draws').get() as { n: number };
    expect(count.n).toBe(130);
  });
});

describe('server routes: imports', () => {
  let s: TestServer;
  const calls: Array<{ size: number; name: string; opts: unknown }> = [];
  beforeAll(async () => {
    s = await startTestServer(
      { upload_max_mb: 1, rate_limit_heavy: 1000 },
      {
        importFile: (bytes, name, opts) => {
          calls.push({ size: bytes.length, name, opts });
          if (name === 'broken.csv') throw new LuckyError('E_DATA_INVALID', 'unreadable file', ['row 2: bad date']);
          return { file_name: name, inserted: 3, dry_run: opts.dryRun };
        },
      },
    );
    s.catalog.db
      .prepare(
        `INSERT INTO imports (file_name, sha256, format, parser_version, rows_read, inserted, unchanged, replaced, conflicts, rejected,
          first_contest, last_contest, synthetic, started_at, finished_at) VALUES (?, ?, 'csv', '1', 3, 3, 0, 0, 0, 0, 1, 3, 0, ?, ?)`,
      )
      .run('old.csv', 'ab'.repeat(32), '2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z');
  });
  afterAll(async () => s.close());

  const post = (url: string, key: string, body: ReturnType<typeof multipart>) =>
    s.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}`, ...body.headers }, payload: body.payload });

  it('an analyst uploads a file to the injected import service (201, or 200 for a dry run)', async () => {
    const r = await post('/api/v1/imports?replace=true', s.keys.analyst, multipart('results.csv', 'contest;date\n1;2000-01-01\n'));
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ file_name: 'results.csv', inserted: 3, dry_run: false });
    expect(calls.at(-1)).toEqual({ size: 26, name: 'results.csv', opts: { replace: true, dryRun: false } });
    const dry = await post('/api/v1/imports?dry_run=1', s.keys.analyst, multipart('results.csv', 'x'));
    expect(dry.statusCode).toBe(200);
  });

  it('import service errors keep their code; viewers may not import', async () => {
    const r = await post('/api/v1/imports', s.keys.analyst, multipart('broken.csv', 'x'));
    expect(r.statusCode).toBe(422);
    expect(r.json()).toEqual({ error: { code: 'E_DATA_INVALID', message: 'unreadable file', details: ['row 2: bad date'] } });
    expect((await post('/api/v1/imports', s.keys.viewer, multipart('a.csv', 'x'))).statusCode).toBe(403);
  });

  it('refuses an oversized upload (413), a path-like file name, a wrong field and a non-multipart body', async () => {
    const before = calls.length;
    const big = await post('/api/v1/imports', s.keys.analyst, multipart('big.csv', Buffer.alloc(1024 * 1024 + 10, 65)));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('E_PAYLOAD_TOO_LARGE');
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '..', 'a\u0000b.csv', 'x'.repeat(300)]) {
      const r = await post('/api/v1/imports', s.keys.analyst, multipart(name, 'x'));
      expect(r.statusCode, name).toBe(400);
    }
    expect(calls.length).toBe(before);
    // The multipart parser keeps only the last path component: the service never sees a path.
    for (const name of ['../../etc/passwd', 'a/b.csv', '/abs/olute.csv', 'c:\\x.csv']) {
      const r = await post('/api/v1/imports', s.keys.analyst, multipart(name, 'x'));
      expect([201, 400], name).toContain(r.statusCode);
      if (r.statusCode === 201) expect(calls.at(-1)!.name, name).toMatch(/^[^/\\]+$/);
    }
    const afterNames = calls.length;
    expect((await post('/api/v1/imports', s.keys.analyst, multipart('a.csv', 'x', 'upload'))).statusCode).toBe(400);
    const json = await s.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { authorization: `Bearer ${s.keys.analyst}` }, payload: { file: 'x' } });
    expect(json.statusCode).toBe(400);
    expect(calls.length).toBe(afterNames);
  });

  it('GET /imports lists the history newest first', async () => {
    const r = await s.get('/api/v1/imports', s.keys.viewer);
    expect(r.statusCode).toBe(200);
    expect(r.json().items[0]).toMatchObject({ file_name: 'old.csv', inserted: 3, synthetic: false, first_contest: 1, last_contest: 3 });
    expect(r.json().next_cursor).toBeNull();
  });

  it('without an import service the upload is 501 E_NOT_CONFIGURED (after auth)', async () => {
    const plain = await startTestServer();
    try {
      const body = multipart('a.csv', 'x');
      expect((await plain.app.inject({ method: 'POST', url: '/api/v1/imports', headers: body.headers, payload: body.payload })).statusCode).toBe(401);
      const r = await plain.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { authorization: `Bearer ${plain.keys.analyst}`, ...body.headers },
        payload: body.payload,
      });
      expect(r.statusCode).toBe(501);
      expect(r.json().error.code).toBe('E_NOT_CONFIGURED');
    } finally {
      await plain.close();
    }
  });
});

describe('server routes: health, metrics, route table, OpenAPI', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    const run = s.catalog.db.prepare(
      `INSERT INTO runs (run_id, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, engine_version,
        first_contest, last_contest, status, contests_planned, file, created_at) VALUES (?, 'h', '{}', 's', 1, 5, 1, '1', 1, 2, ?, 2, 'f', 'now')`,
    );
    run.run('run-aaaaaa', 'completed');
    run.run('run-bbbbbb', 'completed');
    run.run('run-cccccc', 'failed');
  });
  afterAll(async () => s.close());

  it('health is public: status, version from package.json, uptime', async () => {
    s.advance(5_000);
    const r = await s.get('/api/v1/health');
    expect(r.statusCode).toBe(200);
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(r.json()).toMatchObject({
      status: 'ok',
      version: pkg.version,
      uptime_seconds: 5,
      databases: { catalog: 'ok' },
      disk: { status: 'ok' },
      last_fault: null,
    });
  });

  it('metrics need a viewer and speak Prometheus text', async () => {
    expect((await s.get('/api/v1/metrics')).statusCode).toBe(401);
    await s.get('/api/v1/draws/1', s.keys.viewer);
    s.app.metrics.registerGauge({ name: 'luckyfive_job_queue_depth', help: 'Jobs waiting to run.', read: () => 7 });
    const r = await s.get('/api/v1/metrics', s.keys.viewer);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = r.body;
    expect(text).toMatch(/^# TYPE luckyfive_http_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^luckyfive_http_request_duration_seconds_bucket\{route="\/api\/v1\/draws\/:contest",method="GET",status="404",le="\+Inf"\} 1$/m);
    expect(text).toMatch(/^luckyfive_http_requests_total\{route="\/api\/v1\/metrics",method="GET",status="401"\} 1$/m);
    expect(text).toMatch(/^luckyfive_simulations\{status="completed"\} 2$/m);
    expect(text).toMatch(/^luckyfive_simulations\{status="failed"\} 1$/m);
    expect(text).toMatch(/^luckyfive_simulations\{status="running"\} 0$/m);
    expect(text).toMatch(/^luckyfive_job_queue_depth 7$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    for (const line of text.trimEnd().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_:]+ .+|[a-z_:]+(\{[^}]*\})? [0-9.e+-]+|[a-z_:]+(\{[^}]*\})? (NaN|\+Inf))$/);
  });

  it('public_metrics opens /metrics to scrapers without a key', async () => {
    const open = await startTestServer({ public_metrics: true });
    try {
      expect((await open.get('/api/v1/metrics')).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('every route declares a valid role and rate class (route-table walk)', () => {
    const table = s.app.routeTable;
    expect(table.length).toBeGreaterThan(10);
    for (const r of table) {
      expect(ROUTE_ROLES, `${r.method} ${r.url}`).toContain(r.role);
      expect(RATE_CLASSES, `${r.method} ${r.url}`).toContain(r.rateClass);
    }
    // Walk what the router really holds (including routes fastify adds without onRoute, such
    // as a prefix's trailing-slash twin): every node lists a role and a rate class.
    const printed = s.app.printRoutes({ commonPrefix: false, includeMeta: ['role', 'rateClass'] }).split('\n');
    let routes = 0;
    printed.forEach((line, i) => {
      if (!/\([A-Z, ]+\)$/.test(line)) return;
      routes++;
      expect(printed[i + 1], line).toMatch(new RegExp(`• \\(role\\) "(${ROUTE_ROLES.join('|')})"$`));
      expect(printed[i + 2], line).toMatch(new RegExp(`• \\(rateClass\\) "(${RATE_CLASSES.join('|')})"$`));
    });
    expect(routes).toBeGreaterThanOrEqual(15);
    const find = (method: string, url: string) => table.find((r) => r.method === method && r.url === url);
    expect(find('GET', '/api/v1/health')?.role).toBe('public');
    expect(find('GET', '/api/v1/draws')?.role).toBe('viewer');
    expect(find('POST', '/api/v1/imports')).toMatchObject({ role: 'analyst', rateClass: 'heavy' });
    expect(find('POST', '/api/v1/auth/keys')).toMatchObject({ role: 'admin', rateClass: 'write' });
  });

  it('the guard refuses, at build time, a route without a role or rate class', async () => {
    const app = Fastify();
    installRouteGuard(app);
    expect(() => app.get('/x', () => 'x')).toThrow(/declares no valid config\.role/);
    expect(() => app.get('/y', { config: { role: 'viewer' } }, () => 'y')).toThrow(/config\.rateClass/);
    expect(() => app.get('/z', { config: { role: 'root' as never, rateClass: 'read' } }, () => 'z')).toThrow(/config\.role/);
    await app.close();
  });

  it('the OpenAPI document is 3.x, documents every route with its role, and the committed copy is current', async () => {
    const served = await s.get('/api/v1/openapi.json');
    expect(served.statusCode).toBe(200);
    const doc = served.json();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('luckyfive API');
    const documented = s.app.routeTable.filter((r) => !r.hidden && r.method !== 'HEAD');
    expect(documented.length).toBeGreaterThanOrEqual(8);
    for (const r of documented) {
      const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${path}`).toBeDefined();
      expect(op['x-role'], `${r.method} ${path}`).toBe(r.role);
      expect(Object.keys(op.responses).length, `${r.method} ${path}`).toBeGreaterThan(0);
      if (r.role !== 'public') expect(op.security, `${r.method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/api/v1/imports'].post.requestBody.content['multipart/form-data']).toBeDefined();
    const committed = readFileSync(resolve(import.meta.dirname, '../../docs/openapi.json'), 'utf8');
    expect(committed, 'docs/openapi.json is stale: run `npx tsx scripts/gen-openapi.ts`').toBe(await buildOpenApiDocument());
  });
});
