/**
 * What the dashboard's forms share: the hidden CSRF field, reading an urlencoded form's fields,
 * and a per-session slot so that a page body holding forms can be cached per (URL, role, data
 * version) while each session still gets its own CSRF token (the slot is replaced per request).
 */
import { randomBytes } from 'node:crypto';
import { type SafeHtml, html, raw } from './html.js';
import { CSRF_FIELD } from './session.js';

/**
 * Stands for the session's CSRF token inside a cached body: random per process, so no catalog
 * value (a run name...) can contain it; base64url, so it needs no escaping in an attribute.
 */
export const CSRF_SLOT = `csrf-slot-${randomBytes(12).toString('base64url')}`;

/** The hidden `_csrf` field: the slot, filled in per request by {@link fillCsrf}. */
export function csrfField(): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${CSRF_SLOT}" />`;
}

/** A cached body with this session's token in every form (the token is base64url: nothing to escape). */
export function fillCsrf(body: SafeHtml, csrf: string): SafeHtml {
  return raw(body.value.replaceAll(CSRF_SLOT, csrf));
}

/** One text field of a parsed urlencoded form, trimmed; undefined when absent or blank. */
export function formText(form: unknown, name: string): string | undefined {
  const v = (form as Record<string, unknown> | undefined)?.[name];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}
