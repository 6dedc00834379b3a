/**
 * The page around every dashboard page: the document head (viewport, the one stylesheet), a skip
 * link, the header with the nav the session's role may use, the signed-in subject and role with
 * a sign-out form (carrying the CSRF token), `<main id=main>`, and a footer with the luckyfive
 * version and where the draws came from. No inline script or style: the CSP forbids both.
 */
import type { Role } from '../../core/roles.js';
import { roleAllows } from '../../auth/roles.js';
import { readPackageVersion } from '../../version.js';
import { type SafeHtml, html } from './html.js';
import { WEB_PAGES } from './pages.js';

/** What the layout needs of a session (W2's `WebSession` has these and more). */
export interface PageSession {
  subject: string;
  role: Role;
  csrf: string;
}

/** Where the catalog's draws came from, for the footer. */
export interface DataSource {
  /** number of draws in the catalog */
  draws: number;
  /** true when any of them is synthetic sample data */
  synthetic: boolean;
}

export interface PageInput {
  /** the page's own title (the document title adds "· luckyfive") */
  title: string;
  /** the signed-in session; null renders the signed-out shell (no nav, no sign-out) */
  session: PageSession | null;
  /** the nav entry to mark as the current page (a path from WEB_PAGES) */
  active?: string | undefined;
  body: SafeHtml;
  /** the HTTP status the page is sent with (default 200), shown nowhere; kept for callers */
  status?: number | undefined;
  /** the footer's data source; absent: the footer names only the version */
  source?: DataSource | undefined;
}

function nav(session: PageSession, active: string | undefined): SafeHtml {
  const items = WEB_PAGES.filter((p) => roleAllows(session.role, p.role)).map(
    (p) => html`<li><a href="${p.path}" ${p.path === active ? html` aria-current="page"` : ''}>${p.title}</a></li>`,
  );
  return html`<nav aria-label="Main">
      <ul class="nav">
        ${items}
      </ul>
    </nav>
    <div class="who">
      <span>Signed in as <strong>${session.subject}</strong> (${session.role})</span>
      <form method="post" action="/signout" class="inline">
        <input type="hidden" name="_csrf" value="${session.csrf}" /><button type="submit">Sign out</button>
      </form>
    </div>`;
}

function sourceLine(source: DataSource | undefined): SafeHtml {
  if (!source) return html``;
  if (source.draws === 0) return html` · no draws imported yet`;
  return source.synthetic
    ? html` · data: <strong>synthetic sample draws</strong> (not official results)`
    : html` · data: official Quina results (${source.draws.toLocaleString('en')} draws)`;
}

/** The whole HTML document of one page. */
export function renderPage(input: PageInput): string {
  const { session } = input;
  const doc = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${input.title} · luckyfive</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">luckyfive</a>
          ${session ? nav(session, input.active) : html`<span class="who">Not signed in</span>`}
        </header>
        <main id="main">${input.body}</main>
        <footer class="foot">luckyfive ${readPackageVersion()}${sourceLine(input.source)}</footer>
      </body>
    </html> `;
  return doc.value;
}
