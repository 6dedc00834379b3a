// TEMPORARY SHIM for the simulate branch: replaced by the stats branch's baseline at merge.
export interface HitCounts { tickets: number; numbers_per_ticket: number; distribution: number[]; contests: number; best_at_least: { 2: number; 3: number; 4: number; 5: number }; tickets_per_contest: number }
export interface BaselineReport { verdict: string; too_short: boolean; [k: string]: unknown }
export function compareToBaseline(c: HitCounts): BaselineReport {
  return { verdict: `shim: ${c.tickets} tickets`, too_short: true };
}
