/**
 * The dashboard's two repeated pieces of markup, written once: a data table (a captioned table in
 * a scrollable region that the keyboard can reach and a screen reader names) and the options of a
 * filter's `<select>` ("any" first when the filter may be left empty, the current value selected).
 */
import { type HtmlValue, type SafeHtml, html } from './html.js';

/** A column: its heading and whether it holds words (left-aligned) or figures (right-aligned). */
export type Column = readonly [label: string | SafeHtml, kind: 'text' | 'figure'];

/**
 * A captioned table inside a focusable, horizontally scrollable region (`role="region"`) named
 * `label`, which is the caption unless given. `columns` may hold `false` for a column a page shows
 * only sometimes; an empty list leaves out the header row (a table of labelled rows). A caption that
 * is markup, or no caption at all (`null`: a report table that its section heading names), needs
 * its `label`.
 */
export function dataTable(caption: string, columns: ReadonlyArray<Column | false>, rows: HtmlValue, label?: string): SafeHtml;
export function dataTable(caption: string | SafeHtml | null, columns: ReadonlyArray<Column | false>, rows: HtmlValue, label: string): SafeHtml;
export function dataTable(caption: string | SafeHtml | null, columns: ReadonlyArray<Column | false>, rows: HtmlValue, label?: string): SafeHtml {
  const name = label ?? (typeof caption === 'string' ? caption : '');
  const shown = columns.filter((c): c is Column => c !== false);
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${name}">
    <table>
      ${
        caption === null
          ? ''
          : html`<caption>
              ${caption}
            </caption>`
      }
      ${
        shown.length === 0
          ? ''
          : html`<thead>
              <tr>
                ${shown.map(([h, kind]) => (kind === 'text' ? html`<th scope="col" class="text">${h}</th>` : html`<th scope="col">${h}</th>`))}
              </tr>
            </thead>`
      }
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/**
 * The options of a filter's select: `any` (the empty value) first unless it is null (a select that
 * always has a value), then each value shown by `label`, the current one selected.
 */
export function selectOptions<T extends string>(
  values: readonly T[],
  selected: T | undefined,
  any: string | null,
  label: (v: T) => string = (v) => v,
): SafeHtml {
  return html`${any === null ? '' : html`<option value="">${any}</option>`}
  ${values.map((v) => html`<option value="${v}" ${v === selected ? html` selected` : ''}>${label(v)}</option>`)}`;
}
