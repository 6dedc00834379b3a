/**
 * Comparing an incoming draw with the stored one, field by field, using the catalog's column
 * names. Provenance (`source`, `raw`, import id and time) is not compared. A field the file has
 * no column for is unknown, not empty: it is neither compared nor overwritten.
 */
import type { Draw, TierHits } from '../core/draw.js';
import type { ColumnKey } from './columns.js';

type Value = string | number | boolean | null;

interface FieldSpec {
  name: string;
  get: (d: Draw) => Value;
  /** the file column that provides it; undefined = always provided (contest, date, balls...) */
  column?: ColumnKey;
  /** copies the field from `from` into `to` (for keeping stored values of absent columns) */
  copy: (to: Draw, from: Draw) => void;
}

function tierFields(h: TierHits): FieldSpec[] {
  return [
    {
      name: `winners_${h}`,
      column: `winners_${h}`,
      get: (d) => d.tiers[h].winners,
      copy: (t, f) => void (t.tiers[h] = { ...t.tiers[h], winners: f.tiers[h].winners }),
    },
    {
      name: `prize_${h}_cents`,
      column: `prize_${h}`,
      get: (d) => d.tiers[h].prize_cents,
      copy: (t, f) => void (t.tiers[h] = { ...t.tiers[h], prize_cents: f.tiers[h].prize_cents }),
    },
  ];
}

export const DRAW_FIELDS: readonly FieldSpec[] = [
  { name: 'draw_date', get: (d) => d.date, copy: (t, f) => void (t.date = f.date) },
  { name: 'balls', get: (d) => d.balls.join(' '), copy: (t, f) => void (t.balls = f.balls) },
  ...([5, 4, 3, 2] as const).flatMap(tierFields),
  {
    name: 'accumulated_5_cents',
    column: 'accumulated_5',
    get: (d) => d.accumulated_5_cents,
    copy: (t, f) => void (t.accumulated_5_cents = f.accumulated_5_cents),
  },
  { name: 'revenue_cents', column: 'revenue', get: (d) => d.revenue_cents, copy: (t, f) => void (t.revenue_cents = f.revenue_cents) },
  {
    name: 'estimated_next_cents',
    column: 'estimated_next',
    get: (d) => d.estimated_next_cents,
    copy: (t, f) => void (t.estimated_next_cents = f.estimated_next_cents),
  },
  {
    name: 'accumulated_sao_joao_cents',
    column: 'accumulated_sao_joao',
    get: (d) => d.accumulated_sao_joao_cents,
    copy: (t, f) => void (t.accumulated_sao_joao_cents = f.accumulated_sao_joao_cents),
  },
  { name: 'winner_locations', column: 'winner_locations', get: (d) => d.winner_locations, copy: (t, f) => void (t.winner_locations = f.winner_locations) },
  { name: 'notes', column: 'notes', get: (d) => d.notes, copy: (t, f) => void (t.notes = f.notes) },
  { name: 'currency', get: (d) => d.currency, copy: (t, f) => void (t.currency = f.currency) },
  { name: 'synthetic', get: (d) => d.synthetic, copy: (t, f) => void (t.synthetic = f.synthetic) },
];

export interface DrawDiff {
  fields: string[];
  stored: Record<string, Value>;
  incoming: Record<string, Value>;
}

/** The fields (among those the file provides) where `incoming` differs from `stored`; null when identical. */
export function diffDraws(stored: Draw, incoming: Draw, present: ReadonlySet<ColumnKey>): DrawDiff | null {
  const diff: DrawDiff = { fields: [], stored: {}, incoming: {} };
  for (const f of DRAW_FIELDS) {
    if (f.column !== undefined && !present.has(f.column)) continue;
    const a = f.get(stored);
    const b = f.get(incoming);
    if (a === b) continue;
    diff.fields.push(f.name);
    diff.stored[f.name] = a;
    diff.incoming[f.name] = b;
  }
  return diff.fields.length ? diff : null;
}

/** `incoming`, with the stored values of the fields the file has no column for. */
export function mergeAbsentFields(stored: Draw, incoming: Draw, present: ReadonlySet<ColumnKey>): Draw {
  const merged: Draw = { ...incoming, tiers: { ...incoming.tiers } };
  for (const f of DRAW_FIELDS) if (f.column !== undefined && !present.has(f.column)) f.copy(merged, stored);
  return merged;
}
