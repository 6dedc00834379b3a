import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';

describe('cli basics', () => {
  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
  });

  it('config show --json reports values and sources', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['config', 'show', '--json'], { env: { LUCKYFIVE_PORT: '9999' }, cwd: dir });
      expect(r.code).toBe(0);
      const doc = r.json();
      expect(doc.values.port).toEqual({ value: 9999, source: 'env', env: 'LUCKYFIVE_PORT' });
      expect(doc.values.data_dir.source).toBe('default');
    } finally {
      cleanup();
    }
  });

  it('[13.5.2] config show hides the password of the Redis URL (and the secrets), keeping the rest of the URL', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const env = { LUCKYFIVE_RATE_LIMIT_REDIS_URL: 'redis://luckyfive:s3cr3t-pass@127.0.0.1:6390/2', LUCKYFIVE_JWT_SECRET: 'x'.repeat(40) };
      const r = await cli(['config', 'show', '--json'], { env, cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('s3cr3t-pass');
      expect(r.json().values.rate_limit_redis_url.value).toBe('redis://luckyfive:(hidden)@127.0.0.1:6390/2');
      expect(r.json().values.jwt_secret.value).toBe('(set, hidden)');
    } finally {
      cleanup();
    }
  });

  it('a bad config value exits 2 with a path: problem line', async () => {
    const r = await cli(['config', 'show'], { env: { LUCKYFIVE_THREADS: 'many' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LUCKYFIVE_THREADS/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('draws show on a missing contest is exit 3 or 4, never a crash', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['draws', 'show', '99999'], { dataDir: dir });
      expect([3, 4]).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error/);
    } finally {
      cleanup();
    }
  });

  it('[12.6.10] luckyfive and luckyfive draws with no subcommand print help to stderr and exit 2', async () => {
    for (const args of [[], ['draws'], ['runs'], ['ledger']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(/Usage: luckyfive/);
    }
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli(['draws', '--help'])).code).toBe(0);
  });

  it('[12.6.10] help X prints the full help of X, the same as X --help', async () => {
    for (const name of ['simulate', 'runs', 'ledger']) {
      const viaHelp = await cli(['help', name]);
      const viaFlag = await cli([name, '--help']);
      expect(viaHelp.code, name).toBe(0);
      expect(viaHelp.stdout, name).toBe(viaFlag.stdout);
      expect(viaHelp.stdout.split('\n').length, name).toBeGreaterThan(6);
    }
    expect((await cli(['help', 'simulate'])).stdout).toMatch(/--preset/);
    expect((await cli(['help', 'runs'])).stdout).toMatch(/verify/);
  });

  it('[12.6.10] -q silences warnings too: only errors reach stderr', async () => {
    const { dir, cleanup } = tempDir();
    try {
      // an empty catalog gets the synthetic sample, with a warning that -q must silence
      const loud = await cli(['draws', 'stats', '--json'], { dataDir: dir });
      expect(loud.code).toBe(0);
      expect(loud.stderr).not.toBe('');
      const quiet = await cli(['-q', 'draws', 'stats', '--json'], { dataDir: `${dir}/q` });
      expect(quiet.code).toBe(0);
      expect(quiet.stderr).toBe('');
    } finally {
      cleanup();
    }
  });

  it('[12.6.10] CLICOLOR_FORCE and FORCE_COLOR colour output off a TTY; NO_COLOR and --no-color win', async () => {
    // eslint-disable-next-line no-control-regex -- the ANSI escape is what is tested
    const red = /\u001b\[31merror:/;
    const args = ['draws', 'show', 'x'];
    expect((await cli(args, { env: { NO_COLOR: '' } })).stderr).not.toMatch(red);
    for (const env of [{ CLICOLOR_FORCE: '1' }, { FORCE_COLOR: '1' }, { FORCE_COLOR: '' }] as Array<Record<string, string>>) {
      expect((await cli(args, { env: { NO_COLOR: '', ...env } })).stderr, JSON.stringify(env)).toMatch(red);
    }
    expect((await cli(args, { env: { NO_COLOR: '', FORCE_COLOR: '0' } })).stderr).not.toMatch(red);
    expect((await cli(args, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).stderr).not.toMatch(red);
    expect((await cli(['--no-color', ...args], { env: { NO_COLOR: '', CLICOLOR_FORCE: '1' } })).stderr).not.toMatch(red);
  });

  it("[13.j.1] each command's description is the same in luckyfive --help and luckyfive <cmd> --help", async () => {
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
    // the Commands: section of the top-level help: "  name   description" with wrapped continuation lines
    const top = (await cli(['--help'])).stdout;
    const listed = new Map<string, string>();
    let current: string | undefined;
    for (const line of top.slice(top.indexOf('\nCommands:\n') + 11).split('\n')) {
      const entry = /^ {2}(\S+)(?: \S+)?\s{2,}(.*)$/.exec(line);
      if (entry) listed.set((current = entry[1]!), entry[2]!);
      else if (current && /^\s{3,}\S/.test(line)) listed.set(current, `${listed.get(current)!} ${line}`);
    }
    listed.delete('help');
    expect(listed.size).toBe(19);
    for (const [name, description] of listed) {
      const own = await cli([name, '--help']);
      expect(own.code, name).toBe(0);
      // "<cmd> --help": the usage line, a blank line, then the description up to the next blank line
      const paragraph = own.stdout.split('\n\n')[1] ?? '';
      expect(squash(paragraph), name).toBe(squash(description));
    }
  });
});
