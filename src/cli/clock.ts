/**
 * The CLI's clock: commands read the time here once and pass it down, because the core and the
 * store never read a clock (so they stay testable with any date).
 */
import type { Clock } from '../store/books.js';

/** Now, and today as a local calendar day (the day a person would write on a betting slip). */
export function readClock(date: Date = new Date()): Clock {
  const today = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return { now: date.toISOString(), today };
}
