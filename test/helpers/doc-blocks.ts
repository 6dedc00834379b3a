/**
 * Reading the project's Markdown for the doc tests: the ```sh blocks of a tutorial (run by
 * test/integration/docs-tutorials.test.ts), the `<!-- doc-test: ... -->` markers a tutorial
 * carries, stack traces in what a run printed, and the relative links and GitHub-style heading
 * anchors that test/integration/docs-links.test.ts resolves. The conventions are written down in
 * docs/tutorials/README.md ("How the tutorials are tested").
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** One fenced block of a Markdown file. */
export interface FencedBlock {
  /** the info string's first word: `sh`, `text`, `json`... ('' when none) */
  lang: string;
  /** the block's text, without the fences, ending with a newline */
  body: string;
  /** 1-based line of the opening fence */
  line: number;
}

/** Every fenced block (``` or ~~~) of a Markdown text, in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j]!)) body.push(lines[j++]!);
    blocks.push({ lang: open[3]!.toLowerCase(), body: body.length ? `${body.join('\n')}\n` : '', line: i + 1 });
    i = j;
  }
  return blocks;
}

/** The blocks the doc test runs: ```sh only (```bash and ```console are not used by the tutorials; a test says so). */
export const shellBlocks = (markdown: string): FencedBlock[] => fencedBlocks(markdown).filter((b) => b.lang === 'sh');

/** The exit code a block declares with a first line `# exit N`, else 0. */
export function expectedExit(block: FencedBlock): number {
  const m = /^# exit (\d+)\s*$/.exec(block.body.split('\n')[0] ?? '');
  return m ? Number(m[1]) : 0;
}

/** The `<!-- doc-test: KEY VALUE... -->` markers of a tutorial, as KEY -> the rest of the line. */
export function docTestMarkers(markdown: string): Map<string, string> {
  const markers = new Map<string, string>();
  for (const m of markdown.matchAll(/<!--\s*doc-test:\s*(\S+)\s*(.*?)\s*-->/g)) markers.set(m[1]!, m[2]!);
  return markers;
}

/**
 * One bash script that runs the blocks in order in one session (cwd and variables carry over),
 * under `set -euo pipefail`. Before each block it prints `::: doc block at line L` on stderr, so a
 * failure names its block. A block declaring `# exit N` runs with `set -e` off, and its last
 * command must exit N (the script stops with 99 otherwise).
 */
export function buildScript(blocks: FencedBlock[], file: string): string {
  const parts = ['set -euo pipefail'];
  for (const block of blocks) {
    const where = `${file}:${block.line}`;
    parts.push(`echo '::: doc block at ${where}' >&2`);
    const exit = expectedExit(block);
    if (exit === 0) {
      parts.push(block.body);
    } else {
      parts.push('set +e', block.body.trimEnd(), 'doc_rc=$?', 'set -e');
      parts.push(`if [ "$doc_rc" -ne ${exit} ]; then echo "::: doc block at ${where} exited $doc_rc, expected ${exit}" >&2; exit 99; fi`);
    }
  }
  return `${parts.join('\n')}\n`;
}

/**
 * The first line of a stack trace in a run's output, or null: a V8 frame (`    at fn (file:1:2)`,
 * `    at file:1:2`), `node:internal`, or an `Error:` line followed by a frame.
 */
export function findStackTrace(output: string): string | null {
  const frame = /^\s+at (?:\S.*\(.*:\d+:\d+\)|(?:file:|node:|\/)\S*:\d+:\d+|.*\(native\)|.*\(<anonymous>\))\s*$/m.exec(output);
  if (frame) return frame[0].trim();
  const internal = /^.*node:internal.*$/m.exec(output);
  return internal ? internal[0].trim() : null;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to `-`. */
export function slug(heading: string): string {
  return heading
    .trim()
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a Markdown file offers: its headings' slugs (repeats get -1, -2 as on GitHub) and explicit `<a id>`/`<a name>`. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const h = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const base = slug(h[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]!);
  return out;
}

/** One link of a Markdown file. */
export interface MarkdownLink {
  target: string;
  line: number;
}

/** The links of a Markdown text (inline `[text](target)` and reference definitions), outside code blocks and code spans. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let inFence = false;
  markdown.split('\n').forEach((raw, i) => {
    if (/^\s*(`{3,}|~{3,})/.test(raw)) inFence = !inFence;
    if (inFence) return;
    const line = raw.replace(/`[^`]*`/g, '');
    for (const m of line.matchAll(/\]\(\s*<?([^()\s>]+(?:\([^()\s]*\))?[^()\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: m[1]!, line: i + 1 });
    const def = /^\s{0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s+.*)?$/.exec(line);
    if (def) links.push({ target: def[1]!, line: i + 1 });
  });
  return links;
}

/** True for a link that leaves the repository (a scheme such as https: or mailto:). */
const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Markdown files under a folder of the repository, recursively, as paths relative to the root. */
export function markdownFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return markdownFiles(relative(ROOT, path));
    return name.endsWith('.md') ? [relative(ROOT, path)] : [];
  });
}

/** A repository file's text. */
export const readDoc = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/**
 * The problems of a Markdown file's relative links, as `file:line: target: why`: a target that
 * leaves the repository or does not exist, an anchor into a file that is not Markdown, an anchor
 * no heading of the target has. `text` defaults to the file's own text (tests pass another).
 */
export function brokenLinks(file: string, text: string = readDoc(file)): string[] {
  const problems: string[] = [];
  for (const { target, line } of markdownLinks(text)) {
    if (isExternal(target)) continue;
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? '' : decodeURIComponent(target.slice(hash + 1));
    const resolved = path === '' ? file : normalize(join(dirname(file), path));
    const where = `${file}:${line}: ${target}`;
    if (resolved.startsWith('..')) {
      problems.push(`${where}: leaves the repository`);
    } else if (!existsSync(join(ROOT, resolved))) {
      problems.push(`${where}: ${resolved} does not exist`);
    } else if (anchor !== '') {
      if (statSync(join(ROOT, resolved)).isDirectory() || !resolved.endsWith('.md'))
        problems.push(`${where}: an anchor into ${resolved}, which is not a Markdown file`);
      else if (!anchors(resolved === file ? text : readDoc(resolved)).has(anchor))
        problems.push(`${where}: no heading of ${resolved} has the anchor #${anchor}`);
    }
  }
  return problems;
}
