// Dashboard sessions through the app (inject): sign-in with a key becomes an HttpOnly session
// cookie, the gate takes web callers from that cookie only (and API callers never from it), CSRF
// on every form, roles as in the API, sign-out, idle timeout and revocation; the jobs and imports pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { createImportOnPool } from '../../src/server/import-on-pool.js';
import { CSRF_SLOT } from '../../src/server/web/forms.js';
import { issueToken, revokeKey } from '../../src/usecases/keys.js';
import { readClock } from '../../src/clock.js';
import { hiddenValue, postForm, setCookies, signIn } from '../helpers/browser.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, T0, startTestServer } from '../helpers/server.js';

let s: TestServer;
let pool: PredictPool;
const logs: string[] = [];
const html = { accept: 'text/html' };

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer(
    { log_level: 'info', rate_limit_heavy: 1000, rate_limit_write: 1000, rate_limit_read: 100_000, web_session_idle: 30 },
    { pool, logger: { stream: { write: (line: string) => void logs.push(line) } } },
  );
  seedDraws(s.dir, makeDraws(1, 300));
  await s.restart({ importFile: createImportOnPool(s.catalog, pool) });
}, 60_000);
afterAll(async () => {
  await s?.close();
  await pool?.close();
});

describe('[15.5.2] sign-in and sessions', () => {
  it('[15.5.2] a page without a session answers 303 to /signin with the page to come back to', async () => {
    const res = await s.get('/jobs', undefined, html);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Fjobs');
    expect(res.headers['cache-control']).toBe('private, no-store');
  });

  it('[15.5.2] the sign-in form has one labelled password field, autocomplete off, and no script', async () => {
    const res = await s.get('/signin', undefined, html);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<label for="credential">API key or token<\/label>/);
    expect(res.body).toMatch(/<input id="credential" name="credential" type="password" autocomplete="off"/);
    expect(res.body).not.toMatch(/<script|style=/);
    expect(setCookies(res).lf_signin!.attrs).toBe('Path=/; HttpOnly; SameSite=Strict');
  });

  it('[15.5.2] a good key becomes an HttpOnly SameSite=Strict session cookie and a 303 to next; the key is never in the logs', async () => {
    const { res } = await signIn(s.app, s.keys.viewer, '/jobs');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/jobs');
    const cookie = setCookies(res).lf_session!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attrs).toBe('Path=/; HttpOnly; SameSite=Strict');
    expect(cookie.value).not.toContain(s.keys.viewer);
    const page = await s.get('/jobs', undefined, { ...html, cookie: `lf_session=${cookie.value}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Signed in as <strong>viewer key</strong> (viewer)');
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(logs.join('\n')).not.toContain(s.keys.viewer);
    expect(logs.join('\n')).not.toContain(cookie.value);
  });

  it('[15.5.2] a bad key is 401 with the form again and a plain message, and no session', async () => {
    const { res, cookie } = await signIn(s.app, 'lf_' + 'x'.repeat(43));
    expect(res.statusCode).toBe(401);
    expect(cookie).toBeUndefined();
    expect(res.body).toContain('That key or token was not accepted.');
    expect(res.body).not.toMatch(/unknown|revoked|expired|malformed/);
  });

  it('[15.5.2] sign-in without its form token, or posted from another site, is refused', async () => {
    const res = await postForm(s.app, '/signin', undefined, { credential: s.keys.viewer });
    expect(res.statusCode).toBe(403);
    expect(setCookies(res).lf_session).toBeUndefined();
    const form = await s.get('/signin', undefined, html);
    const pre = setCookies(form).lf_signin!.value;
    const token = hiddenValue(form.body, '_csrf')!;
    const evil = await postForm(s.app, '/signin', `lf_signin=${pre}`, { _csrf: token, credential: s.keys.viewer }, { origin: 'http://evil.example' });
    expect(evil.statusCode).toBe(403);
    expect(setCookies(evil).lf_session).toBeUndefined();
  });

  it('[15.5.2] next is only ever a local path', async () => {
    for (const next of ['//evil.example/x', 'http://evil.example', '/\\evil.example', 'javascript:alert(1)', '/ok\r\nx: y']) {
      const { res } = await signIn(s.app, s.keys.viewer, next);
      expect(res.headers.location, next).toBe('/');
    }
    expect((await signIn(s.app, s.keys.viewer, '/runs?sort=mean_hits')).res.headers.location).toBe('/runs?sort=mean_hits');
  });

  it('[15.5.2] API routes never accept the cookie; pages never accept a header', async () => {
    const { cookie } = await signIn(s.app, s.keys.admin);
    const api = await s.get('/api/v1/runs', undefined, { cookie: cookie! });
    expect(api.statusCode).toBe(401);
    const page = await s.get('/jobs', s.keys.admin, html);
    expect(page.statusCode).toBe(303);
  });

  it('[15.5.2] sign-out (with its CSRF token) ends the session: the old cookie no longer works', async () => {
    const { cookie } = await signIn(s.app, s.keys.viewer);
    const page = await s.get('/jobs', undefined, { ...html, cookie: cookie! });
    const csrf = hiddenValue(page.body, '_csrf')!;
    expect((await postForm(s.app, '/signout', cookie, {})).statusCode).toBe(403);
    const out = await postForm(s.app, '/signout', cookie, { _csrf: csrf });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/signin');
    expect(setCookies(out).lf_session!.attrs).toContain('Max-Age=0');
    expect((await s.get('/jobs', undefined, { ...html, cookie: cookie! })).statusCode).toBe(303);
  });

  it('[15.5.2] a session ends after web_session_idle minutes without use, and when its key is revoked', async () => {
    const idle = (await signIn(s.app, s.keys.viewer)).cookie!;
    s.advance(29 * 60_000);
    expect((await s.get('/jobs', undefined, { ...html, cookie: idle })).statusCode).toBe(200);
    s.advance(31 * 60_000);
    const gone = await s.get('/jobs', undefined, { ...html, cookie: idle });
    expect(gone.statusCode).toBe(303);
    expect(setCookies(gone).lf_session!.attrs).toContain('Max-Age=0');
    const k = s.newKey('analyst');
    const cookie = (await signIn(s.app, k.key)).cookie!;
    expect((await s.get('/imports', undefined, { ...html, cookie })).statusCode).toBe(200);
    revokeKey({ catalog: s.catalog, clock: readClock(new Date(T0)) }, k.id);
    expect((await s.get('/imports', undefined, { ...html, cookie })).statusCode).toBe(303);
  });

  it('[15.5.2] a form posted after the session ended sends the browser to sign in and back to the page of the form', async () => {
    const res = await postForm(s.app, '/jobs', 'lf_session=' + 'x'.repeat(43), { recipe: 'preset:balanced' }, { referer: 'http://localhost:80/jobs?before=3' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Fjobs%3Fbefore%3D3');
    const elsewhere = await postForm(s.app, '/jobs', undefined, {}, { referer: 'http://evil.example/jobs' });
    expect(elsewhere.headers.location).toBe('/signin');
  });

  it('[15.5.2] signing in again gives a new session id and ends the one the browser held', async () => {
    const first = (await signIn(s.app, s.keys.viewer)).cookie!;
    const form = await s.get('/signin', undefined, html);
    const pre = setCookies(form).lf_signin!.value;
    const again = await postForm(s.app, '/signin', `lf_signin=${pre}; ${first}`, { _csrf: hiddenValue(form.body, '_csrf')!, credential: s.keys.analyst });
    const second = `lf_session=${setCookies(again).lf_session!.value}`;
    expect(second).not.toBe(first);
    expect((await s.get('/jobs', undefined, { ...html, cookie: first })).statusCode).toBe(303);
    expect((await s.get('/imports', undefined, { ...html, cookie: second })).statusCode).toBe(200);
  });

  it("[15.5.2] a session draws from its key's own rate-limit bucket; over the limit is a 429 page with Retry-After", async () => {
    const t = await startTestServer({ rate_limit_read: 3 });
    try {
      const { cookie } = await signIn(t.app, t.keys.viewer);
      // the key's read bucket is shared with the API: one API call, then pages
      expect((await t.get('/api/v1/draws', t.keys.viewer)).statusCode).toBe(200);
      for (let i = 0; i < 2; i++) expect((await t.get('/jobs', undefined, { ...html, cookie: cookie! })).statusCode).toBe(200);
      const over = await t.get('/jobs', undefined, { ...html, cookie: cookie! });
      expect(over.statusCode).toBe(429);
      expect(over.headers['content-type']).toMatch(/^text\/html/);
      expect(over.headers['retry-after']).toBeDefined();
      expect(over.body).toContain('Too many requests');
    } finally {
      await t.close();
    }
  });

  it('[15.5.2] a token signs in too, and its session never outlives the token', async () => {
    const t = await startTestServer({ jwt_secret: 'j'.repeat(40) });
    try {
      const { token } = issueToken({ config: t.config, clock: readClock(new Date(T0)) }, { sub: 'robot', role: 'viewer', ttlSeconds: 600 });
      const { cookie, res } = await signIn(t.app, token, '/jobs');
      expect(res.statusCode).toBe(303);
      const page = await t.get('/jobs', undefined, { ...html, cookie: cookie! });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Signed in as <strong>robot</strong> (viewer)');
      t.advance(9 * 60_000);
      expect((await t.get('/jobs', undefined, { ...html, cookie: cookie! })).statusCode).toBe(200);
      t.advance(60_000);
      expect((await t.get('/jobs', undefined, { ...html, cookie: cookie! })).statusCode).toBe(303);
      expect((await signIn(t.app, `${token}x`)).res.statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('[15.5.2] under TLS (a trusted proxy saying https) the cookie is __Host-lf_session with Secure', async () => {
    const t = await startTestServer({ trust_proxy: ['127.0.0.1'] });
    try {
      const proto = { 'x-forwarded-proto': 'https', accept: 'text/html' };
      const form = await t.get('/signin', undefined, proto);
      const pre = setCookies(form)['__Host-lf_signin']!;
      expect(pre.attrs).toBe('Path=/; HttpOnly; SameSite=Strict; Secure');
      const res = await postForm(
        t.app,
        '/signin',
        `__Host-lf_signin=${pre.value}`,
        { _csrf: hiddenValue(form.body, '_csrf')!, credential: t.keys.viewer },
        { 'x-forwarded-proto': 'https', origin: 'https://localhost:80' },
      );
      expect(res.statusCode).toBe(303);
      const session = setCookies(res)['__Host-lf_session']!;
      expect(session.attrs).toBe('Path=/; HttpOnly; SameSite=Strict; Secure');
      expect((await t.get('/jobs', undefined, { ...proto, cookie: `__Host-lf_session=${session.value}` })).statusCode).toBe(200);
      // the plain name is not read under TLS
      expect((await t.get('/jobs', undefined, { ...proto, cookie: `lf_session=${session.value}` })).statusCode).toBe(303);
    } finally {
      await t.close();
    }
  });
});

describe('[15.5.3] roles and CSRF on the forms', () => {
  it('[15.5.3] a viewer sees no form that would be refused, and its POSTs are 403 pages', async () => {
    const { cookie } = await signIn(s.app, s.keys.viewer);
    const page = await s.get('/jobs', undefined, { ...html, cookie: cookie! });
    expect(page.body).not.toContain('action="/jobs"');
    expect(page.body).not.toContain('Start a simulation');
    const csrf = hiddenValue(page.body, '_csrf')!;
    const post = await postForm(s.app, '/jobs', cookie, { _csrf: csrf, recipe: 'preset:balanced', last: '3' });
    expect(post.statusCode).toBe(403);
    expect(post.headers['content-type']).toMatch(/^text\/html/);
    expect(post.body).toContain('Not allowed');
    const imports = await s.get('/imports', undefined, { ...html, cookie: cookie! });
    expect(imports.statusCode).toBe(403);
    expect(imports.body).toContain('analyst');
  });

  it("[15.5.3] an analyst POST without the CSRF token, with another session's token or from another origin is refused", async () => {
    const a = (await signIn(s.app, s.keys.analyst)).cookie!;
    const b = (await signIn(s.app, s.keys.analyst)).cookie!;
    const pageA = await s.get('/jobs', undefined, { ...html, cookie: a });
    const pageB = await s.get('/jobs', undefined, { ...html, cookie: b });
    const tokenA = hiddenValue(pageA.body, '_csrf')!;
    const tokenB = hiddenValue(pageB.body, '_csrf')!;
    expect(tokenA).not.toBe(tokenB);
    expect(pageA.body).not.toContain(CSRF_SLOT);
    const fields = { recipe: 'preset:balanced', last: '3' };
    expect((await postForm(s.app, '/jobs', a, fields)).statusCode).toBe(403);
    expect((await postForm(s.app, '/jobs', a, { ...fields, _csrf: tokenB })).statusCode).toBe(403);
    expect((await postForm(s.app, '/jobs', a, { ...fields, _csrf: tokenA }, { origin: 'http://evil.example' })).statusCode).toBe(403);
    const jobs = s.catalog.db.prepare('SELECT count(*) FROM jobs').pluck().get();
    expect(jobs).toBe(0);
  });
});

describe('[15.5.4] the jobs page', () => {
  it('[15.5.4] an analyst starts a small simulation from the form and lands on its run', async () => {
    const { cookie } = await signIn(s.app, s.keys.analyst);
    const page = await s.get('/jobs', undefined, { ...html, cookie: cookie! });
    expect(page.body).toContain('Start a simulation');
    const csrf = hiddenValue(page.body, '_csrf')!;
    const res = await postForm(s.app, '/jobs', cookie, { _csrf: csrf, recipe: 'preset:balanced', last: '3', tickets: '4', seed: '7', name: 'from the form' });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toMatch(/^\/runs\/[\w-]+$/);
    // answered inside the request, as POST /api/v1/simulations would be: the run exists, with the form's seed, tickets and name
    const run = await s.get(`/api/v1${res.headers.location as string}`, s.keys.viewer);
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ status: 'completed', name: 'from the form', seed: 7, contests: 3, summary: { tickets_per_contest: 4 } });
  }, 30_000);

  it('[15.5.4] a refused request shows the form again with its problems and the values kept', async () => {
    const { cookie } = await signIn(s.app, s.keys.analyst);
    const csrf = hiddenValue((await s.get('/jobs', undefined, { ...html, cookie: cookie! })).body, '_csrf')!;
    const bad = await postForm(s.app, '/jobs', cookie, { _csrf: csrf, recipe: 'preset:balanced', from: '50', to: '10' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The simulation was not started');
    expect(bad.body).toMatch(/id="job-from" name="from" value="50"/);
    const none = await postForm(s.app, '/jobs', cookie, { _csrf: csrf, recipe: 'preset:balanced' });
    expect(none.body).toContain('give From and To, or the last N contests');
  });

  it('[15.5.4] a queued job has its page (progress, a Refresh header while it runs) and a cancel button that cancels it', async () => {
    const { cookie } = await signIn(s.app, s.keys.analyst);
    const csrf = hiddenValue((await s.get('/jobs', undefined, { ...html, cookie: cookie! })).body, '_csrf')!;
    const res = await postForm(s.app, '/jobs', cookie, { _csrf: csrf, recipe: 'preset:balanced', from: '2', to: '300', tickets: '50' });
    expect(res.statusCode, res.body).toBe(303);
    const jobUrl = res.headers.location as string;
    expect(jobUrl).toMatch(/^\/jobs\/job-/);
    const page = await s.get(jobUrl, undefined, { ...html, cookie: cookie! });
    expect(page.statusCode).toBe(200);
    expect(page.headers.refresh).toBe('5');
    expect(page.body).toContain('Stop reloading');
    expect(page.body).toContain('Cancel');
    expect((await s.get(`${jobUrl}?refresh=0`, undefined, { ...html, cookie: cookie! })).headers.refresh).toBeUndefined();
    const cancel = await postForm(s.app, `${jobUrl}/cancel`, cookie, { _csrf: csrf });
    expect(cancel.statusCode).toBe(303);
    expect(cancel.headers.location).toBe(jobUrl);
    const after = await s.get(jobUrl, undefined, { ...html, cookie: cookie! });
    expect(after.body).toMatch(/cancel/);
    const viewer = (await signIn(s.app, s.keys.viewer)).cookie!;
    const seen = await s.get(jobUrl, undefined, { ...html, cookie: viewer });
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain(`action="${jobUrl}/cancel"`);
  }, 30_000);

  it('[15.5.4] an unknown job is a 404 page', async () => {
    const { cookie } = await signIn(s.app, s.keys.viewer);
    const res = await s.get('/jobs/job-nothere', undefined, { ...html, cookie: cookie! });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('[15.5.5] the imports page', () => {
  const upload = (cookie: string, fields: Array<[string, string]>, file?: { name: string; content: string }) => {
    const boundary = '----luckyfive-web-boundary';
    const parts = fields.map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`);
    if (file)
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`);
    return s.app.inject({
      method: 'POST',
      url: '/imports',
      headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
      payload: `${parts.join('')}--${boundary}--\r\n`,
    });
  };
  const csv = 'Concurso,Data Sorteio,Bola1,Bola2,Bola3,Bola4,Bola5\n301,2020-10-28,1,2,3,4,5\n302,2020-10-29,6,7,8,9,10\n303,bad,1,1,1,1,1\n';

  it('[15.5.5] an analyst uploads a CSV (dry run, then for real) and reads the import report and the history', async () => {
    const { cookie } = await signIn(s.app, s.keys.analyst);
    const page = await s.get('/imports', undefined, { ...html, cookie: cookie! });
    expect(page.body).toContain('enctype="multipart/form-data"');
    const csrf = hiddenValue(page.body, '_csrf')!;
    const dry = await upload(
      cookie!,
      [
        ['_csrf', csrf],
        ['dry_run', '1'],
      ],
      { name: 'more.csv', content: csv },
    );
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.body).toContain('Dry run: nothing was imported');
    expect(dry.body).toContain('Rejected rows');
    const real = await upload(cookie!, [['_csrf', csrf]], { name: 'more.csv', content: csv });
    expect(real.statusCode).toBe(200);
    expect(real.body).toContain('Imported.');
    expect(real.body).toContain('Imports, newest first');
    expect(real.body).toContain('more.csv');
  }, 30_000);

  it('[15.5.5] an upload without its CSRF token is refused before the file is read', async () => {
    const { cookie } = await signIn(s.app, s.keys.analyst);
    const before = s.catalog.db.prepare('SELECT count(*) FROM imports').pluck().get();
    const res = await upload(cookie!, [], { name: 'x.csv', content: csv });
    expect(res.statusCode).toBe(403);
    const other = await upload(cookie!, [['_csrf', 'x'.repeat(43)]], { name: 'x.csv', content: csv });
    expect(other.statusCode).toBe(403);
    expect(s.catalog.db.prepare('SELECT count(*) FROM imports').pluck().get()).toBe(before);
  });

  it('[15.5.5] a file that is not a results file is shown on the form with the reason', async () => {
    const { cookie } = await signIn(s.app, s.keys.analyst);
    const csrf = hiddenValue((await s.get('/imports', undefined, { ...html, cookie: cookie! })).body, '_csrf')!;
    const res = await upload(cookie!, [['_csrf', csrf]], { name: 'notes.csv', content: 'hello,world\n1,2\n' });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.body).toContain('The file was not imported');
  });
});
