/**
 * Writes `.env.example` from the configuration registry (`CONFIG_FIELDS` in src/config.ts): every
 * setting with its `LUCKYFIVE_*` variable, default and meaning, grouped; secrets left empty with how
 * to make one; then the variables the deploy and maintenance scripts read, and the compose stack's.
 * `npx tsx scripts/gen-env-example.ts` writes it; `--check` exits 1 when the committed file is stale
 * (a test checks the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONFIG_FIELDS } from '../src/config.js';

interface Entry {
  key: string;
  env: string;
  doc: string;
  /** the default as text, or undefined when unset */
  default: string | undefined;
  secret: boolean;
}

/** Settings that are secrets: never given a value in the example, each with how to make one. */
const SECRET_HOWTO: Record<string, string> = {
  books_key: 'make one: openssl rand -base64 48 (keep it: backups are signed under it)',
  server_secret: 'make one: openssl rand -base64 48 (changing it invalidates every API key)',
  jwt_secret: 'make one: openssl rand -base64 48 (only when clients sign in with JWTs)',
};

/** Defaults that depend on the machine, said in words so the file is the same everywhere. */
const DEFAULT_TEXT: Record<string, string> = { threads: 'the number of cores' };

function isSecret(key: string): boolean {
  return key in SECRET_HOWTO || /(^|_)(secret|password|token)$/.test(key) || key.endsWith('_key');
}

function defaultText(key: string, make: () => unknown): string | undefined {
  if (key in DEFAULT_TEXT) return DEFAULT_TEXT[key];
  const v = make();
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function group(key: string, doc: string): string {
  if (key.startsWith('rate_limit_')) return 'Rate limits (serve)';
  if (key.startsWith('queue_')) return 'Run queue (Redis, for workers)';
  if (key.startsWith('jwt_') || key === 'server_secret' || key.startsWith('web_session_')) return 'Authentication (serve)';
  if (key.startsWith('books_')) return 'Books (the ledger seal and backup signatures)';
  if (doc.startsWith('serve:')) return 'Server (serve)';
  return 'General';
}

const GROUP_ORDER = [
  'General',
  'Books (the ledger seal and backup signatures)',
  'Server (serve)',
  'Authentication (serve)',
  'Rate limits (serve)',
  'Run queue (Redis, for workers)',
];

function entries(): Entry[] {
  return Object.entries(CONFIG_FIELDS).map(([key, field]) => ({
    key,
    env: field.env,
    doc: field.doc,
    default: defaultText(key, field.default),
    secret: isSecret(key),
  }));
}

function settingLines(e: Entry): string[] {
  const lines = [`# ${e.key}: ${e.doc}`];
  if (e.secret) {
    lines.push(`# SECRET: ${SECRET_HOWTO[e.key] ?? 'make one: openssl rand -base64 48'}; never commit it`);
    lines.push(`${e.env}=`);
  } else {
    lines.push(`# default: ${e.default === undefined ? '(unset)' : e.default === '' ? '(none)' : e.default}`);
    lines.push(`#${e.env}=${e.key in DEFAULT_TEXT ? '' : (e.default ?? '')}`);
  }
  return lines;
}

/** Variables read by scripts, not by luckyfive itself. */
const SCRIPT_SECTIONS: { title: string; lines: string[] }[] = [
  {
    title: 'Deploys: scripts/deploy.sh and scripts/rollback.sh (their headers say more)',
    lines: [
      '# a viewer API key for the smoke requests of the deploy gate (luckyfive auth key create --role viewer)',
      '# SECRET: never commit it',
      'LUCKYFIVE_SMOKE_KEY=',
      '# extra flags for serve and for workers, read by the systemd units and the deploy scripts alike',
      '#LUCKYFIVE_SERVE_FLAGS=--tls-cert /etc/luckyfive/tls/fullchain.pem --tls-key /etc/luckyfive/tls/privkey.pem',
      '#LUCKYFIVE_WORKER_FLAGS=--concurrency 1',
      '# process (pidfiles and logs under LUCKYFIVE_HOME) or systemd (deploy/systemd units)',
      '#LUCKYFIVE_SERVICE_MANAGER=process',
      '# luckyfive worker processes (systemd: luckyfive-worker@1..N) started with serve',
      '#LUCKYFIVE_DEPLOY_WORKERS=0',
      '# seconds to wait for /api/v1/health; seconds a process has to drain after SIGTERM',
      '#LUCKYFIVE_DEPLOY_HEALTH_TIMEOUT=60',
      '#LUCKYFIVE_DEPLOY_STOP_TIMEOUT=60',
      '# where serve answers (default http://LUCKYFIVE_HOST:LUCKYFIVE_PORT) and extra curl flags for it',
      '#LUCKYFIVE_DEPLOY_URL=',
      '#LUCKYFIVE_DEPLOY_CURL_FLAGS=',
      '# run luckyfive as this user when the deploy runs as root',
      '#LUCKYFIVE_DEPLOY_USER=luckyfive',
      '# the single binary: where it extracts its bundle and addons (default $XDG_CACHE_HOME/luckyfive, else ~/.cache/luckyfive)',
      '#LUCKYFIVE_CACHE_DIR=',
      '# backup folders of the deploys (default LUCKYFIVE_HOME/backups)',
      '#LUCKYFIVE_DEPLOY_BACKUP_DIR=',
    ],
  },
  {
    title: 'Nightly maintenance: scripts/nightly-maintenance.sh (deploy/systemd/luckyfive-maintain.timer)',
    lines: [
      '# where backup folders go (default <data dir>/../luckyfive-backups)',
      '#LUCKYFIVE_BACKUP_DIR=',
      '# backup folders older than this many days are deleted (the newest is always kept)',
      '#LUCKYFIVE_BACKUP_RETENTION_DAYS=14',
      '# log file (default <backup dir>/nightly-maintenance.log)',
      '#LUCKYFIVE_MAINTENANCE_LOG=',
      '# extra flags for `luckyfive maintain`, e.g. --vacuum',
      '#LUCKYFIVE_MAINTAIN_FLAGS=',
      '# how to run luckyfive (default node <repo>/bin/luckyfive.js; the single binary: /opt/luckyfive/current/luckyfive)',
      '#LUCKYFIVE_CLI=',
    ],
  },
  {
    // Read by compose itself (interpolation), not by luckyfive: the compose stack's owner keeps this list.
    title: 'Docker Compose: docker-compose.yml and docker-compose.prod.yml (read by compose, not by luckyfive)',
    lines: [
      '# the image to run, and the version label it is built with',
      '#LUCKYFIVE_IMAGE=luckyfive:local',
      '#LUCKYFIVE_VERSION=dev',
      '# the port the API is published on, on 127.0.0.1',
      '#LUCKYFIVE_HTTP_PORT=8080',
      '#LUCKYFIVE_REDIS_IMAGE=redis:7-bookworm',
      '# the settings file every luckyfive service reads',
      '#LUCKYFIVE_ENV_FILE=.env',
      '# production variant: the domain, the ACME e-mail address (or internal for a local CA), the proxy',
      '#LUCKYFIVE_SITE=localhost',
      '#LUCKYFIVE_TLS=internal',
      '#LUCKYFIVE_PROXY_IMAGE=caddy:2',
      '#LUCKYFIVE_PROXY_HTTP_PORT=80',
      '#LUCKYFIVE_PROXY_HTTPS_PORT=443',
      '#LUCKYFIVE_PROXY_SUBNET=172.31.250.0/24',
    ],
  },
];

/** The whole `.env.example` text. */
export function buildEnvExample(): string {
  const all = entries();
  const out = [
    '# luckyfive settings: copy to .env (compose) or /etc/luckyfive/luckyfive.env (systemd, deploy.sh) and edit.',
    '# Generated by `npx tsx scripts/gen-env-example.ts` from src/config.ts: edit the generator, not this file.',
    '# Precedence: command-line flags > these LUCKYFIVE_* variables > luckyfive.config.json > defaults.',
    '# An empty value counts as unset. Lines starting with # are defaults, shown for reference.',
  ];
  const groups = [...new Set([...GROUP_ORDER, ...all.map((e) => group(e.key, e.doc))])];
  for (const g of groups) {
    const members = all.filter((e) => group(e.key, e.doc) === g);
    if (!members.length) continue;
    out.push('', `# ---- ${g} ----`);
    for (const e of members) out.push('', ...settingLines(e));
  }
  for (const s of SCRIPT_SECTIONS) out.push('', `# ---- ${s.title} ----`, ...s.lines);
  return `${out.join('\n')}\n`;
}

export const ENV_EXAMPLE_FILE = resolve(import.meta.dirname, '../.env.example');

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const text = buildEnvExample();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(ENV_EXAMPLE_FILE, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      console.error(`${ENV_EXAMPLE_FILE} is stale: run npx tsx scripts/gen-env-example.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(ENV_EXAMPLE_FILE, text);
    console.error(`wrote ${ENV_EXAMPLE_FILE}`);
  }
}
