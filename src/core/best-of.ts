/**
 * The exact null law of a best-of-T figure for ONE contest's actual tickets: if the draw is a
 * uniform 5 of 80, what is the probability that the best of these tickets hits h or more
 * (h = 2, 3, 4)? 1 - (1 - P(>= h))^T holds only for tickets that share no numbers; a strategy's
 * tickets overlap, and the law moves (down for the `aggressive` preset, up for `conservative`).
 *
 * Counted exactly, in three ways (numbers 0..79 inside, 80-bit sets as three 32-bit words):
 * - h = 2: the draws where NO ticket has 2 hits are the independent 5-sets of the graph whose
 *   edges are the pairs some ticket covers: for each independent pair a < b, the independent
 *   triples among C = {v > b, next to neither}, C(m,3) - e·(m-2) + Σ_v C(d_v,2) - t from the
 *   size, edges, degrees and triangles inside C (popcounts); the triangle term is summed per
 *   triangle instead (the non-edges among the numbers below it next to none of its corners).
 * - h = 3: inclusion-exclusion over the covered triples, grouped by their union W:
 *   #draws holding a covered triple = Σ_W C(80-|W|, 5-|W|)·φ(W), φ(W) = Σ over non-empty sets S of
 *   covered triples inside W with ∪S = W of (-1)^{|S|+1}. |W| = 3: φ = 1; |W| = 4 with t covered
 *   triples: φ = -(t-1); |W| = 5: only the 5-sets covered by their own triples, few, each
 *   by a table over the 2^10 patterns of its covered triples (deduplicated by a bitset over the
 *   combinatorial rank of the 5-set).
 * - h = 4: the same with covered 4-sets (|W| = 4: φ = 1; |W| = 5 with t of them: -(t-1)).
 * Tickets of many numbers make many covered triples and 4-sets; above {@link EXACT_BUDGET} of them
 * h = 3 and 4 come from a seeded Monte Carlo of {@link MONTE_CARLO_DRAWS} uniform draws, whose
 * variance is returned so the p-value can include it (src/core/baseline.ts). h = 2 is always exact.
 * The law also carries the contest's exact null moments of its per-ticket counts
 * (src/core/contest-moments.ts), computed here so every place that computes the law has them.
 */
import { BALL_MAX, BALLS_PER_DRAW } from './draw.js';
import { choose } from './finance/prices.js';
import { type ContestMoments, MOMENT_FIELDS, contestMoments, decodeMoments, encodeMoments } from './contest-moments.js';
import { type Rng, createRng, mix32 } from './rng.js';

/** Above this many covered 4-sets (tickets x C(k,4)), h = 3 and 4 are sampled instead of counted. */
export const EXACT_BUDGET = 20_000;
/** Uniform draws per contest when h = 3 and 4 are sampled. */
export const MONTE_CARLO_DRAWS = 20_000;

/** P(best ticket >= h hits), h = 2, 3, 4, for one contest's tickets under a uniform draw. */
export interface BestOfLaw {
  p2: number;
  p3: number;
  p4: number;
  /** 'exact' (counted), or 'monte-carlo' when h = 3 and 4 were sampled */
  method: 'exact' | 'monte-carlo';
  /** sampling variance of each estimate (0 when exact) */
  var2: number;
  var3: number;
  var4: number;
  /**
   * the exact null variances of this contest's ticket counts (src/core/contest-moments.ts); absent
   * in run files written before they were kept (then recomputed from the stored tickets)
   */
  moments?: ContestMoments;
}

const W = 3;
const N = BALL_MAX;
const TOTAL = choose(N, BALLS_PER_DRAW);

function pop(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** above[c]: the numbers (0-based) greater than c. */
const ABOVE = (() => {
  const a = new Uint32Array((N + 1) * W);
  for (let c = -1; c < N; c++) for (let v = c + 1; v < N; v++) a[(c + 1) * W + (v >>> 5)]! |= 1 << (v & 31);
  return a;
})();

/** BELOW[x]: the numbers (0-based) smaller than x. */
const BELOW = (() => {
  const a = new Uint32Array(N * W);
  for (let x = 0; x < N; x++) for (let v = 0; v < x; v++) a[x * W + (v >>> 5)]! |= 1 << (v & 31);
  return a;
})();

/** The tickets as sorted 0-based number lists. */
export function ticketsOf(numbers: ArrayLike<number>, k: number): number[][] {
  const out: number[][] = [];
  for (let t = 0; (t + 1) * k <= numbers.length; t++) {
    const row: number[] = [];
    for (let i = 0; i < k; i++) row.push(numbers[t * k + i]! - 1);
    out.push(row.sort((a, b) => a - b));
  }
  return out;
}

/**
 * P(no ticket has 2 hits) counted as the independent 5-sets of the covered-pair graph: for each
 * independent pair a < b, the independent triples inside C = {v > b, next to neither}, which are
 * C(m,3) - e·(m-2) + Σ_v C(d_v,2) - t for the m vertices, e edges, degrees d_v and t triangles
 * of the graph inside C (a triple with j edges is counted 1 - j + C(j,2) - C(j,3) times).
 */
export function countNoPair(tickets: readonly number[][]): number {
  const nb = new Uint32Array(N * W);
  for (const t of tickets) for (const x of t) for (const y of t) if (x !== y) nb[x * W + (y >>> 5)]! |= 1 << (y & 31);
  let total = 0;
  for (let a = 0; a < N; a++) {
    const oa = (a + 1) * W;
    const a0 = ABOVE[oa]! & ~nb[a * W]!;
    const a1 = ABOVE[oa + 1]! & ~nb[a * W + 1]!;
    const a2 = ABOVE[oa + 2]! & ~nb[a * W + 2]!;
    for (let wb = 0; wb < W; wb++) {
      let bits = wb === 0 ? a0 : wb === 1 ? a1 : a2;
      while (bits) {
        const low = bits & -bits;
        bits ^= low;
        const b = wb * 32 + 31 - Math.clz32(low);
        const ob = (b + 1) * W;
        const c0 = a0 & ABOVE[ob]! & ~nb[b * W]!;
        const c1 = a1 & ABOVE[ob + 1]! & ~nb[b * W + 1]!;
        const c2 = a2 & ABOVE[ob + 2]! & ~nb[b * W + 2]!;
        const m = pop(c0) + pop(c1) + pop(c2);
        let sumD = 0;
        let cherries = 0;
        for (let wv = 0; wv < W; wv++) {
          let vb = wv === 0 ? c0 : wv === 1 ? c1 : c2;
          while (vb) {
            const lv = vb & -vb;
            vb ^= lv;
            const v = wv * 32 + 31 - Math.clz32(lv);
            const d = pop(nb[v * W]! & c0) + pop(nb[v * W + 1]! & c1) + pop(nb[v * W + 2]! & c2);
            sumD += d;
            cherries += (d * (d - 1)) / 2;
          }
        }
        total += (m * (m - 1) * (m - 2)) / 6 - (sumD / 2) * (m - 2) + cherries;
      }
    }
  }
  // Σ over independent pairs (a, b) of the triangles inside C, counted per triangle x < y < z:
  // the independent pairs a < b < x next to none of x, y, z (non-edges among those numbers).
  for (let x = 0; x < N; x++) {
    for (let wy = 0; wy < W; wy++) {
      let yb = nb[x * W + wy]! & ABOVE[(x + 1) * W + wy]!;
      while (yb) {
        const ly = yb & -yb;
        yb ^= ly;
        const y = wy * 32 + 31 - Math.clz32(ly);
        for (let wz = 0; wz < W; wz++) {
          let zb = nb[x * W + wz]! & nb[y * W + wz]! & ABOVE[(y + 1) * W + wz]!;
          while (zb) {
            const lz = zb & -zb;
            zb ^= lz;
            const z = wz * 32 + 31 - Math.clz32(lz);
            // Z = numbers below x next to none of x, y, z
            const z0 = BELOW[x * W]! & ~(nb[x * W]! | nb[y * W]! | nb[z * W]!);
            const z1 = BELOW[x * W + 1]! & ~(nb[x * W + 1]! | nb[y * W + 1]! | nb[z * W + 1]!);
            const z2 = BELOW[x * W + 2]! & ~(nb[x * W + 2]! | nb[y * W + 2]! | nb[z * W + 2]!);
            const size = pop(z0) + pop(z1) + pop(z2);
            let twiceEdges = 0;
            for (let wv = 0; wv < W; wv++) {
              let vb = wv === 0 ? z0 : wv === 1 ? z1 : z2;
              while (vb) {
                const lv = vb & -vb;
                vb ^= lv;
                const v = wv * 32 + 31 - Math.clz32(lv);
                twiceEdges += pop(nb[v * W]! & z0) + pop(nb[v * W + 1]! & z1) + pop(nb[v * W + 2]! & z2);
              }
            }
            total -= (size * (size - 1)) / 2 - twiceEdges / 2;
          }
        }
      }
    }
  }
  return total;
}

const code3 = (a: number, b: number, c: number): number => (a * N + b) * N + c;
const code4 = (a: number, b: number, c: number, d: number): number => ((a * N + b) * N + c) * N + d;
const sorted = (xs: number[]): number[] => xs.sort((x, y) => x - y);
const key = (xs: readonly number[]): number => xs.reduce((s, x) => s * N + x, 0);

/** Every k-subset of a sorted list. */
function subsets(xs: readonly number[], k: number, out: number[][] = [], from = 0, acc: number[] = []): number[][] {
  if (acc.length === k) {
    out.push([...acc]);
    return out;
  }
  for (let i = from; i <= xs.length - (k - acc.length); i++) {
    acc.push(xs[i]!);
    subsets(xs, k, out, i + 1, acc);
    acc.pop();
  }
  return out;
}

/** The 10 triples of a 5-set as 3-bit masks over its 5 positions, and φ for each pattern of covered ones. */
const TRIPLE_MASKS: number[] = [];
for (let m = 0; m < 32; m++) if (pop(m) === 3) TRIPLE_MASKS.push(m);
// φ by Möbius inversion over the subsets U of the 5 positions: the non-empty families of covered
// triples inside U number 2^t(U) - 1, with signed sum [t(U) >= 1]; so φ = Σ_U (-1)^{5-|U|}·[U holds one].
const PHI5 = (() => {
  const phi = new Int32Array(1 << 10);
  for (let pattern = 1; pattern < 1 << 10; pattern++) {
    let sum = 0;
    for (let u = 0; u < 32; u++) {
      let holds = false;
      for (let i = 0; i < 10 && !holds; i++) holds = (pattern & (1 << i)) !== 0 && (TRIPLE_MASKS[i]! & u) === TRIPLE_MASKS[i]!;
      if (holds) sum += (5 - pop(u)) % 2 === 0 ? 1 : -1;
    }
    phi[pattern] = sum;
  }
  return phi;
})();
/** covered-triple flags by (a*80+b)*80+c, reused between calls and cleared after each */
const TRI = new Uint8Array(N * N * N);

/** BIN[n*6+k] = C(n, k) for n < 80, k <= 5: the combinatorial rank of a 5-set is below C(80,5) < 2^31. */
const BIN = (() => {
  const b = new Int32Array(N * 6);
  for (let n = 0; n < N; n++) for (let k = 0; k <= 5; k++) b[n * 6 + k] = choose(n, k);
  return b;
})();

/** Sorts the first `len` numbers of `w` in place (insertion sort: len <= 5). */
function sortSmall(w: Int32Array, len: number): void {
  for (let i = 1; i < len; i++) {
    const x = w[i]!;
    let j = i - 1;
    while (j >= 0 && w[j]! > x) {
      w[j + 1] = w[j]!;
      j--;
    }
    w[j + 1] = x;
  }
}

/** One bit per 5-set (by combinatorial rank), reused between calls and cleared after each (3 MB, made on first use). */
let fiveSeen: Uint32Array | undefined;

/** Draws holding a covered triple (some ticket with >= 3 hits), by inclusion-exclusion. */
export function countWithTriple(tickets: readonly number[][]): number {
  const list: number[] = [];
  // thirds[p*N+q] (p < q): the numbers x with {p, q, x} covered
  const thirds: Array<number[] | undefined> = new Array<number[] | undefined>(N * N);
  const addThird = (p: number, q: number, x: number): void => {
    const at = p * N + q;
    const l = thirds[at];
    if (!l) thirds[at] = [x];
    else l.push(x);
  };
  for (const t of tickets) {
    for (let i = 0; i < t.length; i++)
      for (let j = i + 1; j < t.length; j++)
        for (let l = j + 1; l < t.length; l++) {
          const a = t[i]!;
          const b = t[j]!;
          const c = t[l]!;
          const code = (a * N + b) * N + c;
          if (TRI[code]) continue;
          TRI[code] = 1;
          list.push(code);
          addThird(a, b, c);
          addThird(a, c, b);
          addThird(b, c, a);
        }
  }
  const seen = (fiveSeen ??= new Uint32Array(Math.ceil(TOTAL / 32)));
  const touched: number[] = [];
  const w = new Int32Array(5);
  let total = list.length * choose(N - 3, 2);
  /** Adds φ of the 5-set in w (unsorted) the first time it is seen. */
  const addFive = (): void => {
    sortSmall(w, 5);
    const rank = BIN[w[0]! * 6 + 1]! + BIN[w[1]! * 6 + 2]! + BIN[w[2]! * 6 + 3]! + BIN[w[3]! * 6 + 4]! + BIN[w[4]! * 6 + 5]!;
    const bit = 1 << (rank & 31);
    if (seen[rank >>> 5]! & bit) return;
    seen[rank >>> 5]! |= bit;
    touched.push(rank >>> 5);
    let pattern = 0;
    for (let i = 0; i < 10; i++) {
      const m = TRIPLE_MASKS[i]!;
      const t0 = 31 - Math.clz32(m & -m);
      const rest = m & (m - 1);
      const t1 = 31 - Math.clz32(rest & -rest);
      const t2 = 31 - Math.clz32(rest & (rest - 1));
      if (TRI[(w[t0]! * N + w[t1]!) * N + w[t2]!]) pattern |= 1 << i;
    }
    total += PHI5[pattern]!;
  };
  try {
    // 4-sets with t >= 2 covered triples (two triples sharing a pair): φ = -(t-1), times 76 draws each
    const fours = new Set<number>();
    const f = new Int32Array(4);
    for (let pq = 0; pq < N * N; pq++) {
      const xs = thirds[pq];
      if (!xs || xs.length < 2) continue;
      for (let i = 0; i < xs.length; i++)
        for (let j = i + 1; j < xs.length; j++) {
          f[0] = Math.floor(pq / N);
          f[1] = pq % N;
          f[2] = xs[i]!;
          f[3] = xs[j]!;
          sortSmall(f, 4);
          fours.add(((f[0] * N + f[1]) * N + f[2]) * N + f[3]);
        }
    }
    for (const code of fours) {
      const f0 = Math.floor(code / (N * N * N));
      const f1 = Math.floor(code / (N * N)) % N;
      const f2 = Math.floor(code / N) % N;
      const f3 = code % N;
      const t = TRI[(f0 * N + f1) * N + f2]! + TRI[(f0 * N + f1) * N + f3]! + TRI[(f0 * N + f2) * N + f3]! + TRI[(f1 * N + f2) * N + f3]!;
      total -= (t - 1) * (N - 4);
      // 5-sets covered by their own triples that hold this 4-set: a 5th number completing a triple with two of it
      for (let i = 0; i < 4; i++)
        for (let j = i + 1; j < 4; j++) {
          const p = i === 0 ? f0 : i === 1 ? f1 : f2;
          const q = j === 1 ? f1 : j === 2 ? f2 : f3;
          const xs = thirds[p * N + q];
          if (!xs) continue;
          for (const x of xs) {
            if (x === f0 || x === f1 || x === f2 || x === f3) continue;
            w[0] = f0;
            w[1] = f1;
            w[2] = f2;
            w[3] = f3;
            w[4] = x;
            addFive();
          }
        }
    }
    // 5-sets made of two covered triples sharing exactly one number
    const byNumber: number[][] = Array.from({ length: N }, () => []);
    for (const code of list) {
      byNumber[Math.floor(code / (N * N))]!.push(code);
      byNumber[Math.floor(code / N) % N]!.push(code);
      byNumber[code % N]!.push(code);
    }
    for (let z = 0; z < N; z++) {
      const codes = byNumber[z]!;
      for (let i = 0; i < codes.length; i++) {
        const x = codes[i]!;
        const xa = Math.floor(x / (N * N));
        const xb = Math.floor(x / N) % N;
        const xc = x % N;
        for (let j = i + 1; j < codes.length; j++) {
          const y = codes[j]!;
          const ya = Math.floor(y / (N * N));
          const yb = Math.floor(y / N) % N;
          const yc = y % N;
          const inA = ya === xa || ya === xb || ya === xc;
          const inB = yb === xa || yb === xb || yb === xc;
          const inC = yc === xa || yc === xb || yc === xc;
          if (+inA + +inB + +inC !== 1) continue;
          w[0] = xa;
          w[1] = xb;
          w[2] = xc;
          w[3] = inA ? yb : ya;
          w[4] = inC ? yb : yc;
          addFive();
        }
      }
    }
    return total;
  } finally {
    for (const code of list) TRI[code] = 0;
    for (const at of touched) seen[at] = 0;
  }
}

/** Draws holding a covered 4-set (some ticket with >= 4 hits), by inclusion-exclusion. */
export function countWithQuad(tickets: readonly number[][]): number {
  const covered = new Set<number>();
  const fourths = new Map<number, Set<number>>();
  for (const t of tickets) {
    for (const q of subsets(t, 4)) {
      covered.add(code4(q[0]!, q[1]!, q[2]!, q[3]!));
      for (let i = 0; i < 4; i++) {
        const tri = q.filter((_, j) => j !== i);
        const k = code3(tri[0]!, tri[1]!, tri[2]!);
        let set = fourths.get(k);
        if (!set) fourths.set(k, (set = new Set()));
        set.add(q[i]!);
      }
    }
  }
  let total = covered.size * (N - 4);
  const fives = new Map<number, number[]>();
  for (const [tk, xs] of fourths) {
    if (xs.size < 2) continue;
    const tri = [Math.floor(tk / (N * N)), Math.floor(tk / N) % N, tk % N];
    const list = [...xs];
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const w5 = sorted([...tri, list[i]!, list[j]!]);
        fives.set(key(w5), w5);
      }
  }
  for (const w5 of fives.values()) {
    let t = 0;
    for (const q of subsets(w5, 4)) if (covered.has(code4(q[0]!, q[1]!, q[2]!, q[3]!))) t++;
    total -= t - 1;
  }
  return total;
}

/**
 * The law for one contest's tickets, given flat (k numbers per ticket, numbers 1..80). Exact for
 * h = 2 always, and for h = 3 and 4 unless the tickets cover more than {@link EXACT_BUDGET}
 * 4-sets; then those two are sampled from `rng()`, which must be a stream derived from
 * (seed, contest) so the result does not depend on threads or order.
 */
export function bestOfLaw(numbers: ArrayLike<number>, k: number, rng: () => Rng): BestOfLaw {
  const tickets = ticketsOf(numbers, k);
  const p2 = 1 - countNoPair(tickets) / TOTAL;
  const moments = contestMoments(numbers, k);
  if (tickets.length * choose(k, 4) > EXACT_BUDGET) {
    const mc = sampleBestOf(numbers, k, rng(), MONTE_CARLO_DRAWS);
    return { ...mc, p2, var2: 0, moments };
  }
  return { p2, p3: countWithTriple(tickets) / TOTAL, p4: countWithQuad(tickets) / TOTAL, method: 'exact', var2: 0, var3: 0, var4: 0, moments };
}

/**
 * Monte Carlo estimate of the law from `draws` uniform 5-of-80 draws taken from `rng`, with the
 * binomial sampling variance p(1-p)/draws of each estimate.
 */
export function sampleBestOf(numbers: ArrayLike<number>, k: number, rng: Rng, draws: number): BestOfLaw {
  const t = Math.floor(numbers.length / k);
  const byNumber: number[][] = Array.from({ length: BALL_MAX + 1 }, () => []);
  for (let i = 0; i < t; i++) for (let j = 0; j < k; j++) byNumber[numbers[i * k + j]!]!.push(i);
  const hits = new Uint8Array(t);
  const touched: number[] = [];
  const chosen = new Uint8Array(BALL_MAX + 1);
  const at = [0, 0, 0, 0, 0];
  const pick: number[] = [];
  for (let s = 0; s < draws; s++) {
    pick.length = 0;
    while (pick.length < BALLS_PER_DRAW) {
      const x = 1 + rng.int(BALL_MAX);
      if (chosen[x]) continue;
      chosen[x] = 1;
      pick.push(x);
    }
    let best = 0;
    for (const x of pick) {
      chosen[x] = 0;
      for (const ti of byNumber[x]!) {
        if (hits[ti] === 0) touched.push(ti);
        const h = ++hits[ti]!;
        if (h > best) best = h;
      }
    }
    for (const ti of touched) hits[ti] = 0;
    touched.length = 0;
    at[Math.min(best, 4)]!++;
  }
  const p2 = (at[2]! + at[3]! + at[4]!) / draws;
  const p3 = (at[3]! + at[4]!) / draws;
  const p4 = at[4]! / draws;
  const v = (p: number): number => (p * (1 - p)) / draws;
  return { p2, p3, p4, method: 'monte-carlo', var2: v(p2), var3: v(p3), var4: v(p4) };
}

/**
 * The random stream of a contest's Monte Carlo (used only when the law is sampled): derived from
 * (seed, contest) like the predictor's, on a different seed so the two streams are unrelated.
 */
export function bestOfRng(seed: number, contest: number): Rng {
  return createRng(mix32((seed ^ 0x5bd1e995) >>> 0), contest);
}

/** Numbers of a law's encoding: 7 without its moments (run files written before them), 15 with them. */
const LAW_FIELDS = 7;

/** The law as [p2, p3, p4, var2, var3, var4, exact ? 1 : 0] followed by its 8 moments when known (worker messages, run files). */
export function encodeBestOfLaw(law: BestOfLaw): Float64Array {
  const head = [law.p2, law.p3, law.p4, law.var2, law.var3, law.var4, law.method === 'exact' ? 1 : 0];
  return Float64Array.from(law.moments ? [...head, ...encodeMoments(law.moments)] : head);
}

export function decodeBestOfLaw(v: ArrayLike<number>): BestOfLaw {
  const law: BestOfLaw = { p2: v[0]!, p3: v[1]!, p4: v[2]!, var2: v[3]!, var3: v[4]!, var4: v[5]!, method: v[6] === 1 ? 'exact' : 'monte-carlo' };
  if (v.length === LAW_FIELDS + MOMENT_FIELDS) law.moments = decodeMoments(Array.prototype.slice.call(v, LAW_FIELDS) as number[]);
  return law;
}

/** The run-file text form: the numbers separated by spaces, each printed so it reads back exactly. */
export function formatBestOfLaw(law: BestOfLaw): string {
  return Array.from(encodeBestOfLaw(law), (x) => String(x)).join(' ');
}

/**
 * Whether a stored law text says what `law` says: equal text, or (a file written before the
 * moments were kept) equal to the law without its moments.
 */
export function sameBestOfLaw(stored: string, law: BestOfLaw): boolean {
  const { moments: _moments, ...head } = law;
  return stored === formatBestOfLaw(law) || stored === formatBestOfLaw(head);
}

export function parseBestOfLaw(text: string | null | undefined): BestOfLaw | undefined {
  if (!text) return undefined;
  const v = text.split(' ').map(Number);
  if (v.length !== LAW_FIELDS && v.length !== LAW_FIELDS + MOMENT_FIELDS) return undefined;
  if (!v.slice(0, LAW_FIELDS).every((x) => Number.isFinite(x) && x >= 0 && x <= 1)) return undefined;
  // the variances are >= 0; the last moment (a third central moment) may be negative
  if (!v.slice(LAW_FIELDS).every((x, i) => Number.isFinite(x) && (x >= 0 || i === MOMENT_FIELDS - 1))) return undefined;
  return decodeBestOfLaw(v);
}
