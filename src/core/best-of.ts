/**
 * The exact null law of a best-of-T figure for ONE contest's actual tickets: if the draw is a
 * uniform 5 of 80, what is the probability that the best of these tickets hits h or more
 * (h = 2, 3, 4)? 1 - (1 - P(>= h))^T holds only for tickets that share no numbers; a strategy's
 * tickets overlap, and the law moves (down for the `aggressive` preset, up for `conservative`).
 *
 * Counted exactly, in three ways (numbers 0..79 inside, 80-bit sets as three 32-bit words):
 * - h = 2: the draws where NO ticket has 2 hits are the independent 5-sets of the graph whose
 *   edges are the pairs some ticket covers. For each independent triple a < b < c the number of
 *   ways to finish it is the number of non-edges inside C = {v > c, not next to a, b or c}:
 *   C(|C|, 2) - e(C), and e(C) = e(above c) - Σ_{v in R} deg_{above c}(v) + e(R), with R the
 *   neighbours of a, b, c above c, a small set. About C(80,3) small steps.
 * - h = 3: inclusion-exclusion over the covered triples, grouped by their union W:
 *   #draws holding a covered triple = Σ_W C(80-|W|, 5-|W|)·φ(W), φ(W) = Σ over non-empty sets S of
 *   covered triples inside W with ∪S = W of (-1)^{|S|+1}. |W| = 3: φ = 1; |W| = 4 with t covered
 *   triples: φ = -(t-1); |W| = 5: only the 5-sets covered by their own triples, few, each by brute
 *   force over its at most 10 triples.
 * - h = 4: the same with covered 4-sets (|W| = 4: φ = 1; |W| = 5 with t of them: -(t-1)).
 * Tickets of many numbers make many covered triples and 4-sets; above {@link EXACT_BUDGET} of them
 * h = 3 and 4 come from a seeded Monte Carlo of {@link MONTE_CARLO_DRAWS} uniform draws, whose
 * variance is returned so the p-value can include it (src/core/baseline.ts). h = 2 is always exact.
 */
import { BALL_MAX, BALLS_PER_DRAW } from './draw.js';
import { choose } from './finance/prices.js';
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
const aboveAt = (c: number): number => (c + 1) * W;

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

/** P(no ticket has 2 hits) counted as the independent 5-sets of the covered-pair graph. */
export function countNoPair(tickets: readonly number[][]): number {
  const nb = new Uint32Array(N * W);
  for (const t of tickets) for (const x of t) for (const y of t) if (x !== y) nb[x * W + (y >>> 5)]! |= 1 << (y & 31);
  // degA[v*N + c] = |N(v) ∩ above(c)|; eA[c] = edges inside above(c)
  const degA = new Int32Array(N * N);
  for (let v = 0; v < N; v++) for (let c = -1 + 1; c < N; c++) {
    const o = aboveAt(c);
    degA[v * N + c] = pop(nb[v * W]! & ABOVE[o]!) + pop(nb[v * W + 1]! & ABOVE[o + 1]!) + pop(nb[v * W + 2]! & ABOVE[o + 2]!);
  }
  const eA = new Float64Array(N);
  for (let c = N - 2; c >= 0; c--) eA[c] = eA[c + 1]! + degA[(c + 1) * N + (c + 1)]!;
  let independent5 = 0;
  const ca = new Uint32Array(W);
  const cab = new Uint32Array(W);
  const nab = new Uint32Array(W);
  const r = new Uint32Array(W);
  for (let a = 0; a < N; a++) {
    const oa = aboveAt(a);
    for (let w = 0; w < W; w++) ca[w] = ABOVE[oa + w]! & ~nb[a * W + w]!;
    for (let wb = 0; wb < W; wb++) {
      let bits = ca[wb]!;
      while (bits) {
        const low = bits & -bits;
        bits ^= low;
        const b = wb * 32 + 31 - Math.clz32(low);
        const ob = aboveAt(b);
        for (let w = 0; w < W; w++) {
          cab[w] = ca[w]! & ABOVE[ob + w]! & ~nb[b * W + w]!;
          nab[w] = nb[a * W + w]! | nb[b * W + w]!;
        }
        for (let wc = 0; wc < W; wc++) {
          let cbits = cab[wc]!;
          while (cbits) {
            const lc = cbits & -cbits;
            cbits ^= lc;
            const c = wc * 32 + 31 - Math.clz32(lc);
            const oc = aboveAt(c);
            let rSize = 0;
            for (let w = 0; w < W; w++) {
              r[w] = (nab[w]! | nb[c * W + w]!) & ABOVE[oc + w]!;
              rSize += pop(r[w]!);
            }
            let sumDeg = 0;
            let inR2 = 0;
            for (let wr = 0; wr < W; wr++) {
              let rb = r[wr]!;
              while (rb) {
                const lr = rb & -rb;
                rb ^= lr;
                const v = wr * 32 + 31 - Math.clz32(lr);
                sumDeg += degA[v * N + c]!;
                inR2 += pop(nb[v * W]! & r[0]!) + pop(nb[v * W + 1]! & r[1]!) + pop(nb[v * W + 2]! & r[2]!);
              }
            }
            const size = N - 1 - c - rSize;
            const eC = eA[c]! - sumDeg + inR2 / 2;
            independent5 += (size * (size - 1)) / 2 - eC;
          }
        }
      }
    }
  }
  return independent5;
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
const PHI5 = (() => {
  const phi = new Int32Array(1 << 10);
  for (let pattern = 1; pattern < 1 << 10; pattern++) {
    const idx = TRIPLE_MASKS.map((_, i) => i).filter((i) => pattern & (1 << i));
    let sum = 0;
    for (let s = 1; s < 1 << idx.length; s++) {
      let union = 0;
      let size = 0;
      idx.forEach((t, i) => {
        if (s & (1 << i)) {
          union |= TRIPLE_MASKS[t]!;
          size++;
        }
      });
      if (union === 31) sum += size % 2 === 1 ? 1 : -1;
    }
    phi[pattern] = sum;
  }
  return phi;
})();
/** covered-triple flags by (a*80+b)*80+c, reused between calls and cleared after each */
const TRI = new Uint8Array(N * N * N);

/** Draws holding a covered triple (some ticket with >= 3 hits), by inclusion-exclusion. */
export function countWithTriple(tickets: readonly number[][]): number {
  const list: number[] = [];
  // thirds[p*N+q] (p < q): the numbers x with {p, q, x} covered
  const thirds: Array<number[] | undefined> = new Array<number[] | undefined>(N * N);
  const addThird = (p: number, q: number, x: number): void => {
    const at = p * N + q;
    const l = thirds[at];
    if (!l) thirds[at] = [x];
    else if (!l.includes(x)) l.push(x);
  };
  for (const t of tickets) {
    for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) for (let l = j + 1; l < t.length; l++) {
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
  const covered = (a: number, b: number, c: number): number => TRI[(a * N + b) * N + c]!;
  try {
    let total = list.length * choose(N - 3, 2);
    const fives = new Set<number>();
    const addFive = (xs: number[]): void => {
      xs.sort((x, y) => x - y);
      fives.add((((xs[0]! * N + xs[1]!) * N + xs[2]!) * N + xs[3]!) * N + xs[4]!);
    };
    // 4-sets with t >= 2 covered triples (two triples sharing a pair): φ = -(t-1), times 76 draws each
    const fours = new Set<number>();
    for (let pq = 0; pq < N * N; pq++) {
      const xs = thirds[pq];
      if (!xs || xs.length < 2) continue;
      const p = Math.floor(pq / N);
      const q = pq % N;
      for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) {
        const w = [p, q, xs[i]!, xs[j]!].sort((x, y) => x - y);
        fours.add(((w[0]! * N + w[1]!) * N + w[2]!) * N + w[3]!);
      }
    }
    for (const f of fours) {
      const w = [Math.floor(f / (N * N * N)), Math.floor(f / (N * N)) % N, Math.floor(f / N) % N, f % N];
      const t = covered(w[0]!, w[1]!, w[2]!) + covered(w[0]!, w[1]!, w[3]!) + covered(w[0]!, w[2]!, w[3]!) + covered(w[1]!, w[2]!, w[3]!);
      total -= (t - 1) * (N - 4);
      // 5-sets covered by their own triples that hold this 4-set: a 5th number completing a triple with two of it
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) {
        for (const x of thirds[w[i]! * N + w[j]!] ?? []) if (!w.includes(x)) addFive([...w, x]);
      }
    }
    // 5-sets made of two covered triples sharing one number
    const byNumber: number[][] = Array.from({ length: N }, () => []);
    for (const code of list) {
      byNumber[Math.floor(code / (N * N))]!.push(code);
      byNumber[Math.floor(code / N) % N]!.push(code);
      byNumber[code % N]!.push(code);
    }
    for (const codes of byNumber) {
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
          const shared = +(ya === xa || ya === xb || ya === xc) + +(yb === xa || yb === xb || yb === xc) + +(yc === xa || yc === xb || yc === xc);
          if (shared === 1) {
            const w = [xa, xb, xc];
            for (const v of [ya, yb, yc]) if (v !== xa && v !== xb && v !== xc) w.push(v);
            addFive(w);
          }
        }
      }
    }
    for (const f of fives) {
      const w = [Math.floor(f / (N * N * N * N)), Math.floor(f / (N * N * N)) % N, Math.floor(f / (N * N)) % N, Math.floor(f / N) % N, f % N];
      let pattern = 0;
      TRIPLE_MASKS.forEach((m, i) => {
        const idx: number[] = [];
        for (let b = 0; b < 5; b++) if (m & (1 << b)) idx.push(w[b]!);
        if (covered(idx[0]!, idx[1]!, idx[2]!)) pattern |= 1 << i;
      });
      total += PHI5[pattern]!;
    }
    return total;
  } finally {
    for (const code of list) TRI[code] = 0;
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
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
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
  if (tickets.length * choose(k, 4) > EXACT_BUDGET) {
    const mc = sampleBestOf(numbers, k, rng(), MONTE_CARLO_DRAWS);
    return { ...mc, p2, var2: 0 };
  }
  return { p2, p3: countWithTriple(tickets) / TOTAL, p4: countWithQuad(tickets) / TOTAL, method: 'exact', var2: 0, var3: 0, var4: 0 };
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

/** The law as 7 numbers [p2, p3, p4, var2, var3, var4, exact ? 1 : 0] (worker messages, run files). */
export function encodeBestOfLaw(law: BestOfLaw): Float64Array {
  return Float64Array.of(law.p2, law.p3, law.p4, law.var2, law.var3, law.var4, law.method === 'exact' ? 1 : 0);
}

export function decodeBestOfLaw(v: ArrayLike<number>): BestOfLaw {
  return { p2: v[0]!, p3: v[1]!, p4: v[2]!, var2: v[3]!, var3: v[4]!, var4: v[5]!, method: v[6] === 1 ? 'exact' : 'monte-carlo' };
}

/** The run-file text form: the 7 numbers separated by spaces, each printed so it reads back exactly. */
export function formatBestOfLaw(law: BestOfLaw): string {
  return Array.from(encodeBestOfLaw(law), (x) => String(x)).join(' ');
}

/** Parses {@link formatBestOfLaw}'s text; undefined for anything else. */
export function parseBestOfLaw(text: string | null | undefined): BestOfLaw | undefined {
  if (!text) return undefined;
  const v = text.split(' ').map(Number);
  if (v.length !== 7 || !v.every((x) => Number.isFinite(x) && x >= 0 && x <= 1)) return undefined;
  return decodeBestOfLaw(v);
}
