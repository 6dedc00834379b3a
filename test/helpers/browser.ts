// The dashboard as a browser sees it: signing in through the form (with its sign-in token and
// cookie), session cookies, CSRF tokens scraped from pages, and Chromium through playwright-core.
import { existsSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { presentOrSkip } from './shared.js';

/** The value of `name="<field>" value="..."` in a page (the first one). */
export function hiddenValue(body: string, field: string): string | undefined {
  const m = new RegExp(`name="${field}" value="([^"]*)"`).exec(body);
  return m?.[1];
}

/** `name=value` of the Set-Cookie headers of an answer, by cookie name (attributes in `attrs`). */
export function setCookies(res: LightMyRequestResponse): Record<string, { value: string; attrs: string }> {
  const raw = res.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return Object.fromEntries(
    list.map((c) => {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      return [pair!.slice(0, eq).trim(), { value: pair!.slice(eq + 1), attrs: attrs.join(';').trim() }];
    }),
  );
}

/** Signs in through the form as a browser would; returns the session cookie header (`lf_session=...`) and the sign-in answer. */
export async function signIn(app: FastifyInstance, credential: string, next = '/'): Promise<{ cookie: string | undefined; res: LightMyRequestResponse }> {
  const form = await app.inject({ method: 'GET', url: '/signin', headers: { accept: 'text/html' } });
  const pre = setCookies(form).lf_signin!.value;
  const token = hiddenValue(form.body, '_csrf')!;
  const res = await app.inject({
    method: 'POST',
    url: '/signin',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lf_signin=${pre}` },
    payload: new URLSearchParams({ _csrf: token, next, credential }).toString(),
  });
  const session = setCookies(res).lf_session?.value;
  return { cookie: session ? `lf_session=${session}` : undefined, res };
}

/** A urlencoded POST with a session cookie. */
export function postForm(app: FastifyInstance, url: string, cookie: string | undefined, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}), ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** Debian's Chromium, the one the browser tests drive. */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags of every launch: headless, no sandbox (containers), nothing that talks to the network by itself. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * True when Chromium is installed. When it is not the caller's tests skip with a message, unless
 * LUCKYFIVE_REQUIRE_SHARED=1 (set by .ci/run, which installs it), which makes it a failure.
 */
export function haveChromium(): boolean {
  return presentOrSkip(existsSync(CHROMIUM), `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`, 'the browser tests');
}

export interface TestChromium {
  browser: Browser;
  /** the browser process's PID */
  pid: number;
  /** closes the browser, then stops its process by PID should it still run */
  stop(): Promise<void>;
}

/**
 * Starts Chromium. playwright's launch gives the browser a fresh, empty user-data dir of its own
 * (a temp dir it removes on close); each test opens its own context (no shared cookies). The
 * browser runs as a launched server so that its PID is known and it can be stopped by it.
 */
export async function startChromium(): Promise<TestChromium> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
  const pid = server.process().pid!;
  const browser = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
  return {
    browser,
    pid,
    stop: async () => {
      await browser.close().catch(() => undefined);
      await server.close().catch(() => undefined);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
