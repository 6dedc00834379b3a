import { describe, expect, it } from 'vitest';
import { html, raw } from '../../../../src/server/web/html.js';

describe('[15.4.12] html: escaped by construction', () => {
  it('escapes every interpolated string and number, joins arrays, keeps SafeHtml and raw markup as they are', () => {
    const name = `<script>alert("x")</script> & 'y'`;
    // prettier-ignore
    const out = html`<td title="${name}">${name}</td>${[html`<b>${1}</b>`, '<i>']}${raw('<svg></svg>')}`.value;
    expect(out).toBe(
      '<td title="&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;">&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;</td><b>1</b>&#60;i&#62;<svg></svg>',
    );
  });

  it('renders null, undefined and false as nothing, and refuses a plain object (a look-alike of SafeHtml is not trusted)', () => {
    expect(html`a${null}${undefined}${false}b${true}`.value).toBe('abtrue');
    expect(() => html`${{ value: '<b>' }}`).toThrow(TypeError);
  });
});
