/**
 * The exact null variance of one contest's ticket counts. A strategy's tickets in one contest are
 * scored against the SAME draw, and they often share numbers: when two tickets share four numbers,
 * a draw that gives one of them 3 hits very likely gives the other 3 too. Their hits move together,
 * so the total over a contest varies much more than the same number of independent tickets would
 * (13.9 times for 25 tickets drawn from 10 favourite numbers), and a test that counts every ticket
 * as an independent trial finds "skill" in plain luck. Overlapping tickets are also the honest
 * reason some figures vary LESS than binomially (disjoint tickets compete for the same 5 balls).
 *
 * For a pair of k-number tickets sharing o numbers, the joint law of their hits (X, Y) under a
 * uniform 5-of-80 draw is a four-cell hypergeometric: the draw puts u balls in the shared o, v in
 * the first ticket's other k-o, w in the second's other k-o and the rest in the 80-2k+o numbers
 * of neither, with X = u + v, Y = u + w. So every pairwise covariance depends only on (k, o), and
 * the variance of a count over T tickets is
 *   T·Var(1 ticket) + 2·Σ_o pairs(o)·Cov(o),
 * where pairs(o) is how many of the T(T-1)/2 pairs share o numbers (popcounts of 80-bit sets).
 * The tables are exact; only the sums are floating point. Per contest this costs T²/2 popcounts
 * (about 1 ms for 1,000 tickets), done once, in the worker, beside the best-of law.
 */
import { BALL_MAX, BALLS_PER_DRAW } from './draw.js';
import { choose } from './finance/prices.js';

/**
 * Null variances of one contest's counts (the expectations need no tickets: T·E[1 ticket]).
 * `total`: the sum of hits over the tickets; `at_least[h]`: tickets with h or more hits (h = 2..4);
 * `exactly[h]`: tickets with exactly h hits (h = 2..5; exactly 5 is also 5 or more).
 */
export interface ContestMoments {
  total: number;
  /** the third central moment (cumulant) of the total hits: overlapping tickets make it strongly skewed */
  total_k3: number;
  at_least: { 2: number; 3: number; 4: number };
  exactly: { 2: number; 3: number; 4: number; 5: number };
}

/** The 9 moments in a fixed order: total, at_least 2..4, exactly 2..5, total_k3 (run files and worker messages). */
export const MOMENT_FIELDS = 9;
/** the variances among them (total, at_least 2..4, exactly 2..5) */
const VARIANCE_FIELDS = 8;

const TOTAL_DRAWS = choose(BALL_MAX, BALLS_PER_DRAW);

/** joint[a][b] = P(X = a, Y = b) for two k-number tickets sharing o numbers. */
function jointLaw(k: number, o: number): number[][] {
  const joint = Array.from({ length: BALLS_PER_DRAW + 1 }, () => new Array<number>(BALLS_PER_DRAW + 1).fill(0));
  const own = k - o;
  const rest = BALL_MAX - 2 * k + o;
  for (let u = 0; u <= Math.min(o, BALLS_PER_DRAW); u++)
    for (let v = 0; v <= Math.min(own, BALLS_PER_DRAW - u); v++)
      for (let w = 0; w <= Math.min(own, BALLS_PER_DRAW - u - v); w++) {
        const r = BALLS_PER_DRAW - u - v - w;
        if (r > rest) continue;
        const ways = choose(o, u) * choose(own, v) * choose(own, w) * choose(rest, r);
        joint[u + v]![u + w]! += ways / TOTAL_DRAWS;
      }
  return joint;
}

/** For one ticket size: the single-ticket variances and, per overlap o = 0..k-1, the pair covariances (same field order). */
interface MomentTable {
  single: Float64Array;
  cov: Float64Array[];
}

const EVENTS: Array<(h: number) => boolean> = [(h) => h >= 2, (h) => h >= 3, (h) => h >= 4, (h) => h === 2, (h) => h === 3, (h) => h === 4, (h) => h === 5];

const tables = new Map<number, MomentTable>();

function tableFor(k: number): MomentTable {
  const cached = tables.get(k);
  if (cached) return cached;
  const marginal = jointLaw(k, k).map((row, a) => row[a]!);
  const mean = marginal.reduce((s, p, a) => s + a * p, 0);
  const prob = EVENTS.map((e) => marginal.reduce((s, p, a) => s + (e(a) ? p : 0), 0));
  const single = new Float64Array(VARIANCE_FIELDS);
  single[0] = marginal.reduce((s, p, a) => s + a * a * p, 0) - mean * mean;
  prob.forEach((p, i) => (single[i + 1] = p * (1 - p)));
  const cov: Float64Array[] = [];
  for (let o = 0; o < k; o++) {
    const joint = jointLaw(k, o);
    const c = new Float64Array(VARIANCE_FIELDS);
    let exy = 0;
    const both = new Array<number>(EVENTS.length).fill(0);
    joint.forEach((row, a) =>
      row.forEach((p, b) => {
        exy += a * b * p;
        EVENTS.forEach((e, i) => {
          if (e(a) && e(b)) both[i]! += p;
        });
      }),
    );
    c[0] = exy - mean * mean;
    both.forEach((pb, i) => (c[i + 1] = pb - prob[i]! * prob[i]!));
    cov.push(c);
  }
  const table = { single, cov };
  tables.set(k, table);
  return table;
}

/** pairs[o]: how many unordered pairs of the tickets share exactly o numbers (o = 0..k). */
export function overlapHistogram(numbers: ArrayLike<number>, k: number): number[] {
  const t = Math.floor(numbers.length / k);
  const words = new Uint32Array(t * 3);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < k; j++) {
      const x = numbers[i * k + j]! - 1;
      words[i * 3 + (x >>> 5)]! |= 1 << (x & 31);
    }
  const pairs = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < t; i++) {
    const a0 = words[i * 3]!;
    const a1 = words[i * 3 + 1]!;
    const a2 = words[i * 3 + 2]!;
    for (let j = i + 1; j < t; j++) pairs[pop(a0 & words[j * 3]!) + pop(a1 & words[j * 3 + 1]!) + pop(a2 & words[j * 3 + 2]!)]!++;
  }
  return pairs;
}

function pop(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The third central moment of the total hits, from the multiplicities c_j (how many tickets hold
 * number j): the total is Σ c_j·I_j with I_j = [j drawn], and the joint central moments of three
 * indicators of a uniform 5-of-80 draw depend only on how many of the three numbers coincide, so
 * κ3 = A·S3 + 3B·(S1·S2 - S3) + C·(S1³ - 3·S1·S2 + 2·S3) with S_r = Σ c_j^r.
 */
function totalThirdMoment(numbers: ArrayLike<number>): number {
  const c = new Float64Array(BALL_MAX + 1);
  for (let i = 0; i < numbers.length; i++) c[numbers[i]!]!++;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (const x of c) {
    s1 += x;
    s2 += x * x;
    s3 += x * x * x;
  }
  const p = BALLS_PER_DRAW / BALL_MAX;
  const q2 = (BALLS_PER_DRAW * (BALLS_PER_DRAW - 1)) / (BALL_MAX * (BALL_MAX - 1));
  const q3 = (q2 * (BALLS_PER_DRAW - 2)) / (BALL_MAX - 2);
  const a = p * (1 - p) * (1 - 2 * p);
  const b = (1 - 2 * p) * (q2 - p * p);
  const cc = q3 - 3 * p * q2 + 2 * p * p * p;
  return a * s3 + 3 * b * (s1 * s2 - s3) + cc * (s1 * s1 * s1 - 3 * s1 * s2 + 2 * s3);
}

/**
 * The exact null moments of one contest's counts for its actual tickets (flat, k numbers per
 * ticket, numbers 1..80). Two identical tickets (o = k) are allowed and counted as such.
 */
export function contestMoments(numbers: ArrayLike<number>, k: number): ContestMoments {
  const t = Math.floor(numbers.length / k);
  const { single, cov } = tableFor(k);
  const pairs = overlapHistogram(numbers, k);
  const v = new Float64Array(MOMENT_FIELDS);
  for (let f = 0; f < VARIANCE_FIELDS; f++) {
    let s = t * single[f]!;
    for (let o = 0; o < k; o++) s += 2 * pairs[o]! * cov[o]![f]!;
    // identical tickets covary as much as a ticket with itself
    s += 2 * pairs[k]! * single[f]!;
    v[f] = Math.max(0, s);
  }
  v[VARIANCE_FIELDS] = totalThirdMoment(Array.prototype.slice.call(numbers, 0, t * k) as number[]);
  return decodeMoments(v);
}

/** The third central moment of one k-number ticket's hits (hypergeometric): independent tickets' skew. */
export function ticketThirdMoment(k: number): number {
  return totalThirdMoment(Array.from({ length: k }, (_, i) => i + 1));
}

/** The 9 moments in {@link MOMENT_FIELDS} order. */
export function encodeMoments(m: ContestMoments): number[] {
  return [m.total, m.at_least[2], m.at_least[3], m.at_least[4], m.exactly[2], m.exactly[3], m.exactly[4], m.exactly[5], m.total_k3];
}

export function decodeMoments(v: ArrayLike<number>): ContestMoments {
  return {
    total: v[0]!,
    total_k3: v[8]!,
    at_least: { 2: v[1]!, 3: v[2]!, 4: v[3]! },
    exactly: { 2: v[4]!, 3: v[5]!, 4: v[6]!, 5: v[7]! },
  };
}

/** Sums of contests' moments (a run's null variances). */
export function addMoments(into: ContestMoments, m: ContestMoments): void {
  into.total += m.total;
  into.total_k3 += m.total_k3;
  for (const h of [2, 3, 4] as const) into.at_least[h] += m.at_least[h];
  for (const h of [2, 3, 4, 5] as const) into.exactly[h] += m.exactly[h];
}

/** All-zero moments, to sum into. */
export function zeroMoments(): ContestMoments {
  return decodeMoments(new Float64Array(MOMENT_FIELDS));
}
