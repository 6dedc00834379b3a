/**
 * Durations as people type them for `--deadline`: `90s`, `30m`, `2h`, `1h30m`, `500ms`. A bare
 * number is refused: "30" could mean seconds or minutes, and a cron job should say which.
 */
import { LuckyError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Milliseconds in `text`; E_USAGE naming the flag on anything else, or on zero. */
export function parseDuration(flag: string, text: string): number {
  const s = text.trim().toLowerCase();
  let total = 0;
  let matched = 0;
  PART_RE.lastIndex = 0;
  for (let m = PART_RE.exec(s); m; m = PART_RE.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    matched = PART_RE.lastIndex;
  }
  if (s === '' || matched !== s.length) {
    throw new LuckyError('E_USAGE', `--${flag} must be a duration such as 90s, 30m, 2h or 1h30m, got "${text}"`);
  }
  if (!(total > 0) || !Number.isFinite(total)) throw new LuckyError('E_USAGE', `--${flag} must be longer than zero, got "${text}"`);
  return Math.round(total);
}
