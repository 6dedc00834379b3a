// The gauges the alert rules need (src/server/ops-metrics.ts), read from the data dir at scrape
// time, and the served certificate behind the expiry gauge (src/server/tls-reload.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../../src/config.js';
import { LuckyError } from '../../../src/errors.js';
import { MetricsRegistry } from '../../../src/server/metrics.js';
import { installOpsMetrics } from '../../../src/server/ops-metrics.js';
import { ServedCertificate, reloadTlsFiles } from '../../../src/server/tls-reload.js';
import { writeOpsRecord } from '../../../src/store/ops-records.js';
import { tempDir } from '../../helpers/cli.js';
import { type TestCertificate, haveOpenssl, makeCertificate } from '../../helpers/tls.js';

const sample = (text: string, name: string) =>
  /^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`)) ?? '')?.[2];

describe('ops metrics', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = tempDir('luckyfive-ops-metrics-')));
  afterAll(() => cleanup());

  it('[16.4.11] read at every scrape: 0 before any backup or check, then their recorded times and result; the disk of the data dir', async () => {
    const metrics = new MetricsRegistry();
    installOpsMetrics(metrics, buildConfig({ flags: { data_dir: dir }, env: {}, file: undefined }, dir).values, undefined);
    let text = await metrics.render();
    expect(sample(text, 'luckyfive_last_backup_timestamp_seconds')).toBe('0');
    expect(sample(text, 'luckyfive_ledger_check_timestamp_seconds')).toBe('0');
    // never run: the family is there, without a value (an alert on == 0 must not fire)
    expect(text).toContain('# TYPE luckyfive_ledger_check_ok gauge');
    expect(sample(text, 'luckyfive_ledger_check_ok')).toBeUndefined();
    expect(Number(sample(text, 'luckyfive_data_disk_free_bytes'))).toBeGreaterThan(0);
    expect(Number(sample(text, 'luckyfive_data_disk_size_bytes'))).toBeGreaterThanOrEqual(Number(sample(text, 'luckyfive_data_disk_free_bytes')));
    expect(text).not.toContain('luckyfive_tls_certificate_expiry_timestamp_seconds');

    writeOpsRecord(dir, 'backup', { at: '2026-12-02T03:30:00.500Z', ok: true });
    writeOpsRecord(dir, 'ledger-check', { at: '2026-12-02T03:31:00.000Z', ok: false });
    text = await metrics.render();
    expect(sample(text, 'luckyfive_last_backup_timestamp_seconds')).toBe(String(Date.parse('2026-12-02T03:30:00.500Z') / 1000));
    expect(sample(text, 'luckyfive_ledger_check_ok')).toBe('0');
    expect(sample(text, 'luckyfive_ledger_check_timestamp_seconds')).toBe(String(Date.parse('2026-12-02T03:31:00.000Z') / 1000));
  });

  describe.skipIf(!haveOpenssl())('with TLS', () => {
    let a: TestCertificate;
    let b: TestCertificate;
    beforeAll(() => {
      a = makeCertificate(dir, 'unit-a', 10);
      b = makeCertificate(dir, 'unit-b', 40);
    });

    it('[16.4.11] the expiry gauge shows the certificate served now and follows a reload', async () => {
      const served = new ServedCertificate(a.cert);
      const metrics = new MetricsRegistry();
      installOpsMetrics(metrics, buildConfig({ flags: { data_dir: dir }, env: {}, file: undefined }, dir).values, served);
      expect(Number(sample(await metrics.render(), 'luckyfive_tls_certificate_expiry_timestamp_seconds'))).toBe(a.expiresAt);
      const contexts: unknown[] = [];
      const r = reloadTlsFiles({ setSecureContext: (o) => contexts.push(o) }, served, b.certFile, b.keyFile);
      expect(r).toEqual({ expires_at: new Date(b.expiresAt * 1000).toISOString(), subject: 'CN=unit-b' });
      expect(contexts).toEqual([{ cert: b.cert, key: b.key }]);
      expect(Number(sample(await metrics.render(), 'luckyfive_tls_certificate_expiry_timestamp_seconds'))).toBe(b.expiresAt);
    });

    it('[16.4.12] a reload from bad files throws the documented error and changes nothing', () => {
      const served = new ServedCertificate(a.cert);
      const contexts: unknown[] = [];
      const target = { setSecureContext: (o: unknown) => contexts.push(o) };
      const garbage = join(dir, 'garbage.pem');
      writeFileSync(garbage, 'not a certificate\n');
      const attempts: Array<[string, string, RegExp]> = [
        [garbage, a.keyFile, /--tls-cert \S+garbage\.pem is not a PEM certificate/],
        [a.certFile, b.keyFile, /--tls-key \S+unit-b\.key does not belong to the certificate/],
        [join(dir, 'missing.pem'), a.keyFile, /cannot read --tls-cert/],
      ];
      for (const [cert, key, message] of attempts) {
        let error: unknown;
        try {
          reloadTlsFiles(target, served, cert, key);
        } catch (e) {
          error = e;
        }
        expect(error, cert).toBeInstanceOf(LuckyError);
        expect((error as LuckyError).message).toMatch(message);
      }
      expect(contexts).toEqual([]);
      expect(served.expiresAt).toBe(a.expiresAt);
      expect(served.subject).toBe('CN=unit-a');
    });
  });
});
