/**
 * Requests Node's HTTP parser refuses before fastify sees them (headers over the size limit,
 * a malformed request line or header, a request that timed out) are answered on the raw socket,
 * but in the same error envelope and with the same security headers as every other answer.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '../errors.js';
import { envelope } from './error-envelope.js';
import { securityHeaderPairs } from './security-headers.js';

function classify(err: NodeJS.ErrnoException): { status: number; code: ErrorCode; message: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'E_PAYLOAD_TOO_LARGE', message: 'request headers too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'E_INPUT_INVALID', message: 'request timed out' };
    default:
      return { status: 400, code: 'E_INPUT_INVALID', message: 'malformed request' };
  }
}

/** The raw HTTP/1.1 answer for a client error; exported for tests. */
export function clientErrorResponse(err: NodeJS.ErrnoException, tls: boolean): string {
  const { status, code, message } = classify(err);
  const body = JSON.stringify(envelope(code, message));
  const headers: Array<[string, string]> = [
    ['content-type', 'application/json; charset=utf-8'],
    ['content-length', String(Buffer.byteLength(body))],
    ['connection', 'close'],
    ...securityHeaderPairs(tls),
  ];
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}

/** fastify's `clientErrorHandler`: answer when the socket can still take it, then close it. */
export function createClientErrorHandler(tls: boolean): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err, socket) => {
    // A reset or a half-sent response: nothing can be said any more.
    if (err.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy(err);
      return;
    }
    socket.end(clientErrorResponse(err, tls));
  };
}
