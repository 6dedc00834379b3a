/**
 * Expands a sweep into its cells: the Cartesian product of the parameters' values, names in
 * alphabetical (code unit) order with the last name varying fastest, filtered by the constraints.
 * The order depends only on the spec, so cell i is the same cell on every machine and rerun.
 */
import { LuckyError } from '../../errors.js';
import type { Constraint, SweepParameter, SweepSpec } from './spec.js';
import { exponentialValues, rangeValues, type ParamValue } from './values.js';

/** The most cells a sweep may have after constraints. */
export const MAX_GRID_CELLS = 10_000;
/** The most combinations enumerated before constraints (a sum constraint over 4 weights can keep 1% of 200k). */
export const MAX_GRID_COMBINATIONS = 1_000_000;
/** Tolerance of the sum and ratio constraints; values are exact decimals, so it only absorbs double rounding. */
const EPS = 1e-9;

export interface GridCell {
  /** 0-based position in the filtered grid */
  index: number;
  params: Record<string, ParamValue>;
}

/** The values one parameter takes, in order. */
export function parameterValues(p: SweepParameter): ParamValue[] {
  if ('range' in p) return rangeValues(p.range);
  if ('exponential' in p) return exponentialValues(p.exponential);
  return [...p.list];
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A constraint bound to value positions, checked on the odometer without building objects. */
export interface BoundConstraint {
  type: Constraint['type'];
  at: number[];
  value: number;
}

function passes(c: BoundConstraint, cur: readonly ParamValue[]): boolean {
  switch (c.type) {
    case 'sum': {
      let s = 0;
      for (const i of c.at) s += cur[i] as number;
      return Math.abs(s - c.value) < EPS;
    }
    case 'ratio': {
      const a = cur[c.at[0]!] as number;
      const b = cur[c.at[1]!] as number;
      return b !== 0 && Math.abs(a / b - c.value) < EPS;
    }
    case 'min':
      return c.at.every((i) => (cur[i] as number) >= c.value);
    case 'max':
      return c.at.every((i) => (cur[i] as number) <= c.value);
  }
}

/** Does a combination (values in `names` order) satisfy every bound constraint? */
export function satisfiesAll(constraints: readonly BoundConstraint[], cur: readonly ParamValue[]): boolean {
  return constraints.every((k) => passes(k, cur));
}

/** The parameters sorted by name (code unit order), the order of cells and search genomes. */
export function sortedParameters(parameters: readonly SweepParameter[]): SweepParameter[] {
  const names = parameters.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new LuckyError('E_INPUT_INVALID', `parameter "${dup}" is swept twice`, [`parameters: duplicate name "${dup}"`]);
  return [...parameters].sort((a, b) => byCodeUnit(a.name, b.name));
}

/**
 * The constraints bound to positions in `names` (whose values are `values`). Throws
 * E_INPUT_INVALID on a constraint over an unknown or non-numeric parameter, or a ratio over other
 * than two parameters.
 */
export function bindConstraints(
  names: readonly string[],
  values: readonly (readonly ParamValue[])[],
  constraints: readonly Constraint[] = [],
): BoundConstraint[] {
  return constraints.map((c, i) => {
    const positions = c.parameters.map((n) => {
      const at = names.indexOf(n);
      if (at < 0)
        throw new LuckyError('E_INPUT_INVALID', `constraint on "${n}", which is not swept`, [`constraints.${i}.parameters: "${n}" is not a swept parameter`]);
      if (values[at]!.some((v) => typeof v !== 'number')) {
        throw new LuckyError('E_INPUT_INVALID', `constraint on "${n}", which has non-numeric values`, [
          `constraints.${i}.parameters: "${n}" takes non-numeric values`,
        ]);
      }
      return at;
    });
    if (c.type === 'ratio' && c.parameters.length !== 2)
      throw new LuckyError('E_INPUT_INVALID', 'a ratio constraint takes exactly two parameters', [`constraints.${i}.parameters: ${c.parameters.length} given`]);
    return { type: c.type, at: positions, value: c.value };
  });
}

/**
 * Cells of a sweep. Throws E_INPUT_INVALID on duplicate parameter names, a constraint on an
 * unknown or non-numeric parameter, more than {@link MAX_GRID_COMBINATIONS} combinations, more
 * than {@link MAX_GRID_CELLS} cells, or no cell at all.
 */
export function expandGrid(spec: Pick<SweepSpec, 'parameters' | 'constraints'>): GridCell[] {
  const params = sortedParameters(spec.parameters);
  const values = params.map(parameterValues);
  const constraints = bindConstraints(
    params.map((p) => p.name),
    values,
    spec.constraints,
  );
  const combos = values.reduce((n, v) => n * v.length, 1);
  if (combos > MAX_GRID_COMBINATIONS) {
    throw new LuckyError('E_INPUT_INVALID', `the sweep has ${combos} combinations; at most ${MAX_GRID_COMBINATIONS} are enumerated`, [
      `parameters: ${params.map((p, i) => `${p.name} ${values[i]!.length}`).join(' x ')}`,
    ]);
  }
  const cells: GridCell[] = [];
  // Odometer over value indices; the last (alphabetically) parameter turns fastest.
  const at = new Array<number>(params.length).fill(0);
  const cur = values.map((v) => v[0]!);
  for (let c = 0; c < combos; c++) {
    if (satisfiesAll(constraints, cur)) {
      if (cells.length === MAX_GRID_CELLS) {
        throw new LuckyError('E_INPUT_INVALID', `the sweep has more than ${MAX_GRID_CELLS} cells`, [
          'parameters: narrow the ranges, widen the steps or add constraints',
        ]);
      }
      const cell: Record<string, ParamValue> = {};
      params.forEach((p, i) => {
        cell[p.name] = cur[i]!;
      });
      cells.push({ index: cells.length, params: cell });
    }
    for (let i = params.length - 1; i >= 0; i--) {
      at[i]!++;
      if (at[i]! < values[i]!.length) {
        cur[i] = values[i]![at[i]!]!;
        break;
      }
      at[i] = 0;
      cur[i] = values[i]![0]!;
    }
  }
  if (cells.length === 0) {
    throw new LuckyError('E_INPUT_INVALID', 'no combination satisfies the constraints', [`constraints: ${combos} combinations, none kept`]);
  }
  return cells;
}
