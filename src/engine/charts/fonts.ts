/**
 * The bundled fonts every rendered report is drawn with (`data/fonts/`, DejaVu Sans regular and
 * bold): PNG through resvg, PDF through pdfkit (embedded), so no output depends on the fonts a
 * machine happens to have. This module sits three folders below the package root, as source and built.
 */
import { fileURLToPath } from 'node:url';

const fontFile = (name: string) => fileURLToPath(new URL(`../../../data/fonts/${name}`, import.meta.url));

/** DejaVu Sans, regular. */
export const FONT_REGULAR = fontFile('DejaVuSans.ttf');
/** DejaVu Sans, bold. */
export const FONT_BOLD = fontFile('DejaVuSans-Bold.ttf');
