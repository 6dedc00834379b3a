/**
 * Self-signed certificates made with `openssl` for the HTTPS tests (node:crypto cannot sign an
 * X.509 certificate). When openssl is not installed the caller's tests skip with a message,
 * unless LUCKYFIVE_REQUIRE_SHARED=1 (set by .ci/run), which makes it a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { presentOrSkip } from './shared.js';

export function haveOpenssl(): boolean {
  const present = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
  return presentOrSkip(present, 'openssl is not installed (apt-get install openssl)', 'the TLS tests');
}

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  /** its notAfter, in seconds since the epoch */
  expiresAt: number;
}

/** A self-signed P-256 certificate for 127.0.0.1 with subject `CN=<name>`, valid `days` days, written as `<name>.crt`/`<name>.key` in `dir`. */
export function makeCertificate(dir: string, name: string, days: number): TestCertificate {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      String(days),
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certFile);
  return { certFile, keyFile, cert, key: readFileSync(keyFile), expiresAt: Date.parse(new X509Certificate(cert).validTo) / 1000 };
}
