// Static checks of the Docker files (Dockerfile, .dockerignore, the compose files and the test's
// override): cheap guards for what scripts/docker-test.sh proves for real with a Docker engine,
// which a user's machine or a quick CI run may lack.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Dockerfile instructions, continuation lines joined and comments dropped. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The top-level service names of a compose file (two-space indented keys under `services:`). */
function serviceNames(text: string): string[] {
  const block = text.split(/^services:\n/m)[1]?.split(/^\S/m)[0] ?? '';
  return [...block.matchAll(/^ {2}([\w-]+):\s*$/gm)].map((m) => m[1]!);
}

/** One service's block of a compose file. */
function serviceBlock(text: string, name: string): string {
  const start = text.indexOf(`\n  ${name}:\n`);
  if (start < 0) return '';
  const rest = text.slice(start + name.length + 5);
  const end = rest.search(/\n {2}[\w-]+:\s*\n|\n\S/);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('Dockerfile', () => {
  const lines = instructions(read('Dockerfile'));
  const froms = lines.filter((l) => /^FROM /i.test(l));
  const runtime = lines.slice(lines.lastIndexOf(froms.at(-1)!));

  it('[16.2.1] takes the base image as an argument, the official node:24-bookworm-slim by default, for both stages', () => {
    expect(lines[0]).toBe('ARG BASE_IMAGE=node:24-bookworm-slim');
    expect(froms).toEqual(['FROM ${BASE_IMAGE} AS build', 'FROM ${BASE_IMAGE} AS runtime']);
  });

  it('[16.2.2] the runtime stage runs as a fixed non-root uid, keeps /data in a volume, checks /api/v1/health without curl and starts under tini', () => {
    const user = runtime.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBe('USER 10001:10001');
    expect(runtime).toContain('VOLUME ["/data"]');
    expect(runtime.join('\n')).toMatch(/LUCKYFIVE_DATA_DIR=\/data/);
    const health = runtime.find((l) => l.startsWith('HEALTHCHECK '));
    expect(health).toMatch(/\/api\/v1\/health/);
    expect(health).not.toMatch(/curl|wget/);
    expect(runtime.find((l) => l.startsWith('ENTRYPOINT '))).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"/);
    expect(runtime.join('\n')).toMatch(/org\.opencontainers\.image\.version="\$\{VERSION\}"/);
  });

  it('[16.2.3] every file the Dockerfile copies from the context exists and is not excluded by .dockerignore', () => {
    const ignore = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const excluded = (path: string) => {
      let out = false;
      for (const rule of ignore) {
        const negated = rule.startsWith('!');
        const pattern = (negated ? rule.slice(1) : rule).replace(/\/$/, '');
        const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
        if (re.test(path)) out = !negated;
      }
      return out;
    };
    const sources = lines
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1))
      .filter((s) => !s.startsWith('--'));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(excluded(source.replace(/\/$/, '')), source).toBe(false);
    }
    for (const heavy of ['node_modules', '.git', 'dist', 'dist-bin', '.cache', 'test-output', 'data/catalog.sqlite']) expect(excluded(heavy), heavy).toBe(true);
  });
});

describe('compose files', () => {
  const base = read('docker-compose.yml');
  const testOverride = read('deploy/docker/compose.test.yml');

  it('[16.2.4] the laptop stack publishes the API on 127.0.0.1 only and starts after a healthy Redis', () => {
    expect(serviceNames(base)).toEqual(['redis', 'api', 'worker-1', 'worker-2']);
    const published = [...base.matchAll(/^\s*- (\S+:\S+)\s*$/gm)].map((m) => m[1]!).filter((p) => /:\d+$/.test(p));
    expect(published).toEqual(['127.0.0.1:${LUCKYFIVE_HTTP_PORT:-8080}:8080']);
    for (const name of ['api', 'worker-1', 'worker-2']) expect(serviceBlock(base, name), name).toMatch(/depends_on:\n\s+redis:\n\s+condition: service_healthy/);
    expect(base).toMatch(/read_only: true/);
  });

  it('[16.2.5] the test override puts every service on the host network, on 127.0.0.1, with no bridge or private-range address', () => {
    expect(serviceNames(testOverride).sort()).toEqual(serviceNames(base).sort());
    for (const name of serviceNames(testOverride)) expect(serviceBlock(testOverride, name), name).toMatch(/network_mode: host/);
    const prodOverride = read('deploy/docker/compose.test-prod.yml');
    expect(serviceBlock(prodOverride, 'proxy')).toMatch(/network_mode: host/);
    for (const text of [testOverride, prodOverride].map((t) => t.replace(/^\s*#.*$/gm, ''))) {
      expect(text).not.toMatch(/\b(10\.\d+|172\.(1[6-9]|2\d|3[01])|192\.168)\.\d+\.\d+/);
      expect(text).not.toMatch(/0\.0\.0\.0|\b(8080|6379)\b/);
    }
  });

  it('[16.2.6] the production variant puts the API behind the TLS proxy and trusts only its subnet', () => {
    const prod = read('docker-compose.prod.yml');
    expect(serviceBlock(prod, 'proxy')).toMatch(/\/etc\/caddy\/Caddyfile/);
    expect(serviceBlock(prod, 'api')).toMatch(/LUCKYFIVE_TRUST_PROXY: \$\{LUCKYFIVE_PROXY_SUBNET:-172\.31\.250\.0\/24\}/);
    expect(prod).toMatch(/subnet: \$\{LUCKYFIVE_PROXY_SUBNET:-172\.31\.250\.0\/24\}/);
    expect(read('deploy/docker/Caddyfile')).toMatch(/reverse_proxy \{\$LUCKYFIVE_UPSTREAM:api:8080\}/);
  });
});

describe('Docker scripts', () => {
  it('[16.2.7] parse with bash -n, stop at the first error and say how they are used', () => {
    for (const script of ['scripts/docker-test.sh', 'scripts/docker-base-images.sh']) {
      const text = read(script);
      expect(text, script).toMatch(/^set -euo pipefail$/m);
      expect(text, script).toMatch(/^# Usage: /m);
      const parsed = spawnSync('bash', ['-n', join(ROOT, script)], { encoding: 'utf8' });
      expect(parsed.status, parsed.stderr).toBe(0);
    }
  });
});
