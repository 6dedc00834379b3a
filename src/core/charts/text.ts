/**
 * Words for the text of charts and reports: a count with its noun in the right number
 * (`1 contest`, `2 contests`, `1 entry`), so no builder writes `1 budgets` or `problem(s)`.
 */

/** `n` and its noun: `one` for exactly 1, else `many` (default: `one` + "s"). */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
