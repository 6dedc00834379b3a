import { describe, expect, it } from 'vitest';
import { html } from '../../../../src/server/web/html.js';
import { dataTable, selectOptions } from '../../../../src/server/web/table.js';

/** The markup with whitespace between tags removed, so a check does not depend on indentation. */
const tight = (markup: { value: string }) => markup.value.replace(/>\s+</g, '><').replace(/\s+/g, ' ');

describe('[17.8.1] dataTable: one captioned, named, scrollable table', () => {
  const row = html`<tr>
    <th scope="row">1</th>
    <td>2</td>
  </tr>`;

  it('[17.8.1] escapes the caption, the region name and the column headings, and keeps markup headings as they are', () => {
    const out = tight(
      dataTable(
        '<b>runs</b> & "best"',
        [
          ['<i>name</i>', 'text'],
          [html`<abbr title="p-value">p</abbr>`, 'figure'],
        ],
        row,
      ),
    );
    expect(out).toContain('aria-label="&#60;b&#62;runs&#60;/b&#62; &#38; &#34;best&#34;"');
    expect(out).toContain('<caption> &#60;b&#62;runs&#60;/b&#62; &#38; &#34;best&#34; </caption>');
    expect(out).toContain('<th scope="col" class="text">&#60;i&#62;name&#60;/i&#62;</th>');
    expect(out).toContain('<th scope="col"><abbr title="p-value">p</abbr></th>');
    expect(out).not.toContain('<b>');
  });

  it('[17.8.1] puts the table in a focusable region named by the caption, or by the label given', () => {
    const named = tight(dataTable('Runs, newest first', [['run', 'text']], row));
    expect(named).toMatch(
      /^<div class="table-wrap" tabindex="0" role="region" aria-label="Runs, newest first"><table><caption> Runs, newest first <\/caption>/,
    );
    const labelled = tight(dataTable('Conflicts: stored rows that differ from the file', [['contest', 'figure']], row, 'Conflicts'));
    expect(labelled).toContain('role="region" aria-label="Conflicts"');
    expect(labelled).toContain('<caption> Conflicts: stored rows that differ from the file </caption>');
    const markup = tight(dataTable(html`Runs of <em>today</em>`, [['run', 'text']], row, 'Runs of today'));
    expect(markup).toContain('aria-label="Runs of today"');
    expect(markup).toContain('<caption> Runs of <em>today</em></caption>');
  });

  it('[17.8.1] leaves out the caption element when there is none, the region still named by its label', () => {
    const out = tight(dataTable(null, [['money', 'text']], row, 'Books'));
    expect(out).not.toContain('<caption');
    expect(out).toContain('role="region" aria-label="Books"><table><thead>');
  });

  it('[17.8.1] marks word columns "text" and leaves figure columns unclassed, in order', () => {
    const out = tight(
      dataTable(
        'T',
        [
          ['run', 'text'],
          ['mean hits', 'figure'],
          ['created', 'text'],
        ],
        row,
      ),
    );
    expect(out).toContain(
      '<thead><tr><th scope="col" class="text">run</th><th scope="col">mean hits</th><th scope="col" class="text">created</th></tr></thead><tbody><tr><th scope="row">1</th><td>2</td></tr></tbody>',
    );
  });

  it('[17.8.1] skips the columns given as false', () => {
    const lift = false;
    const out = tight(dataTable('T', [['rank', 'figure'], lift && ['lift', 'figure'], ['p', 'figure']], row));
    expect(out).toContain('<tr><th scope="col">rank</th><th scope="col">p</th></tr>');
    expect(out).not.toContain('lift');
  });

  it('[17.8.1] has no header row when there are no columns (a table of labelled rows), nor when every column is left out', () => {
    for (const columns of [[], [false, false]] as const) {
      const out = tight(dataTable('What these tickets would have cost and won', columns, row));
      expect(out).not.toContain('<thead');
      expect(out).toContain('</caption><tbody><tr><th scope="row">1</th><td>2</td></tr></tbody></table></div>');
    }
  });
});

describe('[17.8.2] selectOptions: a filter select, "any" first and the current value selected', () => {
  const options = (markup: { value: string }) => [...markup.value.matchAll(/<option value="([^"]*)"\s*(selected)?>([^<]*)<\/option>/g)];

  it('[17.8.2] puts the empty "any" option first and selects only the current value', () => {
    const found = options(selectOptions(['running', 'completed', 'failed'], 'completed', 'any status'));
    expect(found.map((m) => [m[1], m[2] ?? '', m[3]])).toEqual([
      ['', '', 'any status'],
      ['running', '', 'running'],
      ['completed', 'selected', 'completed'],
      ['failed', '', 'failed'],
    ]);
  });

  it('[17.8.2] selects nothing when no value is chosen (the browser then shows "any")', () => {
    expect(selectOptions(['a', 'b'], undefined, 'any').value).not.toContain('selected');
  });

  it('[17.8.2] shows each value by its label, escaped, and leaves out "any" when it is null', () => {
    const sorts = { created: 'newest first', p: 'p-value <smallest> first' } as const;
    const out = selectOptions(['created', 'p'] as const, 'p', null, (k) => sorts[k]);
    expect(options(out).map((m) => [m[1], m[2] ?? '', m[3]])).toEqual([
      ['created', '', 'newest first'],
      ['p', 'selected', 'p-value &#60;smallest&#62; first'],
    ]);
    expect(out.value).not.toContain('value=""');
  });
});
