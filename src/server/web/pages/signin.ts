/**
 * The sign-in page and the dashboard's refusal pages (403 forbidden, a form without its CSRF
 * token, 429), inside the dashboard's layout. Plain HTML forms: no script. The key field is a
 * password field the browser is asked not to fill or remember; the key goes to the server once and
 * is never stored in the browser.
 */
import type { LuckyError } from '../../../errors.js';
import { errorBody } from '../error-page.js';
import { html } from '../html.js';
import { renderPage } from '../layout.js';
import type { WebSession } from '../session.js';

/** The sign-in form: one password-type field, the hidden sign-in token and where to go next. */
export function renderSignInPage(input: { next: string; token: string; problem?: string }): string {
  const body = html`<h1>Sign in</h1>
    ${input.problem ? html`<p class="bad" role="alert">${input.problem}</p>` : ''}
    <form method="post" action="/signin" class="signin">
      <input type="hidden" name="_csrf" value="${input.token}" />
      <input type="hidden" name="next" value="${input.next}" />
      <p>
        <label for="credential">API key or token</label>
        <input id="credential" name="credential" type="password" autocomplete="off" required spellcheck="false" autocapitalize="off" />
      </p>
      <p><button type="submit">Sign in</button></p>
    </form>
    <p class="muted">
      The key is sent once and exchanged for a session; this browser keeps only the session, never the key. A session ends after a while without use, and at
      sign-out.
    </p>`;
  return renderPage({ title: 'Sign in', session: null, body });
}

/** The page of a refused dashboard request (403, 429...): what happened, and nothing about why a credential failed. */
export function renderWebRefusal(session: WebSession | null, error: LuckyError, requestId: string): string {
  const { title, body } = errorBody(error.httpStatus, error.message, error.details, requestId);
  return renderPage({ title, session, body, status: error.httpStatus });
}
