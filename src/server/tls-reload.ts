/**
 * `serve --tls-cert/--tls-key` renewals without a restart: on SIGHUP the server reads and checks
 * both files again ({@link readTlsFiles}) and gives the listening server a new secure context.
 * Connections already open keep the session they negotiated (nothing is dropped); new handshakes
 * get the new certificate. A file that does not check out leaves the old certificate in place.
 * {@link ServedCertificate} is what the server presents now: `/metrics` reads its expiry.
 */
import { X509Certificate } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import { readTlsFiles } from './tls-files.js';

/** The certificate the server presents now (the first of the chain: the server's own). */
export class ServedCertificate {
  private expiry: number;
  private subjectText: string;

  constructor(cert: string | Buffer) {
    const x = new X509Certificate(cert);
    this.expiry = Date.parse(x.validTo) / 1000;
    this.subjectText = x.subject;
  }

  /** When it stops being valid, in seconds since the epoch (`luckyfive_tls_certificate_expiry_timestamp_seconds`). */
  get expiresAt(): number {
    return this.expiry;
  }

  /** Its subject, for log lines (`CN=...`). */
  get subject(): string {
    return this.subjectText;
  }

  /** Now presenting `cert`. */
  replace(cert: string | Buffer): void {
    const next = new ServedCertificate(cert);
    this.expiry = next.expiry;
    this.subjectText = next.subjectText;
  }
}

/** What a reload changes: the listening HTTPS server (`app.server`). */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

/**
 * Reads and checks `certFile` and `keyFile` again, then makes `server` present them to new
 * connections and `served` describe them. Throws readTlsFiles' E_NOT_FOUND / E_INPUT_INVALID
 * before anything changed. Returns the new certificate's expiry (ISO) and subject.
 */
export function reloadTlsFiles(
  server: SecureContextTarget,
  served: ServedCertificate,
  certFile: string,
  keyFile: string,
): { expires_at: string; subject: string } {
  const { cert, key } = readTlsFiles(certFile, keyFile);
  server.setSecureContext({ cert, key });
  served.replace(cert);
  return { expires_at: new Date(served.expiresAt * 1000).toISOString(), subject: served.subject };
}
