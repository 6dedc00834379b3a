/**
 * A chart on a page: the SVG our renderer drew (trusted markup), marked as one image with a
 * text alternative, inside a captioned figure. The table beside it carries the same numbers for
 * readers who cannot see it.
 */
import { type SafeHtml, html, raw } from './html.js';

/**
 * The SVG as one accessible image: `role="img"` and `aria-label` on its root element, and vega's
 * own roles and labels on the marks inside taken out (a screen reader gets the one label; axe
 * counts an unlabelled inner `graphics-symbol` as an image without a text alternative).
 */
function labelled(svg: string, label: string): string {
  const attrs = html` role="img" aria-label="${label}"`.value;
  return svg.replace(/\s(?:role|aria-roledescription|aria-label)="[^"]*"/g, '').replace(/^<svg\b/, `<svg${attrs}`);
}

/** A figure holding one chart drawn by `drawCharts`, with its caption (and a longer text alternative when given). */
export function chartFigure(svg: string, caption: string, alt: string = caption): SafeHtml {
  return html`<figure class="chart">
    ${raw(labelled(svg, alt))}
    <figcaption>${caption}</figcaption>
  </figure>`;
}
