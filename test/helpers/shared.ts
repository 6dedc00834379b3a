import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * `../shared/` beside the project: present in CI, absent on a user's fresh clone. A git worktree
 * sits deeper (`wt/<name>/`), so the nearest ancestor holding `shared/quina` wins.
 */
export const SHARED_DIR = findSharedDir(resolve(import.meta.dirname, '../..'));

function findSharedDir(projectRoot: string): string {
  for (let dir = dirname(projectRoot); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'shared/quina'))) return join(dir, 'shared');
    if (dirname(dir) === dir) return resolve(projectRoot, '../shared');
  }
}
export const QUINA_XLSX = resolve(SHARED_DIR, 'quina/Quina.xlsx');
export const QUINA_CSV = resolve(SHARED_DIR, 'quina/quina-draws.csv');

/**
 * What every "these tests need X" check does with its answer: `present` as it is; when X is
 * absent, a failure under LUCKYFIVE_REQUIRE_SHARED=1 (set by .ci/run, which installs X), else a
 * warning that `skipping` is skipped (a user's fresh clone). `missing` says what lacks and how to get it.
 */
export function presentOrSkip(present: boolean, missing: string, skipping: string): boolean {
  if (!present && process.env.LUCKYFIVE_REQUIRE_SHARED === '1') throw new Error(`LUCKYFIVE_REQUIRE_SHARED=1 but ${missing}`);
  if (!present) console.warn(`skipping ${skipping}: ${missing}`);
  return present;
}

/** True when the shared fixtures are present (else {@link presentOrSkip}). */
export function haveShared(): boolean {
  return presentOrSkip(existsSync(QUINA_XLSX) && existsSync(QUINA_CSV), `the shared fixtures are missing at ${SHARED_DIR}`, 'tests that need ../shared/quina');
}
