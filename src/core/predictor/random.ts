/** The baseline: uniform random tickets. Every other strategy should be read against it. */
import type { RandomRecipe } from '../recipe/schema.js';
import type { Rng } from '../rng.js';
import { TicketSet, fillUniform, type Ticket } from './ticket-set.js';

/** `recipe.tickets` distinct uniform tickets; the score is 0 (there is nothing to rank). */
export function predictRandom(recipe: RandomRecipe, rng: Rng): Ticket[] {
  const out = new TicketSet();
  fillUniform(out, rng, recipe.numbers_per_ticket, recipe.tickets);
  return out.tickets;
}
