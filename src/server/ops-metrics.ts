/**
 * Metrics the alert rules need beside the request and queue ones (monitoring/prometheus/rules),
 * read at scrape time and cheap (readOpsStatus: two small files and one statfs):
 * `luckyfive_last_backup_timestamp_seconds` (0 when no backup was ever recorded),
 * `luckyfive_data_disk_free_bytes` and `luckyfive_data_disk_size_bytes` (the data dir's file
 * system), `luckyfive_ledger_check_ok` (1 sound, 0 not; absent until a check was recorded) and
 * `luckyfive_ledger_check_timestamp_seconds` (0 when none), and with TLS
 * `luckyfive_tls_certificate_expiry_timestamp_seconds` of the certificate served now (one series
 * per process under `serve --processes N`: a process that missed a reload shows). The backup and
 * the check are run by `maintain backup` and `ledger check`, never by a scrape.
 */
import type { Config } from '../config.js';
import { type OpsStatus, readOpsStatus } from '../usecases/ops-status.js';
import type { MetricsRegistry } from './metrics.js';
import type { ServedCertificate } from './tls-reload.js';

/** Registers the gauges; `served` is the certificate presented now, when the server speaks HTTPS. */
export function installOpsMetrics(metrics: MetricsRegistry, config: Readonly<Config>, served: ServedCertificate | undefined): void {
  // read once per scrape (before the gauges are), not once per gauge, and not at start-up
  let last: OpsStatus | undefined;
  metrics.onCollect(() => {
    last = readOpsStatus({ config });
    return Promise.resolve();
  });
  const status = () => (last ??= readOpsStatus({ config }));
  // read from the data dir: the same in every server process, shown once
  metrics.registerGauge({
    name: 'luckyfive_last_backup_timestamp_seconds',
    help: 'When the last successful `maintain backup` of this data dir finished (seconds since the epoch; 0: never).',
    read: () => status().last_backup_at ?? 0,
    across: 'first',
  });
  metrics.registerGauge({
    name: 'luckyfive_data_disk_free_bytes',
    help: "Bytes free for luckyfive on the data dir's file system.",
    read: () => status().disk?.free_bytes ?? NaN,
    across: 'first',
  });
  metrics.registerGauge({
    name: 'luckyfive_data_disk_size_bytes',
    help: "Size in bytes of the data dir's file system.",
    read: () => status().disk?.size_bytes ?? NaN,
    across: 'first',
  });
  metrics.registerGauge({
    name: 'luckyfive_ledger_check_ok',
    help: 'Result of the last recorded `ledger check`: 1 the books are sound, 0 they are not (absent: never run).',
    read: () => {
      const check = status().ledger_check;
      return check ? [{ labels: {}, value: check.ok ? 1 : 0 }] : [];
    },
    across: 'first',
  });
  metrics.registerGauge({
    name: 'luckyfive_ledger_check_timestamp_seconds',
    help: 'When the last recorded `ledger check` ran (seconds since the epoch; 0: never).',
    read: () => status().ledger_check?.at ?? 0,
    across: 'first',
  });
  if (served) {
    metrics.registerGauge({
      name: 'luckyfive_tls_certificate_expiry_timestamp_seconds',
      help: 'When the TLS certificate served now expires (seconds since the epoch); follows reloads on SIGHUP.',
      read: () => served.expiresAt,
    });
  }
}
