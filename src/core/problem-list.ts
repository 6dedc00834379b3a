/**
 * Bounded `path: problem` lists. A validation error echoes what it found wrong, so an input of a
 * megabyte could otherwise answer with many megabytes (one line per bad element, each repeating a
 * long key). Every list of problems shown to a user goes through {@link capProblems}.
 */

/** At most this many problems are listed; the rest are counted in one closing line. */
export const MAX_PROBLEMS = 100;
/** A longer line (a huge key echoed in a path) is cut to this many characters. */
export const MAX_PROBLEM_CHARS = 300;

/**
 * The first `max` problems, each cut to {@link MAX_PROBLEM_CHARS}, plus `... and N more problems`
 * when there were more. Example: 250 lines -> 100 lines and "... and 150 more problems".
 */
export function capProblems(lines: readonly string[], max = MAX_PROBLEMS): string[] {
  const cut = (s: string) => (s.length > MAX_PROBLEM_CHARS ? `${s.slice(0, MAX_PROBLEM_CHARS - 1)}…` : s);
  const shown = lines.slice(0, max).map(cut);
  const more = lines.length - shown.length;
  if (more > 0) shown.push(`... and ${more} more problem${more === 1 ? '' : 's'}`);
  return shown;
}
