/**
 * The tutorials run as written (issue 17): each tutorial of docs/tutorials/ has its ```sh blocks
 * run in order in one bash session (`set -euo pipefail`), in a fresh folder, with a fresh data dir
 * (LUCKYFIVE_DATA_DIR), HOME in a temp folder, a `luckyfive` on PATH that runs this checkout's
 * `bin/luckyfive.js`, and free ports in PORT and REDIS_PORT (the tutorials write `${PORT:-8080}`).
 * A command that fails, a block that does not exit as its `# exit N` says, or a stack trace in the
 * output fails the test. Each tutorial runs in its own process group, killed at the end whatever
 * happened, within a time bound. A tutorial marked `<!-- doc-test: skip REASON -->` (Docker) is not
 * run here; `<!-- doc-test: needs CMD... -->` skips it with a message when a command is missing,
 * unless LUCKYFIVE_REQUIRE_SHARED=1. Needs the build (`npm run build`): skips without dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, buildScript, docTestMarkers, expectedExit, findStackTrace, markdownFiles, readDoc, shellBlocks } from '../helpers/doc-blocks.js';
import { freePort } from '../helpers/redis.js';
import { presentOrSkip } from '../helpers/shared.js';

const TUTORIAL_TIMEOUT_MS = 150_000;
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const tutorials = markdownFiles('docs/tutorials').filter((f) => !f.endsWith('README.md'));
const scratch = mkdtempSync(join(tmpdir(), 'lf-doc-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const haveCommand = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

interface TutorialRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

/** Runs a tutorial's script in a fresh folder, in its own process group, killed at the end. */
async function runTutorial(file: string, script: string): Promise<TutorialRun> {
  const dir = mkdtempSync(join(scratch, 'run-'));
  const bin = join(dir, 'bin');
  const work = join(dir, 'work');
  const home = join(dir, 'home');
  for (const d of [bin, work, home]) mkdirSync(d);
  writeFileSync(join(bin, 'luckyfive'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/luckyfive.js')}" "$@"\n`);
  chmodSync(join(bin, 'luckyfive'), 0o755);
  writeFileSync(join(dir, 'tutorial.sh'), script);
  // nothing of the caller's luckyfive settings leaks in: a reader starts from none
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LUCKYFIVE_')));
  Object.assign(env, {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: home,
    LUCKYFIVE_DATA_DIR: join(dir, 'data'),
    PORT: String(await freePort()),
    REDIS_PORT: String(await freePort()),
    NO_COLOR: '1',
  });
  const child = spawn('bash', [join(dir, 'tutorial.sh')], { cwd: work, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let timedOut = false;
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, TUTORIAL_TIMEOUT_MS);
  // 'exit', not 'close': a server the tutorial left running would hold the pipes open
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  killGroup();
  return { code, signal, output: `${output}\n(in ${dir}; ${file})`, timedOut };
}

describe('tutorials', () => {
  it('[17.4.6] the script runs blocks in one session, stops at a failing command and checks `# exit N`', async () => {
    if (!presentOrSkip(built, 'dist/ is not built (npm run build)', 'the tutorial doc tests')) return;
    const md = (blocks: string[]) => blocks.map((b) => `\`\`\`sh\n${b}\n\`\`\`\n`).join('text\n');
    const ok = await runTutorial(
      'ok.md',
      buildScript(shellBlocks(md(['cd /tmp && x=1', 'test "$PWD" = /tmp && test "$x" = 1', '# exit 3\nsh -c "exit 3"', 'luckyfive --version'])), 'ok.md'),
    );
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toMatch(/^\d+\.\d+\.\d+$/m);
    const failing = await runTutorial('bad.md', buildScript(shellBlocks(md(['false', 'echo never'])), 'bad.md'));
    expect(failing.code).not.toBe(0);
    expect(failing.output).toContain('::: doc block at bad.md:1');
    expect(failing.output).not.toContain('never');
    const wrongExit = await runTutorial('exit.md', buildScript(shellBlocks(md(['# exit 4\ntrue'])), 'exit.md'));
    expect(wrongExit.code).toBe(99);
    expect(wrongExit.output).toContain('exited 0, expected 4');
    expect(findStackTrace('Error: boom\n    at main (file:///app/dist/cli/main.js:10:5)\n')).toBe('at main (file:///app/dist/cli/main.js:10:5)');
    expect(findStackTrace('    at node:internal/process/task_queues:95:5')).not.toBeNull();
    expect(findStackTrace('R$ 2.250,00 spent\n  at most 30 contests\n')).toBeNull();
  });

  for (const file of tutorials) {
    const text = readDoc(file);
    const markers = docTestMarkers(text);
    const skip = markers.get('skip');
    if (skip !== undefined) {
      it.skip(`[17.4.7] ${file}: not run here (${skip})`, () => {});
      continue;
    }
    it(
      `[17.4.7] ${file}: every sh block runs in a fresh data folder without a failure or a stack trace`,
      async () => {
        if (!presentOrSkip(built, 'dist/ is not built (npm run build)', 'the tutorial doc tests')) return;
        const needs = (markers.get('needs') ?? '').split(/\s+/).filter(Boolean);
        const missing = needs.filter((cmd) => !haveCommand(cmd));
        if (!presentOrSkip(missing.length === 0, `${missing.join(', ')} not installed`, file)) return;
        const blocks = shellBlocks(text);
        expect(blocks.length, file).toBeGreaterThan(0);
        const run = await runTutorial(file, buildScript(blocks, file));
        expect(run.timedOut, `${file} took over ${TUTORIAL_TIMEOUT_MS / 1000} s\n${run.output}`).toBe(false);
        expect(run.code, `${file} failed\n${run.output}`).toBe(0);
        expect(findStackTrace(run.output), `${file} printed a stack trace\n${run.output}`).toBeNull();
        // every block ran: the last block's marker is in the output
        expect(run.output).toContain(`::: doc block at ${file}:${blocks.at(-1)!.line}`);
        // a block expecting a failure did fail as said (its marker is followed by no "expected" complaint)
        expect(blocks.filter((b) => expectedExit(b) !== 0).every((b) => !run.output.includes(`${file}:${b.line} exited`))).toBe(true);
      },
      TUTORIAL_TIMEOUT_MS + 30_000,
    );
  }
});
