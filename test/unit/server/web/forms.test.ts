// Forms in cached page bodies: the CSRF slot is filled per request with the session's own token.
import { describe, expect, it } from 'vitest';
import { CSRF_SLOT, csrfField, fillCsrf, formText } from '../../../../src/server/web/forms.js';
import { html } from '../../../../src/server/web/html.js';

describe('[15.5.1] form helpers', () => {
  it('[15.5.1] a cached body holds the slot; each request gets its own token in every form', () => {
    const body = html`<form>${csrfField()}</form>
      <form>${csrfField()}</form>`;
    expect(body.value).toContain(CSRF_SLOT);
    const filled = fillCsrf(body, 'abc_DEF-1');
    expect(filled.value.match(/value="abc_DEF-1"/g)).toHaveLength(2);
    expect(filled.value).not.toContain(CSRF_SLOT);
    expect(body.value).toContain(CSRF_SLOT);
  });

  it('[15.5.1] reads a trimmed text field, blank as absent', () => {
    expect(formText({ a: ' x ' }, 'a')).toBe('x');
    expect(formText({ a: '  ' }, 'a')).toBeUndefined();
    expect(formText({ a: ['x'] }, 'a')).toBeUndefined();
    expect(formText(undefined, 'a')).toBeUndefined();
  });
});
