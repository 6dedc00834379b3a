/**
 * A real bet as a ledger entry: which date it is booked on, which price applies and what it
 * costs (`auto`: the price table on the contest's draw date x C(k,5) x tickets).
 */
import { LuckyError } from '../../errors.js';
import type { NewEntry } from './ledger.js';
import { MAX_NUMBERS, MIN_NUMBERS, type PricePeriod, basePriceOn, contestPriceOn, ticketCost } from './prices.js';
import { MAX_TICKETS_PER_ENTRY } from './tickets.js';

export interface BetInput {
  contest: number;
  /** ticket count; may be omitted when `ticket_list` is given */
  tickets?: number | undefined;
  /** numbers per ticket (5..15); inferred from `ticket_list`, default 5 */
  numbers?: number | undefined;
  /** total cost of the entry in centavos; undefined = auto from the price table */
  cost_cents?: number | undefined;
  /** booking date; default the contest's draw date, or today for a contest not drawn yet */
  date?: string | undefined;
  ticket_list?: number[][] | undefined;
  run_id?: string | undefined;
  recipe_hash?: string | undefined;
  key?: string | undefined;
  note?: string | undefined;
}

export interface BetContext {
  /** the contest's draw date when it is imported */
  draw_date: string | null;
  /** the last imported contest (0 when there are none) */
  last_contest: number;
  prices: readonly PricePeriod[];
  today: string;
}

export interface BetPlan {
  entry: NewEntry;
  /** the date whose price was used (null when the cost was given) */
  price_date: string | null;
  base_price_cents: number | null;
  cost_source: 'auto' | 'given';
}

/** Validates a bet and turns it into a ledger entry; throws E_INPUT_INVALID or E_DATA_MISSING. */
export function buildBetEntry(input: BetInput, ctx: BetContext): BetPlan {
  if (!Number.isSafeInteger(input.contest) || input.contest < 1)
    throw new LuckyError('E_INPUT_INVALID', `--contest must be a positive contest number, got ${input.contest}`);
  const list = input.ticket_list;
  const tickets = input.tickets ?? list?.length;
  if (tickets === undefined) throw new LuckyError('E_INPUT_INVALID', 'say how many tickets: --tickets N or --tickets-file FILE');
  if (!Number.isSafeInteger(tickets) || tickets < 1 || tickets > MAX_TICKETS_PER_ENTRY) {
    throw new LuckyError('E_INPUT_INVALID', `--tickets must be a whole number in 1..${MAX_TICKETS_PER_ENTRY}, got ${tickets}`);
  }
  if (list && list.length !== tickets) throw new LuckyError('E_INPUT_INVALID', `--tickets ${tickets} but the tickets file holds ${list.length} tickets`);
  const numbers = input.numbers ?? list?.[0]?.length ?? MIN_NUMBERS;
  if (!Number.isInteger(numbers) || numbers < MIN_NUMBERS || numbers > MAX_NUMBERS) {
    throw new LuckyError('E_INPUT_INVALID', `--numbers must be ${MIN_NUMBERS}..${MAX_NUMBERS}, got ${numbers}`);
  }
  if (list && list[0]!.length !== numbers) throw new LuckyError('E_INPUT_INVALID', `--numbers ${numbers} but the tickets have ${list[0]!.length} numbers`);

  const future = ctx.draw_date === null && input.contest > ctx.last_contest;
  const entryDate = input.date ?? ctx.draw_date ?? ctx.today;
  let cost = input.cost_cents;
  let priceDate: string | null = null;
  let base: number | null = null;
  if (cost === undefined) {
    if (ctx.draw_date === null && !future) {
      throw new LuckyError('E_DATA_MISSING', `contest ${input.contest} is not imported, so its draw date and price are unknown`, [
        'import the contest, or give the cost with --cost AMOUNT',
      ]);
    }
    // A contest not drawn yet is priced on the booking date (the CLI passes today; no clock here).
    priceDate = ctx.draw_date ?? entryDate;
    if (ctx.prices.length === 0) throw new LuckyError('E_DATA_MISSING', 'the price table is empty');
    // A drawn contest costs the price its bets were sold at (the day before the draw).
    base = ctx.draw_date !== null ? contestPriceOn(ctx.prices, ctx.draw_date) : basePriceOn(ctx.prices, priceDate);
    cost = ticketCost(base, numbers) * tickets;
  }
  if (!Number.isSafeInteger(cost) || cost <= 0) throw new LuckyError('E_INPUT_INVALID', '--cost must be more than zero');
  return {
    entry: {
      entry_date: entryDate,
      type: 'bet',
      amount_cents: -cost,
      contest: input.contest,
      tickets,
      numbers_per_ticket: numbers,
      tickets_json: list ? JSON.stringify(list) : null,
      run_id: input.run_id ?? null,
      recipe_hash: input.recipe_hash ?? null,
      idempotency_key: input.key ?? null,
      note: input.note ?? null,
    },
    price_date: priceDate,
    base_price_cents: base,
    cost_source: input.cost_cents === undefined ? 'auto' : 'given',
  };
}
