/** `luckyfive config show`: the resolved configuration, each key with its value and where it came from (flag, env, file, default). */
import type { Command } from 'commander';
import { CONFIG_FIELDS, type ConfigKey } from '../../config.js';
import { type CliContext, addFormatOptions, formatOf } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  const config = program.command('config');
  addFormatOptions(config.command('show').description('print each value and its source (flag, env, file, default)'), ['json']).action(
    (opts: { json?: boolean }) => {
      const resolved = ctx.config();
      const keys = Object.keys(CONFIG_FIELDS) as ConfigKey[];
      const secret = (k: ConfigKey) => k.endsWith('secret') || k === 'books_key';
      // a URL's password (rate_limit_redis_url) is a secret too: the rest of the URL is shown
      const withoutPassword = (v: unknown) => (typeof v === 'string' ? v.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:(hidden)@') : v);
      const shown = (k: ConfigKey) => (secret(k) && resolved.values[k] !== undefined ? '(set, hidden)' : withoutPassword(resolved.values[k]));
      if (formatOf(opts) === 'json') {
        ctx.out.json({
          config_file: resolved.file ?? null,
          values: Object.fromEntries(keys.map((k) => [k, { value: shown(k) ?? null, source: resolved.sources[k], env: CONFIG_FIELDS[k].env }])),
        });
        return;
      }
      ctx.out.table(
        ['key', 'value', 'source', 'env'],
        keys.map((k) => [k, JSON.stringify(shown(k) ?? null), resolved.sources[k], CONFIG_FIELDS[k].env]),
        { drop: [3] },
      );
    },
  );
}
