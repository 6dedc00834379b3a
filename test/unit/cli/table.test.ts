import { describe, expect, it } from 'vitest';
import { displayWidth, renderTable } from '../../../src/cli/table.js';

const head = ['id', 'name', 'status', 'created_at', 'note'];
const rows = [
  ['20261204-015802-776b25', 'first run', 'completed', '2026-12-04T01:58:02.000Z', 'a long note that goes on and on well past any terminal'],
  ['20261204-015803-1a2b3c', 'second', 'running', '2026-12-04T01:58:03.000Z', ''],
];
const widest = (text: string) => Math.max(...text.split('\n').map(displayWidth));

describe('renderTable', () => {
  it('[17.1.16] unlimited: every column, one rule under the header and none between rows', () => {
    const t = renderTable(head, rows, {});
    const lines = t.text.split('\n');
    expect(lines).toHaveLength(3 + rows.length + 1);
    expect(lines.filter((l) => l.startsWith('+'))).toHaveLength(3);
    expect(t.hidden).toEqual([]);
    expect(t.cut).toBe(false);
    expect(t.width).toBe(widest(t.text));
  });

  it('[17.1.17] narrow: the declared columns go first in their order, then text is cut, never a kept column', () => {
    const t = renderTable(head, rows, { width: 80, drop: [3, 2], keep: [0] });
    expect(t.hidden).toEqual(['status', 'created_at']);
    expect(widest(t.text)).toBeLessThanOrEqual(80);
    expect(t.cut).toBe(true);
    expect(t.text).toContain('20261204-015802-776b25');
    expect(t.text).toContain('…');
    // only as many columns as needed: a wider terminal keeps status
    const wider = renderTable(head, rows, { width: 120, drop: [3, 2], keep: [0] });
    expect(wider.hidden).toEqual(['created_at']);
    expect(wider.cut).toBe(false);
  });

  it('[17.1.18] widths count terminal columns: accents one, CJK two, colour codes none; multi-line cells stay aligned', () => {
    expect(displayWidth('Concurso nº 6.882 — São João')).toBe(28);
    expect(displayWidth('漢字')).toBe(4);
    expect(displayWidth('\u001b[36mhead\u001b[39m')).toBe(4);
    const t = renderTable(
      ['key', 'value'],
      [
        ['a', 'one\ntwo lines'],
        ['漢字', 'x'],
      ],
      { width: 20 },
    );
    const lines = t.text.split('\n');
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
    expect(lines).toContain('| a    | one       |');
    expect(lines).toContain('|      | two lines |');
    expect(lines).toContain('| 漢字 | x         |');
  });

  it('[17.1.19] right alignment, and styled borders and headings in colour', () => {
    const t = renderTable(
      ['n', 'v'],
      [
        ['1', '10'],
        ['2', '5'],
      ],
      { align: ['left', 'right'], styled: true },
    );
    // eslint-disable-next-line no-control-regex
    expect(t.text).toMatch(/\u001b\[36m *n *\u001b\[39m/);
    expect(t.text).toContain('┌');
    expect(t.text.replaceAll('\u001b[36m', '').replaceAll('\u001b[90m', '').replaceAll('\u001b[39m', '')).toContain('│ 2 │  5 │');
  });
});
