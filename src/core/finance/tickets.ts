/**
 * The actual tickets of a real bet (optional on `ledger add bet`): parsed strictly so that
 * settling can later count hits against the draw.
 */
import { BALL_MAX, BALL_MIN, type Balls } from '../draw.js';
import { LuckyError } from '../../errors.js';
import { MAX_NUMBERS, MIN_NUMBERS } from './prices.js';

/** More tickets than this in one entry is almost certainly a mistake (and a huge row). */
export const MAX_TICKETS_PER_ENTRY = 100_000;

/**
 * Parses `value` (already JSON-decoded) as a non-empty array of tickets, each 5..15 distinct whole
 * numbers in 1..80, all of the same size. Returns them sorted ascending. Throws E_INPUT_INVALID
 * with one `tickets[i]: problem` line per bad ticket (at most 10).
 */
export function parseTicketList(value: unknown): number[][] {
  if (!Array.isArray(value)) throw new LuckyError('E_INPUT_INVALID', 'tickets must be a JSON array of tickets, e.g. [[1,2,3,4,5],[6,7,8,9,10]]');
  if (value.length === 0) throw new LuckyError('E_INPUT_INVALID', 'the tickets list is empty');
  if (value.length > MAX_TICKETS_PER_ENTRY) throw new LuckyError('E_INPUT_INVALID', `at most ${MAX_TICKETS_PER_ENTRY} tickets per entry, got ${value.length}`);
  const problems: string[] = [];
  const out: number[][] = [];
  value.forEach((t: unknown, i) => {
    if (!Array.isArray(t)) return void problems.push(`tickets[${i}]: not an array of numbers`);
    if (t.length < MIN_NUMBERS || t.length > MAX_NUMBERS)
      return void problems.push(`tickets[${i}]: a ticket has ${MIN_NUMBERS}..${MAX_NUMBERS} numbers, got ${t.length}`);
    if (!t.every((n) => Number.isInteger(n) && (n as number) >= BALL_MIN && (n as number) <= BALL_MAX)) {
      return void problems.push(`tickets[${i}]: numbers must be whole numbers in ${BALL_MIN}..${BALL_MAX}`);
    }
    const sorted = [...(t as number[])].sort((a, b) => a - b);
    if (new Set(sorted).size !== sorted.length) return void problems.push(`tickets[${i}]: a number appears twice`);
    out.push(sorted);
  });
  if (problems.length) throw new LuckyError('E_INPUT_INVALID', `${problems.length} bad ticket(s)`, problems.slice(0, 10));
  const size = out[0]!.length;
  const mixed = out.findIndex((t) => t.length !== size);
  if (mixed >= 0) {
    throw new LuckyError('E_INPUT_INVALID', 'all tickets of one entry must have the same count of numbers', [
      `tickets[${mixed}]: has ${out[mixed]!.length} numbers, tickets[0] has ${size}; record one entry per ticket size`,
    ]);
  }
  return out;
}

/** How many of the drawn balls a ticket holds. */
export function countHits(ticket: readonly number[], balls: Balls): number {
  let hits = 0;
  for (const n of ticket) if (balls.includes(n)) hits++;
  return hits;
}
