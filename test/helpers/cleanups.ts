import { afterEach } from 'vitest';

/**
 * A list of cleanups (temp dirs to remove, catalogs to close) that runs after each test of the
 * calling file (or describe block), the last pushed first:
 * `const cleanups = cleanupAfterEach(); cleanups.push(t.cleanup)`.
 */
export function cleanupAfterEach(): Array<() => void> {
  const cleanups: Array<() => void> = [];
  afterEach(() =>
    cleanups
      .splice(0)
      .reverse()
      .forEach((f) => f()),
  );
  return cleanups;
}
