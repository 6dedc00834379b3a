import { describe, expect, it } from 'vitest';
import { html } from '../../../../src/server/web/html.js';
import { renderPage } from '../../../../src/server/web/layout.js';

const body = html`<h1>Hello</h1>`;

describe('[15.4.13] the page layout', () => {
  it('a signed-in page: lang, viewport, the stylesheet, skip link, nav for the role with the current page marked, sign-out with the CSRF token, the footer', () => {
    const page = renderPage({
      title: 'Runs',
      session: { subject: 'ana <x>', role: 'viewer', csrf: 'tok-123' },
      active: '/runs',
      body,
      source: { draws: 6882, synthetic: false },
    });
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<html lang="en">');
    expect(page).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1"\s*\/?>/);
    expect(page).toMatch(/<link rel="stylesheet" href="\/assets\/app.css"\s*\/?>/);
    expect(page).toMatch(/<a class="skip" href="#main">/);
    expect(page).toContain('<main id="main">');
    expect(page).toMatch(/<a href="\/runs"\s+aria-current="page">Runs<\/a>/);
    expect(page).toContain('href="/jobs"');
    expect(page).not.toContain('href="/imports"');
    expect(page).toContain('<form method="post" action="/signout"');
    expect(page).toContain('name="_csrf" value="tok-123"');
    expect(page).toContain('ana &#60;x&#62;');
    expect(page).toContain('official Quina results (6,882 draws)');
    expect(page).not.toMatch(/<script|style=|<style/);
  });

  it('an analyst sees the imports page; synthetic data is said in the footer; signed out there is no nav and no form', () => {
    const analyst = renderPage({ title: 'x', session: { subject: 'a', role: 'analyst', csrf: 't' }, body, source: { draws: 10, synthetic: true } });
    expect(analyst).toContain('href="/imports"');
    expect(analyst).toContain('synthetic sample draws');
    const out = renderPage({ title: 'Sign in', session: null, body });
    expect(out).not.toContain('<nav');
    expect(out).not.toContain('/signout');
    expect(out).toContain('<title>Sign in · luckyfive</title>');
  });
});
