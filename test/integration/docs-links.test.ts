/**
 * Every relative link of the project's Markdown resolves (issue 17): README.md, CONTRIBUTING.md,
 * CHANGELOG.md, bench/README.md and docs/**\/*.md, each link to a file or folder that exists and,
 * with `#anchor`, to a heading of that Markdown file (GitHub's slugs). The launch checklist gives
 * every item the command that verifies it; the tutorials use one shell convention (```sh).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, anchors, brokenLinks, docTestMarkers, fencedBlocks, markdownFiles, markdownLinks, readDoc, slug } from '../helpers/doc-blocks.js';

function checkedFiles(): string[] {
  const top = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'bench/README.md'].filter((f) => existsSync(join(ROOT, f)));
  return [...top, ...markdownFiles('docs')];
}

describe('documentation links', () => {
  it('[17.4.1] GitHub-style slugs and link extraction behave as GitHub renders them', () => {
    expect(slug('Sweeps, comparisons, leaderboards: counting every trial')).toBe('sweeps-comparisons-leaderboards-counting-every-trial');
    expect(slug('What CI runs (`.ci/run`)')).toBe('what-ci-runs-cirun');
    expect(slug('Deployment: one machine, many machines')).toBe('deployment-one-machine-many-machines');
    expect([...anchors('# A\n## B\n```sh\n# not a heading\n```\n## B\n')]).toEqual(['a', 'b', 'b-1']);
    const links = markdownLinks('[a](x.md#y) `[b](not-a-link.md)`\n```sh\n[c](in-code.md)\n```\n[d]: ../d.md\n[e](https://example.com)');
    expect(links.map((l) => l.target)).toEqual(['x.md#y', '../d.md', 'https://example.com']);
  });

  it('[17.4.2] the checker finds a missing file, a missing anchor, an anchor into a folder and a link leaving the repository', () => {
    const file = 'docs/tutorials/README.md';
    expect(
      brokenLinks(file, '[a](first-simulation.md) [b](../../README.md#quick-start) [c](#how-the-tutorials-are-tested)\n## How the tutorials are tested\n'),
    ).toEqual([]);
    const problems = brokenLinks(file, '[a](no-such-file.md)\n[b](../../README.md#no-such-heading)\n[c](../../../elsewhere.md)\n[d](../operations#x)\n');
    expect(problems).toEqual([
      'docs/tutorials/README.md:1: no-such-file.md: docs/tutorials/no-such-file.md does not exist',
      'docs/tutorials/README.md:2: ../../README.md#no-such-heading: no heading of README.md has the anchor #no-such-heading',
      'docs/tutorials/README.md:3: ../../../elsewhere.md: leaves the repository',
      'docs/tutorials/README.md:4: ../operations#x: an anchor into docs/operations, which is not a Markdown file',
    ]);
  });

  it('[17.4.3] every relative link in README.md, CONTRIBUTING.md, CHANGELOG.md, bench/README.md and docs/**/*.md resolves, anchors included', () => {
    const files = checkedFiles();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/tutorials/README.md', 'docs/operations/README.md']));
    expect(files.flatMap((f) => brokenLinks(f))).toEqual([]);
  });

  it('[17.4.4] every item of the launch checklist names the command that verifies it', () => {
    const text = readDoc('docs/operations/launch-checklist.md');
    const sections = text.split(/\n(?=- \[ \] )/).slice(1);
    expect(sections.length).toBeGreaterThanOrEqual(15);
    for (const section of sections) {
      const item = section.split('\n')[0]!;
      const body = section.split(/\n(?=#{2,} )/)[0]!;
      const verify = /\*\*Verify\*\*:([\s\S]*)/.exec(body);
      expect(verify, `launch checklist item without "**Verify**:": ${item}`).not.toBeNull();
      const hasCommand = /`[^`\n]+`/.test(verify![1]!) || fencedBlocks(verify![1]!).length > 0;
      expect(hasCommand, `launch checklist item without a command in a code span or block: ${item}`).toBe(true);
    }
  });

  it('[17.4.8] every alert of alerts.yml has its section in docs/operations/alerts.md, and each section links the operations runbooks it leads to', () => {
    const rules = readDoc('monitoring/prometheus/rules/alerts.yml');
    const alerts = new Set([...rules.matchAll(/- alert: (\S+)/g)].map((m) => m[1]!));
    const urls = [...rules.matchAll(/runbook_url: (\S+)/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(alerts.size);
    for (const url of urls) expect(brokenLinks('monitoring/prometheus/rules/alerts.yml', `[x](../../../${url})`), url).toEqual([]);
    const sections = readDoc('docs/operations/alerts.md')
      .split(/\n(?=## )/)
      .slice(1);
    const runbooks = new Set([
      'deploy.md',
      'rollback.md',
      'backup-and-restore.md',
      'key-rotation.md',
      'incident-response.md',
      '../tutorials/scaling-out-with-workers.md',
    ]);
    for (const section of sections) {
      const name = /^## (\S+)/.exec(section)![1]!;
      const line = /\*\*Runbooks\*\*: (.+)/.exec(section)?.[1] ?? '';
      const linked = markdownLinks(line).map((l) => l.target);
      expect(linked.length, `${name}: no **Runbooks** line`).toBeGreaterThan(0);
      for (const target of linked) expect(runbooks, `${name}: ${target}`).toContain(target);
    }
    // the operations index names every runbook
    const index = markdownLinks(readDoc('docs/operations/README.md')).map((l) => l.target);
    for (const runbook of [...runbooks].filter((r) => !r.startsWith('..'))) expect(index, runbook).toContain(runbook);
  });

  it('[17.4.5] the tutorials use ```sh for what the reader runs and ```text for what they see, never ```bash or ```console', () => {
    const tutorials = markdownFiles('docs/tutorials').filter((f) => !f.endsWith('README.md'));
    expect(tutorials.length).toBeGreaterThanOrEqual(7);
    for (const file of tutorials) {
      const langs = new Set(fencedBlocks(readDoc(file)).map((b) => b.lang));
      for (const wrong of ['bash', 'console', 'shell', 'shell-session', 'zsh', ''])
        expect(langs.has(wrong), `${file}: a \`\`\`${wrong} block (use sh for commands, text for output)`).toBe(false);
      expect(langs.has('sh'), `${file} has no sh block`).toBe(true);
      // only the Docker tutorial may stay out of the doc test (it needs a Docker engine)
      if (!file.endsWith('deploying-with-docker.md')) expect(docTestMarkers(readDoc(file)).has('skip'), `${file} is marked doc-test: skip`).toBe(false);
    }
  });
});
