/**
 * The search space of an optimize study: each parameter's values (as a sweep expands them, names
 * in code unit order) and the spec's constraints. A point is a genome, one value index per name.
 * Unlike a sweep grid the space is never enumerated, so its size is not capped.
 */
import type { SweepSpec } from '../sweep/spec.js';
import { bindConstraints, parameterValues, satisfiesAll, sortedParameters, type BoundConstraint } from '../sweep/grid.js';
import type { ParamValue } from '../sweep/values.js';

export interface SearchSpace {
  /** parameter names, sorted by code unit like expandGrid */
  names: string[];
  /** values[i]: the values names[i] takes, in order */
  values: ParamValue[][];
  /** the spec's constraints bound to positions in `names` */
  constraints: BoundConstraint[];
}

/** One value index per name of the space. */
export type Genome = readonly number[];

/**
 * The space of a spec. Throws E_INPUT_INVALID like expandGrid on a duplicate name or a constraint
 * over an unknown or non-numeric parameter (each parameter is still capped at MAX_PARAMETER_VALUES values).
 */
export function buildSpace(spec: Pick<SweepSpec, 'parameters' | 'constraints'>): SearchSpace {
  const params = sortedParameters(spec.parameters);
  const names = params.map((p) => p.name);
  const values = params.map(parameterValues);
  return { names, values, constraints: bindConstraints(names, values, spec.constraints) };
}

/** The number of points before constraints (Infinity beyond 2^53). */
export function spaceSize(space: SearchSpace): number {
  const n = space.values.reduce((acc, v) => acc * v.length, 1);
  return Number.isSafeInteger(n) ? n : Number.POSITIVE_INFINITY;
}

function valuesOf(space: SearchSpace, g: Genome): ParamValue[] {
  return g.map((at, i) => space.values[i]![at]!);
}

/** Does the genome satisfy the spec's constraints (same semantics and tolerance as a sweep grid)? */
export function satisfies(space: SearchSpace, g: Genome): boolean {
  return space.constraints.length === 0 || satisfiesAll(space.constraints, valuesOf(space, g));
}

/** The parameters a genome stands for, keyed by name (the shape of a sweep cell's params). */
export function genomeParams(space: SearchSpace, g: Genome): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  space.names.forEach((name, i) => {
    out[name] = space.values[i]![g[i]!]!;
  });
  return out;
}

/** A genome as a map key: its indexes joined by dots ('3.0.12'). */
export function genomeKey(g: Genome): string {
  return g.join('.');
}
