/**
 * Human tables laid out for the terminal they land in: one rule under the header and none between
 * rows, and, when a width is given (stdout is a terminal), the declared optional columns hidden
 * and then the widest text cells cut with an ellipsis until every line fits. This module chooses the
 * columns and their widths; cli-table3 draws them (its compact style). Text in, text out.
 */
import { createRequire } from 'node:module';
import type TableType from 'cli-table3';

export interface TableLayout {
  /** per column; numbers read best right-aligned */
  align?: ReadonlyArray<'left' | 'right'> | undefined;
  /** columns that may be hidden on a narrow terminal, the first listed goes first */
  drop?: readonly number[] | undefined;
  /** columns never cut with an ellipsis (identifiers a reader copies), unless nothing else can give */
  keep?: readonly number[] | undefined;
}

export interface RenderedTable {
  text: string;
  /** headings of the columns left out to fit the width */
  hidden: string[];
  /** true when some cell was cut with an ellipsis */
  cut: boolean;
  /** the longest line, in terminal columns */
  width: number;
}

const ELLIPSIS = '…';
const MIN_CUT = 4;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** East Asian wide and fullwidth ranges (CJK, Hangul, fullwidth forms, emoji): two terminal columns each. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** How many terminal columns `text` takes: colour codes and combining marks take none, wide characters two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text.replace(ANSI, '')) {
    const cp = ch.codePointAt(0)!;
    if (/\p{M}/u.test(ch) || cp === 0x200b) continue;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

/** `text` cut to at most `width` columns, the last one an ellipsis when anything was cut. */
function cutText(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = displayWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + ELLIPSIS;
}

/** Width of a bordered table with these column widths: `| a | b |`. */
function tableWidth(widths: readonly number[]): number {
  return widths.reduce((s, w) => s + w + 3, 1);
}

const isTextColumn = (cells: readonly string[]) => cells.some((c) => /\p{L}/u.test(c));

/**
 * Lays out and draws a table. `width` undefined means no limit (a pipe, a file, `--wide`).
 * A cell with line breaks spans as many lines; its row is as tall as its tallest cell.
 */
export function renderTable(
  head: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  options: TableLayout & { width?: number | undefined; styled?: boolean },
): RenderedTable {
  const all = [[...head], ...rows.map((r) => head.map((_, i) => r[i] ?? ''))];
  const cellWidth = (c: string) => Math.max(...c.split('\n').map(displayWidth));
  const natural = head.map((_, i) => Math.max(...all.map((r) => cellWidth(r[i]!))));
  let visible = head.map((_, i) => i);
  const limit = options.width;
  if (limit !== undefined) {
    for (const d of options.drop ?? []) {
      if (tableWidth(visible.map((i) => natural[i]!)) <= limit) break;
      if (!visible.includes(d) || visible.length <= 1) continue;
      visible = visible.filter((i) => i !== d);
    }
  }
  const hidden = head.filter((_, i) => !visible.includes(i));
  const widths = visible.map((i) => natural[i]!);
  let cut = false;
  if (limit !== undefined) {
    const text = visible.map((i) => isTextColumn(all.slice(1).map((r) => r[i]!)));
    while (tableWidth(widths) > limit) {
      // the widest text column gives first; numbers only when no text column can
      const all = widths.map((w, k) => ({ w, k })).filter(({ w }) => w > MIN_CUT);
      const cuttable = all.filter(({ k }) => !(options.keep ?? []).includes(visible[k]!));
      const candidates = cuttable.length ? cuttable : all;
      const pool = candidates.some(({ k }) => text[k]) ? candidates.filter(({ k }) => text[k]) : candidates;
      if (pool.length === 0) break;
      const widest = pool.reduce((a, b) => (b.w > a.w ? b : a));
      widths[widest.k] = widest.w - 1;
      cut = true;
    }
  }
  const align = options.align ?? [];
  const styled = options.styled === true;
  // cli-table3 draws it: compact (one rule under the header, none between rows), each column at the
  // width chosen above, cells already cut to it (cli-table3's own cut is the fallback, same ellipsis)
  const Table = loadTable();
  // the heading's colour is ours: cli-table3's colours library decides by itself whether stdout takes colour
  const cyan = (h: string) => (styled ? `\u001b[36m${h}\u001b[39m` : h);
  const t = new Table({
    head: visible.map((i) => cyan(all[0]![i]!)),
    colWidths: widths.map((w) => w + 2),
    colAligns: visible.map((i) => align[i] ?? 'left'),
    truncate: ELLIPSIS,
    wordWrap: false,
    style: { compact: true, 'padding-left': 1, 'padding-right': 1, head: [], border: [] },
    ...(styled ? {} : { chars: PLAIN_CHARS }),
  });
  for (const r of all.slice(1))
    t.push(
      visible.map((i, k) =>
        r[i]!.split('\n')
          .map((l) => cutText(l, widths[k]!))
          .join('\n'),
      ),
    );
  return { text: t.toString(), hidden, cut, width: tableWidth(widths) };
}

// cli-table3 is loaded on first use: importing it costs ~25 ms that `--version` and JSON output never need.
const require = createRequire(import.meta.url);
let TableClass: typeof TableType | undefined;
function loadTable(): typeof TableType {
  TableClass ??= require('cli-table3') as typeof TableType;
  return TableClass;
}

/** ASCII borders for a pipe, a file or a terminal without colour. */
const PLAIN_CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};
