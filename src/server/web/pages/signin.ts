/**
 * The sign-in page and the dashboard's refusal pages (403 forbidden, a form without its CSRF
 * token, 429). Plain HTML forms: no script. The key field is a password field that the browser is
 * asked not to remember; the key goes to the server once and is never stored in the browser.
 */
import { escapeHtml } from '../../../core/report/run-report-html.js';
import type { LuckyError } from '../../../errors.js';
import type { WebSession } from '../session.js';

/** A whole document (stand-in until the dashboard layout is merged). */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · luckyfive</title><link rel="stylesheet" href="/assets/app.css"></head><body><a class="skip" href="#main">Skip to content</a><main id="main">${body}</main></body></html>`;
}

/** The sign-in form: one password-type field, the hidden sign-in token and where to go next. */
export function renderSignInPage(input: { next: string; token: string; problem?: string }): string {
  const problem = input.problem ? `<p class="problem" role="alert">${escapeHtml(input.problem)}</p>` : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1>${problem}<form method="post" action="/signin" class="signin">` +
      `<input type="hidden" name="_csrf" value="${escapeHtml(input.token)}"><input type="hidden" name="next" value="${escapeHtml(input.next)}">` +
      `<label for="credential">API key or token</label>` +
      `<input id="credential" name="credential" type="password" autocomplete="off" required spellcheck="false" autocapitalize="off">` +
      `<button type="submit">Sign in</button></form>` +
      `<p>Your key is sent once and exchanged for a session; it is not kept in this browser. A session ends after a period without use, and at sign-out.</p>`,
  );
}

/** The page of a refused dashboard request (403, 429...): what happened, and nothing about why a credential failed. */
export function renderWebRefusal(session: WebSession | null, error: LuckyError): string {
  const title = error.httpStatus === 403 ? 'Not allowed' : error.httpStatus === 429 ? 'Too many requests' : 'Request refused';
  const who = session ? `<p>You are signed in as ${escapeHtml(session.subject)} (${escapeHtml(session.role)}).</p>` : '';
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(error.message)}</p>${who}<p><a href="/">Back to the overview</a></p>`);
}
