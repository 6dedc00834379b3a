/**
 * HTML for the dashboard's pages, escaped by construction: the `html` tagged template escapes
 * every interpolated value unless it is already {@link SafeHtml} (arrays of SafeHtml are joined),
 * so a run named `<script>` shows as text. `raw` marks trusted markup (SVG from our own chart
 * renderer only); nothing that came from a request or the catalog may go through it.
 */
import { escapeHtml } from '../../core/report/html.js';

/** Markup that is safe to insert as it is. */
export interface SafeHtml {
  readonly value: string;
}

class Safe implements SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Values a template may interpolate; null, undefined and false render as nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map((x: HtmlValue) => render(x)).join('');
  if (v instanceof Safe) return v.value;
  if (typeof v === 'object') throw new TypeError('html: only SafeHtml, arrays, strings, numbers and booleans may be interpolated');
  return escapeHtml(String(v));
}

/**
 * Builds markup from a template: the literal parts as they are, every value escaped.
 * @example html`<td>${run.name}</td>` // a name `<b>` becomes `&#60;b&#62;`
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Safe(out);
}

/** Trusted markup as it is: only for SVG drawn by our own chart renderer. */
export function raw(markup: string): SafeHtml {
  return new Safe(markup);
}
