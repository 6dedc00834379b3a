/**
 * `.env.example` documents every setting (issue 16): each key of the configuration registry with its
 * `LUCKYFIVE_*` variable, no secret with a value, and the committed file equal to what
 * scripts/gen-env-example.ts makes from src/config.ts (stale when a setting is added without it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_EXAMPLE_FILE, buildEnvExample } from '../../scripts/gen-env-example.js';
import { CONFIG_FIELDS } from '../../src/config.js';

const text = readFileSync(ENV_EXAMPLE_FILE, 'utf8');
const lines = text.split('\n');

describe('.env.example', () => {
  it('[16.3.5] names every setting of src/config.ts by its LUCKYFIVE_* variable, each after a comment with its key and meaning', () => {
    for (const [key, field] of Object.entries(CONFIG_FIELDS)) {
      const at = lines.findIndex((l) => l === `${field.env}=` || l.startsWith(`#${field.env}=`));
      expect(at, `${field.env} (${key}) is in .env.example`).toBeGreaterThan(0);
      expect(lines.slice(Math.max(0, at - 3), at).join('\n')).toContain(`# ${key}: ${field.doc}`);
    }
  });

  it('[16.3.6] gives no secret a value, and says how to make each', () => {
    const secrets = lines.filter((l) => /^[A-Z_]+=/.test(l));
    expect(secrets.map((l) => l.replace(/=.*/, '')).sort()).toEqual(
      ['LUCKYFIVE_BOOKS_KEY', 'LUCKYFIVE_JWT_SECRET', 'LUCKYFIVE_SERVER_SECRET', 'LUCKYFIVE_SMOKE_KEY'].sort(),
    );
    for (const l of secrets) expect(l, 'a secret line is empty').toMatch(/^[A-Z_]+=$/);
    for (const env of ['LUCKYFIVE_BOOKS_KEY', 'LUCKYFIVE_JWT_SECRET', 'LUCKYFIVE_SERVER_SECRET']) {
      const at = lines.indexOf(`${env}=`);
      expect(lines[at - 1]).toMatch(/^# SECRET: make one: openssl rand/);
    }
  });

  it('[16.3.7] is what scripts/gen-env-example.ts makes from the registry (run `npx tsx scripts/gen-env-example.ts` when this fails)', () => {
    expect(text).toBe(buildEnvExample());
  });
});
