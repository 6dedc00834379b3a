// `redocly lint` (recommended rules, redocly.yaml) on docs/openapi.json: no error, and the warnings are exactly the ones
// docs/api.md lists as kept. Offline: no telemetry, no update check (the CLI runs as a child, stopped on timeout).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The rule ids listed under docs/api.md's last section (`- \`rule-id\`: why`). */
function documentedWarnings(): string[] {
  const text = readFileSync(resolve(ROOT, 'docs/api.md'), 'utf8');
  const at = text.lastIndexOf('\n## ');
  expect(text.slice(at), 'the last section of docs/api.md lists the lint warnings kept').toMatch(/^\n## Lint warnings kept/);
  return [...text.slice(at).matchAll(/^- `([a-z0-9-]+)`/gm)].map((m) => m[1]!).sort();
}

describe('redocly lint', () => {
  it('[17.2.5] docs/openapi.json has no lint error, and its warnings are the ones docs/api.md lists', () => {
    const cli = resolve(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');
    const run = spawnSync(process.execPath, [cli, 'lint', 'docs/openapi.json', '--format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    expect(run.error, 'redocly did not finish').toBeUndefined();
    const out = run.stdout;
    const report = JSON.parse(out) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string }> };
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
    const warned = [...new Set(report.problems.filter((p) => p.severity === 'warn').map((p) => p.ruleId))].sort();
    expect(warned).toEqual(documentedWarnings());
  }, 90_000);
});
