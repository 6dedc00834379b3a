/**
 * The one rule for names and free text that people type (run, recipe, sweep, budget and API-key
 * names; ledger notes and reasons): trimmed, not empty, at most a given length, no control
 * characters (C0, DEL, C1) and no lone UTF-16 surrogates. A lone surrogate cannot be stored as
 * UTF-8: SQLite would keep U+FFFD while a hash computed in JavaScript covered the original, so the
 * books would report tampering forever. Such text is refused, never "repaired".
 *
 * The CLI's flag parsers and the server's zod schemas both call {@link textProblem}; the printing
 * side is {@link escapeTerminal} in `src/cli/output.ts`.
 */
import { z } from 'zod';

/** Longest free text (notes, reasons, descriptions). */
export const MAX_TEXT = 1000;
/** Longest name (runs, recipes, sweeps). */
export const MAX_NAME = 100;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` (already trimmed) is not acceptable, or undefined when it is. */
export function textProblem(text: string, max: number): string | undefined {
  if (text.length === 0) return 'must not be empty';
  if (text.length > max) return `must be at most ${max} characters`;
  if (LONE_SURROGATE.test(text)) return 'must not hold a lone UTF-16 surrogate (not valid Unicode text)';
  if (CONTROL.test(text)) return 'must not hold control characters';
  return undefined;
}

/** True when `text` has a lone surrogate or a control character anywhere (length not checked). */
export function hasUnsafeText(text: string): boolean {
  return LONE_SURROGATE.test(text) || CONTROL.test(text);
}

/** A zod string: trimmed, then {@link textProblem}. The server's names and texts use it. */
export function textSchema(max: number = MAX_TEXT) {
  return z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const problem = textProblem(v, max);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}
