/**
 * The Docker tutorial cannot run in the doc test (no Docker engine there; scripts/docker-test.sh
 * runs the real stack), so its commands are checked against the files they use (issue 17): every
 * `docker compose` service it names is a service of the compose files, every `-f` file and every
 * path it reads in the checkout exists, every path inside the image is one the Dockerfile copies,
 * every variable it sets or reads is one the compose files or the configuration know, and the API
 * routes it calls are in the committed OpenAPI document.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, docTestMarkers, readDoc, shellBlocks } from '../helpers/doc-blocks.js';

const TUTORIAL = 'docs/tutorials/deploying-with-docker.md';

/** The top-level service names of a compose file (two-space indented keys under `services:`). */
function services(file: string): string[] {
  const text = readDoc(file);
  const block = text.slice(text.indexOf('\nservices:\n'));
  const end = block.slice(1).search(/\n\S/);
  return [...(end < 0 ? block : block.slice(0, end + 1)).matchAll(/^ {2}([a-z0-9-]+):\s*$/gm)].map((m) => m[1]!);
}

describe('the Docker tutorial', () => {
  const text = readDoc(TUTORIAL);
  const commands = shellBlocks(text)
    .map((b) => b.body)
    .join('')
    .replace(/\\\n\s*/g, ' ');

  it('[17.4.9] is the one tutorial the doc test leaves out, and says why', () => {
    expect(docTestMarkers(text).get('skip')).toMatch(/Docker/);
    expect(commands).toMatch(/docker compose up -d/);
  });

  it('[17.4.9] names only services of the compose files, and compose files that exist', () => {
    const known = new Set([...services('docker-compose.yml'), ...services('docker-compose.prod.yml')]);
    expect(known).toEqual(new Set(['redis', 'api', 'worker-1', 'worker-2', 'proxy']));
    const named = [...commands.matchAll(/docker compose (?:-f \S+ )*(?:exec -T|exec|logs(?: --tail \d+)?|restart|ps|kill -s \w+) ([a-z0-9-]+)/g)].map(
      (m) => m[1]!,
    );
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const service of named) expect(known, service).toContain(service);
    for (const m of commands.matchAll(/-f (\S+)/g)) expect(existsSync(join(ROOT, m[1]!)), m[1]).toBe(true);
  });

  it('[17.4.9] reads files that exist in the checkout and in the image', () => {
    for (const m of commands.matchAll(/file=@(\S+?)"/g)) expect(existsSync(join(ROOT, m[1]!)), m[1]).toBe(true);
    expect(commands).toContain('cp .env.example .env');
    expect(existsSync(join(ROOT, '.env.example'))).toBe(true);
    // /app/bin/luckyfive.js: the Dockerfile's WORKDIR /app and `COPY bin ./bin`
    expect(commands).toContain('node /app/bin/luckyfive.js');
    expect(readDoc('Dockerfile')).toMatch(/WORKDIR \/app[\s\S]*COPY bin \.\/bin/);
  });

  it('[17.4.9] uses variables the compose files read, and API routes the OpenAPI document has', () => {
    const composeText = readDoc('docker-compose.yml') + readDoc('docker-compose.prod.yml');
    for (const name of ['LUCKYFIVE_HTTP_PORT', 'LUCKYFIVE_SITE', 'LUCKYFIVE_TLS']) {
      expect(text, name).toContain(name);
      expect(composeText, name).toContain(`\${${name}`);
    }
    const paths = Object.keys((JSON.parse(readDoc('docs/openapi.json')) as { paths: Record<string, unknown> }).paths);
    const called = [...commands.matchAll(/\$api(\/[a-z/$]+)/g)].map((m) => m[1]!.replace(/\/\$\w+/g, '/{id}'));
    expect(called).toEqual(expect.arrayContaining(['/health', '/imports', '/simulations']));
    for (const route of called) {
      const pattern = new RegExp(`^(/api/v1)?${route.replace(/\{id\}/g, '\\{[a-z_]+\\}')}$`);
      expect(
        paths.some((p) => pattern.test(p)),
        `${route} is not in docs/openapi.json`,
      ).toBe(true);
    }
  });
});
