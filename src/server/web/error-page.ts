/**
 * Errors on dashboard pages as pages: the status of the error's code, inside the layout, with the
 * message and details a user can act on (paths under the data dir made relative, as in the API's
 * envelope). Never a JSON envelope on a page URL, never a stack trace: an unknown error is logged
 * with the request id and shown as a generic message.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_TABLE, type LuckyError } from '../../errors.js';
import { isStorageFault } from '../../usecases/storage-errors.js';
import type { ServerContext } from '../context.js';
import { scrubDataDir, toLuckyError } from '../error-envelope.js';
import { type SafeHtml, html } from './html.js';
import { type PageCache, sendPage } from './page-route.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in needed',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  429: 'Too many requests',
};

/** The body of an error page for `status`. */
export function errorBody(status: number, message: string, details: readonly string[], requestId: string): { title: string; body: SafeHtml } {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request refused');
  const hint =
    status === 401
      ? html`<p><a href="/signin">Sign in</a> with an API key to see this page.</p>`
      : status === 404
        ? html`<p>Go to the <a href="/">overview</a>.</p>`
        : status >= 500
          ? html`<p>Request id <code>${requestId}</code>: quote it when you report the problem.</p>`
          : html``;
  const body = html`<h1>${title}</h1>
    <p>${message}</p>
    ${
      details.length > 0
        ? html`<ul>
            ${details.map((d) => html`<li>${d}</li>`)}
          </ul>`
        : ''
    }
    ${hint}`;
  return { title, body };
}

/** Sends the error page for `lucky` (logging it as the API's error handler would). */
export function sendErrorPage(reply: FastifyReply, ctx: ServerContext, cache: PageCache, lucky: LuckyError): void {
  const internal = lucky.code === 'E_INTERNAL';
  const message = internal ? ERROR_TABLE.E_INTERNAL.message : scrubDataDir(lucky.message, ctx.config.data_dir);
  const details = internal ? [] : lucky.details.map((d) => scrubDataDir(d, ctx.config.data_dir));
  sendPage(reply, cache, { ...errorBody(lucky.httpStatus, message, details, reply.request.id), status: lucky.httpStatus });
}

/** Makes every error thrown in `scope` (its routes and the hooks before them) an error page. */
export function installErrorPages(scope: FastifyInstance, ctx: ServerContext, cache: PageCache): void {
  scope.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const lucky = toLuckyError(err);
    if (isStorageFault(lucky)) ctx.storageFaults.record(lucky.code, lucky.message);
    if (lucky.code === 'E_INTERNAL') request.log.error({ err: lucky.cause ?? err }, 'internal error');
    else if (lucky.httpStatus >= 500) request.log.warn({ code: lucky.code, message: lucky.message, details: lucky.details }, 'request failed');
    if (lucky.code === 'E_UNAUTHORIZED') void reply.header('www-authenticate', 'Bearer realm="luckyfive"');
    sendErrorPage(reply, ctx, cache, lucky);
    return reply;
  });
}
