/**
 * docs/user-guide.md (issue 17) names every setting of src/config.ts with its variable, every
 * command and subcommand of the CLI's registry with every flag it takes, and states each list's
 * default limit as the code has it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { type CliIo, CliContext } from '../../src/cli/context.js';
import { createProgram } from '../../src/cli/main.js';
import { CONFIG_FIELDS } from '../../src/config.js';

const text = readFileSync(resolve(import.meta.dirname, '../../docs/user-guide.md'), 'utf8');

interface CommandInfo {
  path: string;
  command: Command;
}

function walk(c: Command, prefix: string): CommandInfo[] {
  const path = prefix ? `${prefix} ${c.name()}` : c.name();
  return [{ path, command: c }, ...c.commands.flatMap((s) => walk(s, path))];
}

/** Every command of the registry, each registered in full as `luckyfive <name>` would. */
async function allCommands(): Promise<CommandInfo[]> {
  const sink = { write: () => true };
  const out: CommandInfo[] = [];
  for (const name of Object.keys(COMMANDS)) {
    const ctx = new CliContext({ stdout: sink, stderr: sink, env: {} } as unknown as CliIo, () => ({}));
    const program = await createProgram(ctx, name);
    out.push(
      ...walk(
        program.commands.find((c) => c.name() === name)!,
        '',
      ),
    );
  }
  return out;
}

function mentions(needle: string): boolean {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}(?![\\w-])`).test(text);
}

/** The row of the Default limits table for a command. */
function limitRow(command: string): string {
  const part = text.split('\n## Default limits\n')[1]!.split('\n## ')[0]!;
  const row = part.split('\n').find((l) => l.startsWith(`| \`${command}\` |`));
  expect(row, `a Default limits row for ${command}`).toBeDefined();
  return row!;
}

describe('docs/user-guide.md', () => {
  it('[17.3.7] has a row for every setting of src/config.ts with its environment variable and its default', () => {
    for (const [key, field] of Object.entries(CONFIG_FIELDS)) {
      const row = text.split('\n').find((l) => l.startsWith(`| \`${key}\` | \`${field.env}\` |`));
      expect(row, key).toBeDefined();
      const stated = row!.split(' | ')[2]!;
      const value: unknown = field.default();
      // machine-dependent defaults and derived paths are said in words
      const expected =
        key === 'threads'
          ? 'the number of cores'
          : key === 'books_key_file'
            ? '`<data_dir>/books.key`'
            : value === undefined
              ? 'unset'
              : Array.isArray(value) && value.length === 0
                ? 'none'
                : `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
      expect(stated, `${key}'s default`).toBe(expected);
    }
  });

  it('[17.3.8] names every command and subcommand of the registry as `luckyfive PATH`, and every flag each takes', async () => {
    const commands = await allCommands();
    expect(commands.length).toBeGreaterThan(60);
    const missing = commands.filter((c) => !mentions(`luckyfive ${c.path}`)).map((c) => c.path);
    expect(missing, 'commands the guide does not name').toEqual([]);
    const flags = new Set(commands.flatMap((c) => c.command.options.map((o) => o.long).filter((l): l is string => l !== undefined)));
    const missingFlags = [...flags].filter((f) => !mentions(f));
    expect(missingFlags, 'flags the guide does not name').toEqual([]);
  });

  it('[17.3.9] states the default limit of every cut list as the code has it', async () => {
    const commands = new Map((await allCommands()).map((c) => [c.path, c.command]));
    const defaultOf = (path: string, flag: string): string => {
      const option = commands.get(path)?.options.find((o) => o.long === flag);
      expect(option?.defaultValue, `${path} ${flag} has a default`).toBeDefined();
      return String(option!.defaultValue);
    };
    for (const [path, flag] of [
      ['draws list', '--limit'],
      ['runs list', '--limit'],
      ['sweep list', '--limit'],
      ['optimize list', '--limit'],
      ['leaderboard', '--limit'],
      ['sweep show', '--top'],
      ['optimize show', '--top'],
    ] as const) {
      const n = defaultOf(path, flag);
      expect(limitRow(path), `${path} ${flag} defaults to ${n}`).toMatch(new RegExp(`\\| [^|]*\\b${n}\\b`));
    }
    expect(commands.get('ledger list')?.options.find((o) => o.long === '--limit')?.defaultValue).toBeUndefined();
    expect(limitRow('ledger list')).toContain('every entry');
  });
});
