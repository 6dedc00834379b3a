/**
 * Generates the bundled SYNTHETIC sample `data/sample/quina-sample.csv`, deterministically:
 *
 *   npx tsx scripts/make-sample.ts          # writes the file
 *   npx tsx scripts/make-sample.ts --check  # exits 1 when the committed file differs
 *
 * 2,000 contests numbered 4883..6882, Monday-Saturday, the last on 2025-11-19. Balls are uniform
 * (5 distinct of 1..80). Each contest's revenue is R$ 8-11 million drawn uniformly plus a quarter
 * of the rolled-over quina pool (bigger jackpots sell more), at most R$ 20 million; tickets =
 * revenue / base price on that date; winners per tier ~ Poisson(tickets x exact tier probability);
 * prize per winner = the tier's share of the prize pool / winners, net of income tax above the
 * exemption, 0 without winners. The quina pool rolls over while nobody wins it. Every random
 * number of a contest comes from `createRng(SEED, contest)`, so a contest does not depend on the
 * others' draws. Column layout: the same as ../shared/quina/quina-draws.csv.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Rng, createRng } from '../src/core/rng.js';
import { DEFAULT_PRICE_TABLE, basePriceOn } from '../src/core/finance/prices.js';
import { PRIZE_TAX_RATE, TAX_EXEMPTION_CENTS, TIER_SPLIT, poolShare } from '../src/core/finance/prizes.js';
import { SAMPLE_NOTE_MARK } from '../src/import/import-draws.js';

export const SAMPLE_SEED = 20251119;
export const FIRST_CONTEST = 4883;
export const LAST_CONTEST = 6882;
export const LAST_DATE = '2025-11-19';
export const SAMPLE_PATH = fileURLToPath(new URL('../data/sample/quina-sample.csv', import.meta.url));

/** Exact probability of h hits for one 5-number ticket: C(5,h)·C(75,5-h) / C(80,5) (FACTS.md). */
const HIT_NUMERATORS: Record<2 | 3 | 4 | 5, number> = { 2: 675_250, 3: 27_750, 4: 375, 5: 1 };
const COMBINATIONS = 24_040_016;
/** Share of the prize pool set aside each contest for the June São João contest (an assumption for the sample). */
const SAO_JOAO_SHARE = 0.08;

const HEADER =
  'contest,draw_date,b1,b2,b3,b4,b5,winners_5,prize_5,winners_4,prize_4,winners_3,prize_3,winners_2,prize_2,accumulated_5,total_revenue,estimated_prize_next,accumulated_sao_joao,winner_locations,notes';

/** Dates of the contests, oldest first: Monday-Saturday going back from LAST_DATE. */
export function sampleDates(count: number, last = LAST_DATE): string[] {
  const out: string[] = [];
  const d = new Date(`${last}T00:00:00Z`);
  while (out.length < count) {
    if (d.getUTCDay() !== 0) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() - 1);
  }
  return out.reverse();
}

/** ln(k!) exactly for small k, Stirling's series above. */
function logFactorial(k: number): number {
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const n = k + 1;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

/** A Poisson variate: Knuth's product method for small means, Hörmann's PTRS for large ones. */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

/** Net prize per winner: income tax is withheld only above the exemption (src/core/finance/prizes.ts). */
function net(grossCents: number): number {
  const gross = Math.floor(grossCents);
  return gross > TAX_EXEMPTION_CENTS ? Math.floor(gross * (1 - PRIZE_TAX_RATE)) : gross;
}

function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** The whole sample file as text (LF line ends, trailing newline). */
export function buildSampleCsv(seed = SAMPLE_SEED): string {
  const count = LAST_CONTEST - FIRST_CONTEST + 1;
  const dates = sampleDates(count);
  const note = `${SAMPLE_NOTE_MARK} scripts/make-sample.ts (seed ${seed})`;
  const lines = [HEADER];
  let accumulated = 0;
  let saoJoao = 0;
  let saoJoaoPaidYear = 0;
  for (let i = 0; i < count; i++) {
    const contest = FIRST_CONTEST + i;
    const date = dates[i]!;
    const rng = createRng(seed, contest);
    const balls = rng.distinct(5, 1, 80);
    const price = basePriceOn(DEFAULT_PRICE_TABLE, date);
    // sales grow with the jackpot on offer: R$ 8-11 million plus a quarter of the rolled-over pool, at most R$ 20 million
    const sales = Math.min(2_000_000_000, 800_000_000 + rng.int(300_000_001) + Math.floor(accumulated / 4));
    const tickets = Math.floor(sales / price);
    const revenue = tickets * price;
    const pool = revenue * poolShare(contest);
    const cells: Array<string | number> = [contest, date, ...balls];
    let quinaWon = false;
    for (const h of [5, 4, 3, 2] as const) {
      const winners = poisson(rng, (tickets * HIT_NUMERATORS[h]) / COMBINATIONS);
      let tierPool = pool * TIER_SPLIT[h];
      if (h === 5) {
        tierPool += accumulated;
        quinaWon = winners > 0;
      }
      cells.push(winners, money(winners > 0 ? net(tierPool / winners) : 0));
    }
    accumulated = quinaWon ? 0 : Math.floor(accumulated + pool * TIER_SPLIT[5]);
    // the São João reserve is paid by the first contest on or after 24 June, then starts again
    const year = Number(date.slice(0, 4));
    const paysSaoJoao = date.slice(5) >= '06-24' && saoJoaoPaidYear < year;
    if (paysSaoJoao) saoJoaoPaidYear = year;
    saoJoao = paysSaoJoao ? 0 : Math.floor(saoJoao + pool * SAO_JOAO_SHARE);
    const estimate = Math.ceil(net(accumulated + pool * TIER_SPLIT[5]) / 10_000_000) * 10_000_000;
    cells.push(money(accumulated), money(revenue), money(estimate), money(saoJoao), '', note);
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = buildSampleCsv();
  if (process.argv.includes('--check')) {
    const same = readFileSync(SAMPLE_PATH, 'utf8') === text;
    console.log(same ? `${SAMPLE_PATH} is up to date` : `${SAMPLE_PATH} differs from the generator's output`);
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(SAMPLE_PATH, text);
    console.log(`wrote ${SAMPLE_PATH} (${text.length} bytes, contests ${FIRST_CONTEST}..${LAST_CONTEST}, seed ${SAMPLE_SEED})`);
  }
}
