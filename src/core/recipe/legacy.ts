/**
 * The old system's recipe formats, accepted unchanged and converted to version 2:
 *
 * - v1.0: `{"version":"1.0","name":...,"description"?,"metadata"?,"parameters":{alpha,beta,gamma,delta,
 *   sim_prev_max,sim_preds,enableEvolutionary,generations,mutationRate,populationSize}}`
 * - the flat preset form: the same parameter keys at the top level, no version (how the old
 *   database seeded conservative/balanced/aggressive).
 *
 * Old recipes ran the legacy advanced generator, so they become `strategy: "advanced"`. Values are
 * passed through untouched and validated by the version-2 schema; {@link LegacyConversion.pathMap}
 * lets error lines name the key the user actually wrote (`parameters.sim_preds`, not `tickets`).
 */

/** Legacy parameter key -> version-2 path. */
export const LEGACY_PARAMETER_MAP: Readonly<Record<string, readonly string[]>> = {
  alpha: ['params', 'alpha'],
  beta: ['params', 'beta'],
  gamma: ['params', 'gamma'],
  delta: ['params', 'cluster_penalty'],
  sim_prev_max: ['history'],
  sim_preds: ['tickets'],
  enableEvolutionary: ['params', 'evolutionary'],
  generations: ['params', 'generations'],
  mutationRate: ['params', 'mutation_rate'],
  populationSize: ['params', 'population_size'],
};

export type RecipeFormat = 'v2' | 'legacy-v1' | 'legacy-flat';

export interface LegacyConversion {
  format: Exclude<RecipeFormat, 'v2'>;
  /** the version-2 shaped object, still unvalidated */
  recipe: Record<string, unknown>;
  /** version-2 path (dot-joined) -> the path the user wrote */
  pathMap: Map<string, string>;
  /** problems only the legacy shape can have (unknown legacy keys, wrong wrapper types) */
  issues: string[];
  /** what the conversion dropped or assumed, for `recipes validate` */
  notes: string[];
}

/** Legacy keys that only the genetic search reads. */
const EVOLUTION_ONLY_KEYS = ['generations', 'mutationRate', 'populationSize'] as const;

/**
 * With `enableEvolutionary: false` the old system never read the genetic-search keys, so old files
 * carry placeholders such as `"generations": 0`. They are dropped (the version-2 defaults stand in,
 * unused) and noted, instead of being refused for a range nothing checks. Mutates `source` (a copy of the input).
 */
function dropEvolutionKeysWhenOff(source: Record<string, unknown>, prefix: string, notes: string[]): void {
  if (source.enableEvolutionary !== false) return;
  const dropped = EVOLUTION_ONLY_KEYS.filter((k) => k in source);
  for (const k of dropped) delete source[k];
  if (dropped.length > 0) {
    notes.push(`${dropped.map((k) => `${prefix}${k}`).join(', ')}: ignored because enableEvolutionary is false (as the old system did)`);
  }
}

const V1_TOP_KEYS = new Set(['version', 'name', 'description', 'metadata', 'parameters']);
const FLAT_EXTRA_KEYS = new Set(['name', 'description']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Which format `input` is written in; anything unrecognized is treated as version 2. */
export function detectRecipeFormat(input: unknown): RecipeFormat {
  if (!isPlainObject(input)) return 'v2';
  const version = input.version;
  if (version === '2' || 'strategy' in input || 'params' in input) return 'v2';
  if (typeof version === 'string' && /^1(\.\d+)*$/.test(version)) return 'legacy-v1';
  if (version === undefined && 'parameters' in input) return 'legacy-v1';
  if (version === undefined && Object.keys(input).some((k) => k in LEGACY_PARAMETER_MAP)) return 'legacy-flat';
  return 'v2';
}

/** Converts a legacy recipe (see {@link detectRecipeFormat}) to the version-2 shape. */
export function convertLegacyRecipe(input: Record<string, unknown>, format: Exclude<RecipeFormat, 'v2'>): LegacyConversion {
  const issues: string[] = [];
  const notes: string[] = [
    `converted from the legacy ${format === 'legacy-v1' ? `"version": "${typeof input.version === 'string' ? input.version : '1.0'}"` : 'flat preset'} format; the old presets ran the advanced strategy`,
  ];
  const pathMap = new Map<string, string>();
  const recipe: Record<string, unknown> = { version: '2', strategy: 'advanced' };
  const params: Record<string, unknown> = {};
  let source: Record<string, unknown>;
  let prefix: string;

  if (format === 'legacy-v1') {
    for (const k of Object.keys(input)) {
      if (!V1_TOP_KEYS.has(k)) issues.push(`${k}: unknown key in a version 1.0 recipe (allowed: ${[...V1_TOP_KEYS].join(', ')})`);
    }
    if (input.metadata !== undefined) notes.push('metadata: dropped (version 2 has no metadata; use "description")');
    const p = input.parameters;
    if (p === undefined) issues.push('parameters: required in a version 1.0 recipe');
    else if (!isPlainObject(p)) issues.push('parameters: must be an object');
    source = isPlainObject(p) ? { ...p } : {};
    prefix = 'parameters.';
    if (input.name !== undefined) recipe.name = input.name;
  } else {
    source = {};
    for (const [k, v] of Object.entries(input)) {
      if (k in LEGACY_PARAMETER_MAP) source[k] = v;
      else if (!FLAT_EXTRA_KEYS.has(k))
        issues.push(`${k}: unknown key in a legacy preset (allowed: ${[...Object.keys(LEGACY_PARAMETER_MAP), ...FLAT_EXTRA_KEYS].join(', ')})`);
    }
    prefix = '';
    recipe.name = input.name ?? 'legacy-preset';
    if (input.name === undefined) notes.push('name: none given, using "legacy-preset"');
  }
  if (input.description !== undefined) recipe.description = input.description;

  dropEvolutionKeysWhenOff(source, prefix, notes);
  for (const [k, v] of Object.entries(source)) {
    const target = LEGACY_PARAMETER_MAP[k];
    if (!target) {
      issues.push(`${prefix}${k}: unknown legacy parameter (allowed: ${Object.keys(LEGACY_PARAMETER_MAP).join(', ')})`);
      continue;
    }
    if (target[0] === 'params') params[target[1]!] = v;
    else recipe[target[0]!] = v;
    pathMap.set(target.join('.'), `${prefix}${k}`);
  }
  recipe.params = params;
  return { format, recipe, pathMap, issues, notes };
}
