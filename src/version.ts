/**
 * The one reader of luckyfive's own version (package.json), for the CLI's `--version`, the
 * backup manifests and the server's `/health` and OpenAPI document. It sits beside config.ts and
 * errors.ts so that no front-end imports another (the CLI commands used to import cli/main.ts).
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in package.json (one level up from both src/ and dist/). */
export function readPackageVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}
