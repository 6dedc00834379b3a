/** Command-line flags of the load scripts: `--name value`. */

/** The value after `--name`, or undefined when the flag is absent. */
export function stringFlag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The number after `--name`, or `fallback` when the flag is absent. */
export function numberFlag(name: string, fallback: number): number {
  const v = stringFlag(name);
  return v === undefined ? fallback : Number(v);
}
