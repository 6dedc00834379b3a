/**
 * Seeded random search: distinct constraint-satisfying points of a search space, drawn uniformly,
 * in an order fixed by (space, seed) alone. Also the evolutionary search's first generation.
 */
import { LuckyError } from '../../errors.js';
import { createRng, mix32, type Rng } from '../rng.js';
import { genomeKey, satisfies, spaceSize, type Genome, type SearchSpace } from './space.js';

/** The random search's stream salt, so its draws differ from the evolutionary operators' streams. */
const RANDOM_SALT = 0x5eed0001;
/** Up to this many points, a constrained space is enumerated instead of sampled (so exhaustion is exact). */
const ENUMERATE_LIMIT = 1_000_000;
/** Draws per wanted point before giving up on rejection sampling. */
const TRIES_PER_POINT = 1000;

/** A uniform point of the space (constraints not checked). */
export function randomGenome(space: SearchSpace, rng: Rng): number[] {
  return space.values.map((v) => rng.int(v.length));
}

/** The valid points as ordinals of the grid order (last name fastest). */
function validOrdinals(space: SearchSpace): number[] {
  const size = spaceSize(space);
  const out: number[] = [];
  const at = new Array<number>(space.values.length).fill(0);
  for (let c = 0; c < size; c++) {
    if (satisfies(space, at)) out.push(c);
    for (let i = at.length - 1; i >= 0; i--) {
      at[i]!++;
      if (at[i]! < space.values[i]!.length) break;
      at[i] = 0;
    }
  }
  return out;
}

function decode(space: SearchSpace, ordinal: number): number[] {
  const g = new Array<number>(space.values.length);
  for (let i = space.values.length - 1; i >= 0; i--) {
    const len = space.values[i]!.length;
    g[i] = ordinal % len;
    ordinal = Math.floor(ordinal / len);
  }
  return g;
}

function tooFew(space: SearchSpace): LuckyError {
  return new LuckyError('E_INPUT_INVALID', 'the constraints keep almost no point of the space', [
    `constraints: no satisfying point among ${TRIES_PER_POINT} draws per wanted trial over ${space.names.join(', ')}`,
  ]);
}

/**
 * n distinct constraint-satisfying genomes, uniformly drawn, in a fixed order for (space, seed).
 * When the space has <= n valid points, all of them in a seeded shuffled order, and `exhausted`
 * is true. Constrained spaces up to 1,000,000 points are enumerated (so exhaustion is exact);
 * other spaces are sampled by rejection, at most 1000·n draws, then E_INPUT_INVALID "the constraints keep almost
 * no point of the space". Throws the same when no point at all satisfies the constraints.
 */
export function randomTrials(space: SearchSpace, seed: number, n: number): { genomes: Genome[]; exhausted: boolean } {
  const rng = createRng(mix32((seed ^ RANDOM_SALT) >>> 0), 0);
  const size = spaceSize(space);
  // Enumerate when the constraints may keep few points, or when the whole space is wanted.
  if (size <= n || (space.constraints.length > 0 && size <= ENUMERATE_LIMIT)) {
    const all = validOrdinals(space);
    if (all.length === 0) throw new LuckyError('E_INPUT_INVALID', 'no combination satisfies the constraints', [`constraints: ${size} combinations, none kept`]);
    rng.shuffle(all);
    return { genomes: all.slice(0, n).map((o) => decode(space, o)), exhausted: all.length <= n };
  }
  const seen = new Set<string>();
  const genomes: Genome[] = [];
  const budget = TRIES_PER_POINT * n;
  for (let tries = 0; genomes.length < n; tries++) {
    if (tries >= budget) throw tooFew(space);
    const g = randomGenome(space, rng);
    if (!satisfies(space, g)) continue;
    const key = genomeKey(g);
    if (seen.has(key)) continue;
    seen.add(key);
    genomes.push(g);
  }
  return { genomes, exhausted: false };
}
