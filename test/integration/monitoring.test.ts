/**
 * The monitoring kit (issue 16): `monitoring/prometheus/rules` pass `promtool check rules` and
 * their unit tests (`promtool test rules` on alerts.test.yml and alerts-daily.test.yml), every alert is tested firing and quiet and links a
 * heading of docs/operations/alerts.md, the example prometheus.yml passes `promtool check config`, every
 * query of the Grafana dashboard passes promtool as a recording rule, and a real `/metrics` scrape
 * of a running `serve` (TLS, a run queue, after a backup and a ledger check) passes
 * `promtool check metrics` and holds every `luckyfive_*` metric the rules and the dashboard use.
 * Skips without promtool (`apt-get install prometheus`) unless LUCKYFIVE_REQUIRE_SHARED=1.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { type TestRedis, haveRedisServer, startRedis } from '../helpers/redis.js';
import { presentOrSkip } from '../helpers/shared.js';
import { type TestCertificate, haveOpenssl, makeCertificate } from '../helpers/tls.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PROM = join(ROOT, 'monitoring/prometheus');
const RULES = join(PROM, 'rules');
const DASHBOARD = join(ROOT, 'monitoring/grafana/luckyfive.json');
const RUNBOOKS = join(ROOT, 'docs/operations/alerts.md');

function havePromtool(): boolean {
  const present = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
  return presentOrSkip(present, 'promtool is not installed (apt-get install prometheus)', 'the monitoring tests');
}

/** Runs promtool (at most 60 s); its output for the failure message. */
function promtool(args: string[], input?: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The text without its comment lines. */
const uncommented = (text: string) =>
  text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');

/** Each alert rule of alerts.yml as its block of text, with its name. */
function alertBlocks(): Array<{ name: string; text: string }> {
  return uncommented(readFileSync(join(RULES, 'alerts.yml'), 'utf8'))
    .split(/\n(?=[ \t]+- alert: )/)
    .slice(1)
    .map((text) => ({ name: /- alert: (\S+)/.exec(text)![1]!, text }));
}

interface DashboardPanel {
  title: string;
  type: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr: string; datasource?: { uid?: string } }>;
}
const dashboard = () => JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: DashboardPanel[]; templating: { list: Array<Record<string, unknown>> } };
const dashboardQueries = () => dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

/** `luckyfive_*` metric names used by an expression or rules text (recorded names such as `job:luckyfive_x:rate5m` are not metrics). */
const metricNames = (text: string) => new Set([...uncommented(text).matchAll(/(?<![\w:])luckyfive_[a-z0-9_]+/g)].map((m) => m[0]));

describe.skipIf(!havePromtool())('[16.4] monitoring: rules, alerts, dashboard, scrape config', () => {
  it('[16.4.1] promtool check rules accepts the recording and alert rules', () => {
    const r = promtool(['check', 'rules', join(RULES, 'recording.yml'), join(RULES, 'alerts.yml')]);
    expect(r.code, r.output).toBe(0);
  });

  it('[16.4.2] promtool test rules passes, and every alert is tested both firing and quiet', () => {
    const files = ['alerts.test.yml', 'alerts-daily.test.yml'].map((f) => join(RULES, f));
    const r = promtool(['test', 'rules', ...files]);
    expect(r.code, r.output).toBe(0);
    const cases = uncommented(files.map((f) => readFileSync(f, 'utf8')).join('\n'))
      .split(/\n(?=[ \t]+- eval_time: )/)
      .slice(1)
      .map((text) => ({ alert: /alertname: (\S+)/.exec(text)![1]!, quiet: /exp_alerts: \[\]/.test(text) }));
    for (const name of new Set(alertBlocks().map((a) => a.name))) {
      expect(
        cases.filter((c) => c.alert === name).map((c) => c.quiet),
        name,
      ).toEqual(expect.arrayContaining([true, false]));
    }
  });

  it('[16.4.3] every alert has a severity, a summary, a description and a runbook_url naming a heading of docs/operations/alerts.md', () => {
    const headings = new Set([...readFileSync(RUNBOOKS, 'utf8').matchAll(/^#{2,3} (.+)$/gm)].map((m) => slug(m[1]!)));
    const alerts = alertBlocks();
    expect(alerts.length).toBeGreaterThanOrEqual(12);
    for (const { name, text } of alerts) {
      expect(text, name).toMatch(/\n\s+severity: (warning|critical)\n/);
      expect(text, name).toMatch(/\n\s+summary: \S/);
      expect(text, name).toMatch(/\n\s+description: \S/);
      const url = /\n\s+runbook_url: (\S+)/.exec(text)?.[1];
      expect(url, name).toMatch(/^docs\/operations\/alerts\.md#/);
      expect(headings, `${name}: ${url}`).toContain(url!.split('#')[1]);
    }
    // what the issue asks alerts for
    const names = alerts.map((a) => a.name).join(' ');
    for (const wanted of [
      'Down',
      'LatencyP95',
      'LatencyP99',
      '5xx',
      'Backlog',
      'Stuck',
      'NoWorker',
      'DiskLow',
      'BackupTooOld',
      'LedgerCheckFailing',
      'CertificateExpiring',
    ]) {
      expect(names).toContain(wanted);
    }
  });

  it('[16.4.4] the example prometheus.yml passes promtool check config, scraping /api/v1/metrics with a bearer key file', () => {
    const { dir, cleanup } = tempDir('luckyfive-prom-');
    try {
      cpSync(PROM, dir, { recursive: true });
      const text = readFileSync(join(dir, 'prometheus.yml'), 'utf8');
      expect(text).toMatch(/metrics_path: \/api\/v1\/metrics/);
      expect(text).toMatch(/authorization:\n\s+type: Bearer\n\s+credentials_file: \/etc\/prometheus\/luckyfive-metrics\.key/);
      writeFileSync(join(dir, 'metrics.key'), 'lf_test\n', { mode: 0o600 });
      writeFileSync(join(dir, 'prometheus.yml'), text.replaceAll('/etc/prometheus/luckyfive-metrics.key', join(dir, 'metrics.key')));
      const r = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/2 rule files found/);
    } finally {
      cleanup();
    }
  });

  it('[16.4.5] every dashboard query passes promtool, and every panel reads the datasource variable', () => {
    const d = dashboard();
    expect(d.templating.list.find((v) => v.type === 'datasource')).toMatchObject({ name: 'datasource', query: 'prometheus' });
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(20);
    for (const p of d.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
    // Grafana's variables, as Grafana would expand them
    const promql = (e: string) => e.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*');
    const rules = `groups:\n  - name: dashboard\n    rules:\n${queries.map((q, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(promql(q.expr))}\n`).join('')}`;
    const { dir, cleanup } = tempDir('luckyfive-dash-');
    try {
      writeFileSync(join(dir, 'dashboard-rules.yml'), rules);
      const r = promtool(['check', 'rules', join(dir, 'dashboard-rules.yml')]);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain(`SUCCESS: ${queries.length} rules found`);
    } finally {
      cleanup();
    }
    // the panels the issue asks for
    const titles = d.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const wanted of ['requests', '5xx', 'latency', 'queue', 'workers', 'simulations', 'disk', 'backup', 'ledger', 'certificate', 'build'])
      expect(titles).toContain(wanted);
  });
});

/** GET over HTTPS with the test certificate as the only CA, and a bearer key. */
function scrape(url: string, ca: Buffer, key: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, agent: false, headers: { authorization: `Bearer ${key}` }, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within 15 s`)));
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!havePromtool() || !haveRedisServer() || !haveOpenssl())('[16.4.7] a real /metrics scrape', () => {
  let dir: string;
  let cleanup: () => void;
  let redis: TestRedis | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  let url: string;
  let key: string;
  let cert: TestCertificate;
  let startedAt: number;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('luckyfive-monitoring-'));
    cert = makeCertificate(dir, 'luckyfive-monitoring', 20);
    redis = await startRedis();
    const data = join(dir, 'data');
    key = (await cli(['auth', 'key', 'create', '--name', 'prometheus', '--role', 'viewer'], { dataDir: data })).stdout.trim();
    child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'serve', '--port', '0', '--tls-cert', cert.certFile, '--tls-key', cert.keyFile],
      {
        env: { ...process.env, NO_COLOR: '1', LUCKYFIVE_DATA_DIR: data, LUCKYFIVE_THREADS: '1', LUCKYFIVE_QUEUE_URL: redis.url, LUCKYFIVE_LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const proc = child;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    let err = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not listen within 90 s: ${err}`)), 90_000);
      proc.stderr!.on('data', (b: Buffer) => {
        err += b.toString();
        const m = /listening on (\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited!.then(() => reject(new Error(`serve exited: ${err}`)));
    });
    // what the nightly job does: the series they feed appear at the next scrape
    startedAt = Date.now() / 1000;
    expect((await cli(['ledger', 'check'], { dataDir: data })).code).toBe(0);
    expect((await cli(['maintain', 'backup', join(dir, 'backups')], { dataDir: data })).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }
    await redis?.stop();
    cleanup();
  });

  it('[16.4.7] passes promtool check metrics and holds every luckyfive_* metric the rules and the dashboard use, with honest values', async () => {
    const r = await scrape(`${url}/api/v1/metrics`, cert.cert, key);
    expect(r.status).toBe(200);
    const check = promtool(['check', 'metrics'], r.text);
    expect(check.code, check.output).toBe(0);

    const types = new Map([...r.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    const exists = (name: string) => {
      if (types.has(name)) return true;
      const family = /^(.+)_(bucket|sum|count)$/.exec(name);
      return family !== null && types.get(family[1]!) === 'histogram';
    };
    const used = new Set([
      ...metricNames(readFileSync(join(RULES, 'recording.yml'), 'utf8')),
      ...metricNames(readFileSync(join(RULES, 'alerts.yml'), 'utf8')),
      ...dashboardQueries().flatMap((q) => [...metricNames(q.expr)]),
    ]);
    expect(used.size).toBeGreaterThanOrEqual(20);
    expect([...used].filter((name) => !exists(name))).toEqual([]);

    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(r.text)?.[1]);
    const now = Date.now() / 1000;
    expect(value('luckyfive_last_backup_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(startedAt));
    expect(value('luckyfive_last_backup_timestamp_seconds')).toBeLessThanOrEqual(now);
    expect(value('luckyfive_ledger_check_ok')).toBe(1);
    expect(value('luckyfive_ledger_check_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(startedAt));
    expect(value('luckyfive_data_disk_free_bytes')).toBeGreaterThan(0);
    expect(value('luckyfive_data_disk_size_bytes')).toBeGreaterThanOrEqual(value('luckyfive_data_disk_free_bytes'));
    expect(value('luckyfive_tls_certificate_expiry_timestamp_seconds')).toBe(cert.expiresAt);
    expect(value('luckyfive_queue_up')).toBe(1);
  });
});
