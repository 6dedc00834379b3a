/**
 * luckyfive's seeded random generator: xoshiro128** (Blackman & Vigna), 32-bit arithmetic,
 * seeded through splitmix32. A stream is derived from (seed, stream id) — for the predictor the
 * stream id is the contest number — so a contest's tickets depend only on the seed and the
 * contest, never on which thread ran it or what ran before.
 *
 * Documented derivation: state words s0..s3 are four successive splitmix32 outputs starting from
 * `mix32(seed) ^ mix32(stream + 0x9e3779b9)`, where `mix32` is the murmur3 finalizer.
 */

/** murmur3's 32-bit finalizer: a bijective avalanche mix. */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x = (x ^ (x >>> 13)) >>> 0;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) >>> 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Prefer {@link createRng}; `seed` and `stream` are unsigned 32-bit integers. */
  constructor(seed: number, stream = 0) {
    const st = { s: (mix32(seed >>> 0) ^ mix32((stream + 0x9e3779b9) >>> 0)) >>> 0 };
    // state words are kept as signed int32 (`| 0`): V8 stores those unboxed, while uint32 values
    // above 2^31 become heap numbers and made every call ~10x slower; the outputs are identical
    this.s0 = splitmix32(st) | 0;
    this.s1 = splitmix32(st) | 0;
    this.s2 = splitmix32(st) | 0;
    this.s3 = splitmix32(st) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ (s1 << 9);
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling), for 1 <= n <= 2^32. */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296) || !Number.isInteger(n)) throw new RangeError(`Rng.int: bad bound ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return x % n;
  }

  /** Uniform integer in [min, max] inclusive. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** Bernoulli trial with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** `k` distinct integers from [lo, hi], sorted ascending. */
  distinct(k: number, lo: number, hi: number): number[] {
    const span = hi - lo + 1;
    if (k > span) throw new RangeError(`Rng.distinct: ${k} from ${span}`);
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(lo + this.int(span));
    return [...chosen].sort((a, b) => a - b);
  }
}

/** The generator for (seed, stream); for the predictor, stream = contest number. */
export function createRng(seed: number, stream = 0): Rng {
  return new Rng(seed >>> 0, stream >>> 0);
}
