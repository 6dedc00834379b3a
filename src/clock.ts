/**
 * The one clock reader. Front-ends (the CLI commands and the HTTP routes) read the time here once
 * and pass it down, because the core and the store never read a clock (so they stay testable with
 * any date). It sits beside config.ts and errors.ts because every layer may import it.
 */

/** Time as a front-end read it: the core and the store never read a clock. */
export interface Clock {
  /** ISO timestamp for created_at */
  now: string;
  /** local calendar day, YYYY-MM-DD */
  today: string;
}

/** Now, and today as a local calendar day (the day a person would write on a betting slip). */
export function readClock(date: Date = new Date()): Clock {
  const today = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return { now: date.toISOString(), today };
}
