/** Collecting distinct tickets, the one output invariant every strategy shares. */
import { BALL_MAX } from '../draw.js';
import type { Rng } from '../rng.js';

export interface Ticket {
  /** sorted ascending, distinct, in 1..80; numbers_per_ticket of them */
  numbers: number[];
  /** the strategy's own score (higher = preferred by the strategy); 0 for random tickets */
  score: number;
}

/**
 * Sorts a small card ascending in place (insertion sort: for 5..15 numbers it is several times
 * faster than Array.prototype.sort with a comparator, and it runs once per candidate and child).
 */
export function sortCard(card: number[]): number[] {
  for (let i = 1; i < card.length; i++) {
    const v = card[i]!;
    let j = i - 1;
    while (j >= 0 && card[j]! > v) {
      card[j + 1] = card[j]!;
      j--;
    }
    card[j + 1] = v;
  }
  return card;
}

/** A compact identity for a sorted card (one char per number). */
export function cardKey(numbers: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < numbers.length; i++) s += String.fromCharCode(numbers[i]!);
  return s;
}

/** An ordered set of distinct tickets. */
export class TicketSet {
  readonly tickets: Ticket[] = [];
  private readonly keys = new Set<string>();

  get size(): number {
    return this.tickets.length;
  }

  has(numbers: ArrayLike<number>): boolean {
    return this.keys.has(cardKey(numbers));
  }

  /** Adds a sorted card unless an equal one is present; true if added. */
  add(numbers: readonly number[], score: number): boolean {
    const key = cardKey(numbers);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.tickets.push({ numbers: [...numbers], score });
    return true;
  }
}

/**
 * Tops `set` up to `target` tickets with uniform random cards. C(80,5) is 24 million, so for any
 * allowed ticket count duplicates are rare and the loop ends quickly.
 */
export function fillUniform(set: TicketSet, rng: Rng, k: number, target: number, score: (numbers: number[]) => number = () => 0): void {
  while (set.size < target) {
    const card = rng.distinct(k, 1, BALL_MAX);
    set.add(card, score(card));
  }
}
