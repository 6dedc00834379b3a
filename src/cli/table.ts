/**
 * Human tables laid out for the terminal they land in: one rule under the header and none between
 * rows, and, when a width is given (stdout is a terminal), the declared optional columns hidden
 * and then the widest text cells cut with an ellipsis until every line fits. Pure: text in, text out.
 */

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
  const grey = (s: string) => (styled ? `\u001b[90m${s}\u001b[39m` : s);
  const cyan = (s: string) => (styled ? `\u001b[36m${s}\u001b[39m` : s);
  const box = styled
    ? { h: '─', v: '│', top: ['┌', '┬', '┐'], mid: ['├', '┼', '┤'], bottom: ['└', '┴', '┘'] }
    : { h: '-', v: '|', top: ['+', '+', '+'], mid: ['+', '+', '+'], bottom: ['+', '+', '+'] };
  const rule = ([l, m, r]: string[]) => grey(`${l}${widths.map((w) => box.h.repeat(w + 2)).join(m)}${r}`);
  const line = (cells: readonly string[], paint: (s: string) => string) => {
    const split = visible.map((i) => cells[i]!.split('\n'));
    const height = Math.max(...split.map((l) => l.length));
    return Array.from(
      { length: height },
      (_, y) =>
        grey(box.v) +
        visible
          .map((i, k) => {
            const w = widths[k]!;
            const c = cutText(split[k]![y] ?? '', w);
            const pad = ' '.repeat(w - displayWidth(c));
            return ` ${paint(align[i] === 'right' ? pad + c : c + pad)} `;
          })
          .join(grey(box.v)) +
        grey(box.v),
    ).join('\n');
  };
  const body = all.slice(1).map((r) => line(r, (s) => s));
  const lines = [rule(box.top), line(all[0]!, cyan), ...(body.length ? [rule(box.mid), ...body] : []), rule(box.bottom)];
  return { text: lines.join('\n'), hidden, cut, width: tableWidth(widths) };
}
