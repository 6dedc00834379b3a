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
 * True when the shared fixtures are present. When they are absent the caller's tests skip
 * with a message, unless LUCKYFIVE_REQUIRE_SHARED=1 (set by .ci/run), which makes it a failure.
 */
export function haveShared(): boolean {
  const present = existsSync(QUINA_XLSX) && existsSync(QUINA_CSV);
  if (!present && process.env.LUCKYFIVE_REQUIRE_SHARED === '1') {
    throw new Error(`LUCKYFIVE_REQUIRE_SHARED=1 but the shared fixtures are missing at ${SHARED_DIR}`);
  }
  if (!present) console.warn(`skipping tests that need ../shared/quina (not found at ${SHARED_DIR})`);
  return present;
}
