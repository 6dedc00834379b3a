/**
 * Durations as people type them. One tokenizer, two vocabularies:
 * - `--deadline` (sweeps): `500ms`, `90s`, `30m`, `2h`, `1h30m`, decimals allowed;
 * - key and token lifetimes (`--expires`, `--ttl`): one whole unit of `s m h d w` (`90d`), so
 *   `1.5h` is refused rather than guessed at.
 * A bare number is always refused: "30" could mean seconds or minutes, and a cron job should say which.
 */
import { LuckyError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

interface Vocabulary {
  units: readonly Unit[];
  /** several parts such as 1h30m */
  compound: boolean;
  decimals: boolean;
}

const DEADLINE: Vocabulary = { units: ['ms', 's', 'm', 'h'], compound: true, decimals: true };
const LIFETIME: Vocabulary = { units: ['s', 'm', 'h', 'd', 'w'], compound: false, decimals: false };

/** Milliseconds in `text` under `v`, or `undefined` when it is not a positive duration. */
function durationMs(text: string, v: Vocabulary): number | undefined {
  const s = text.trim().toLowerCase();
  let total = 0;
  let matched = 0;
  let parts = 0;
  PART_RE.lastIndex = 0;
  for (let m = PART_RE.exec(s); m; m = PART_RE.exec(s)) {
    const unit = m[2] as Unit;
    if (!v.units.includes(unit) || (!v.decimals && m[1]!.includes('.'))) return undefined;
    total += Number(m[1]) * UNIT_MS[unit];
    matched = PART_RE.lastIndex;
    parts++;
  }
  if (s === '' || matched !== s.length || (!v.compound && parts > 1) || !(total > 0) || !Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/** Milliseconds in a `--deadline`-style duration; E_USAGE naming the flag on anything else, or on zero. */
export function parseDuration(flag: string, text: string): number {
  const ms = durationMs(text, DEADLINE);
  if (ms === undefined) throw new LuckyError('E_USAGE', `--${flag} must be a duration such as 90s, 30m, 2h or 1h30m, got "${text}"`);
  return ms;
}

/** Whole seconds in a lifetime such as `90d` or `1h`, or `undefined` when it is not one. */
export function parseDurationSeconds(text: string): number | undefined {
  const ms = durationMs(text, LIFETIME);
  return ms === undefined ? undefined : ms / 1000;
}
