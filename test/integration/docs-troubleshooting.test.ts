/**
 * docs/troubleshooting.md (issue 17): one section per error code of src/errors.ts, each saying the
 * code's exit code, HTTP status and message as the table has them, then the sections for problems
 * that are not one code; every link inside the page leads to one of its headings.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE, type ErrorCode } from '../../src/errors.js';

const text = readFileSync(resolve(import.meta.dirname, '../../docs/troubleshooting.md'), 'utf8');
const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);

/** GitHub's heading anchors: lower case, punctuation but dashes dropped, spaces to dashes. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

function section(heading: string): string {
  return text.split(`\n## ${heading}\n`)[1]!.split('\n## ')[0]!;
}

describe('docs/troubleshooting.md', () => {
  it('[17.3.4] has one section per error code of src/errors.ts, in the table order, each with its exit code, HTTP status and message', () => {
    const codeHeadings = headings.filter((h) => /^`E_[A-Z_]+`$/.test(h)).map((h) => h.slice(1, -1));
    expect(codeHeadings).toEqual(Object.keys(ERROR_TABLE));
    for (const [code, row] of Object.entries(ERROR_TABLE)) {
      const first = section(`\`${code}\``).trim().split('\n')[0];
      expect(first, code).toBe(`Exit code ${row.exit}, HTTP status ${row.http}. Message: ${row.message}.`);
      expect(section(`\`${code}\``), `${code} says its causes and fixes`).toMatch(/\*\*Causes\.\*\*[\s\S]+\*\*Fixes\.\*\*/);
    }
  });

  it('[17.3.5] the exit-code summary puts each code under its exit code, each code once', () => {
    const rows = text.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    const seen: string[] = [];
    for (const r of rows) {
      const exit = Number(r.split('|')[1]);
      for (const m of r.split('|')[3]!.matchAll(/`(E_[A-Z_]+)`/g)) {
        const code = m[1] as ErrorCode;
        expect(ERROR_TABLE[code]?.exit, `${code} under exit ${exit}`).toBe(exit);
        seen.push(code);
      }
    }
    expect(seen.sort()).toEqual(Object.keys(ERROR_TABLE).sort());
  });

  it('[17.3.6] covers stale locks, a full disk, a damaged file, a failed better-sqlite3 build and the server behind a proxy, and its links lead to its headings', () => {
    for (const h of ['Stale locks', 'Disk full', 'A damaged file', 'A failed better-sqlite3 build', 'The server behind a proxy']) expect(headings).toContain(h);
    expect(section('Stale locks')).toContain('maintain.lock');
    expect(section('The server behind a proxy')).toContain('trust_proxy');
    const anchors = new Set(headings.map(anchor));
    const links = [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(3);
    for (const l of links) expect(anchors, `#${l}`).toContain(l);
  });
});
