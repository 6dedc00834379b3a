/**
 * Durations as people type them: `500ms`, `90s`, `30m`, `2h`, `1h30m`, `90d`, `2w`. A bare
 * number is refused: "30" could mean seconds or minutes, and a cron job should say which.
 * One parser serves `--deadline` (sweeps) and key/token lifetimes (`--expires`, `--ttl`).
 */
import { LuckyError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** Milliseconds in `text`, or `undefined` when it is not a positive duration. */
export function durationMs(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  let total = 0;
  let matched = 0;
  PART_RE.lastIndex = 0;
  for (let m = PART_RE.exec(s); m; m = PART_RE.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    matched = PART_RE.lastIndex;
  }
  if (s === '' || matched !== s.length || !(total > 0) || !Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/** Milliseconds in `text`; E_USAGE naming the flag on anything else, or on zero. */
export function parseDuration(flag: string, text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new LuckyError('E_USAGE', `--${flag} must be a positive duration such as 90s, 30m, 2h or 1h30m, got "${text}"`);
  return ms;
}

/** Whole seconds in `text` (at least 1), or `undefined` when it is not such a duration. */
export function parseDurationSeconds(text: string): number | undefined {
  const ms = durationMs(text);
  return ms === undefined || ms < 1000 || ms % 1000 !== 0 ? undefined : ms / 1000;
}
