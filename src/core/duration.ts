/**
 * Short durations as people type them: `90s`, `15m`, `1h`, `90d`, `2w`. Whole numbers only, so
 * `1.5h` is refused rather than guessed at.
 */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** Seconds in `text`, or `undefined` when it is not a duration like `90d`. */
export function parseDurationSeconds(text: string): number | undefined {
  const m = /^([1-9][0-9]{0,6})([smhdw])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}
