import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE } from '../../src/errors.js';

describe('error table', () => {
  it('the README documents exactly the code table', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.split('## Exit and error codes')[1]?.split('\n## ')[0] ?? '';
    const rows = [...section.matchAll(/^\| `(E_[A-Z_]+)` \| (\d+) \| (\d+) \| (.+?) \|$/gm)].map((m) => ({
      code: m[1],
      exit: Number(m[2]),
      http: Number(m[3]),
      message: m[4],
    }));
    const table = Object.entries(ERROR_TABLE).map(([code, v]) => ({ code, exit: v.exit, http: v.http, message: v.message }));
    expect(rows).toEqual(table);
  });

  it('the documented exit codes are the ones the issue promises', () => {
    expect(ERROR_TABLE.E_INTERNAL.exit).toBe(1);
    expect(ERROR_TABLE.E_USAGE.exit).toBe(2);
    expect(ERROR_TABLE.E_NOT_FOUND.exit).toBe(3);
    expect(ERROR_TABLE.E_DATA_INVALID.exit).toBe(4);
    expect(ERROR_TABLE.E_BUSY.exit).toBe(5);
    expect(ERROR_TABLE.E_INTERRUPTED.exit).toBe(130);
  });
});
