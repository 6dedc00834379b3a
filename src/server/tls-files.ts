/**
 * `serve --tls-cert/--tls-key`: reads both files and checks, before the server is built, that
 * they are a PEM certificate (chain) and a PEM private key that belong together, so a wrong
 * file is a documented error (E_INPUT_INVALID naming the flag and file), never a stack trace
 * from deep inside `https.createServer`.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { LuckyError } from '../errors.js';

function readFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new LuckyError('E_NOT_FOUND', `cannot read ${flag} ${file}`, [`${flag}: ${(e as Error).message}`], { cause: e });
  }
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----/;

/** The certificate chain and key for HTTPS, checked; throws E_NOT_FOUND / E_INPUT_INVALID. */
export function readTlsFiles(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  const cert = readFile('--tls-cert', certFile);
  const key = readFile('--tls-key', keyFile);
  const bad = (flag: string, file: string, what: string, e?: unknown) =>
    new LuckyError('E_INPUT_INVALID', `${flag} ${file} is not ${what}`, e === undefined ? [] : [`${flag}: ${(e as Error).message}`], { cause: e });
  if (!PEM_BLOCK.test(cert.toString('latin1'))) throw bad('--tls-cert', certFile, 'a PEM certificate (-----BEGIN CERTIFICATE-----)');
  try {
    new X509Certificate(cert);
  } catch (e) {
    throw bad('--tls-cert', certFile, 'a PEM certificate', e);
  }
  if (!PEM_BLOCK.test(key.toString('latin1'))) throw bad('--tls-key', keyFile, 'a PEM private key (-----BEGIN PRIVATE KEY-----)');
  try {
    createPrivateKey(key);
  } catch (e) {
    throw bad('--tls-key', keyFile, 'a PEM private key (an encrypted key needs its passphrase: not supported)', e);
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new LuckyError(
      'E_INPUT_INVALID',
      `--tls-key ${keyFile} does not belong to the certificate in --tls-cert ${certFile}`,
      [`--tls-key: ${(e as Error).message}`],
      { cause: e },
    );
  }
  return { cert, key };
}
