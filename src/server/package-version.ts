import { readFileSync } from 'node:fs';

/** The version in package.json (two levels up from both src/server and dist/server). */
export function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
