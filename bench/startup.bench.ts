// `luckyfive --version` and `--help` start-up time from the built dist (run `npm run build` first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Bench } from 'tinybench';

const bin = resolve(import.meta.dirname, '../bin/luckyfive.js');
if (!existsSync(resolve(import.meta.dirname, '../dist/cli/main.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}
const bench = new Bench({ iterations: 20, time: 0 });
bench.add('node -e 0 (Node itself)', () => void spawnSync(process.execPath, ['-e', '0']));
bench.add('luckyfive --version', () => void spawnSync(process.execPath, [bin, '--version']));
bench.add('luckyfive --help', () => void spawnSync(process.execPath, [bin, '--help']));
await bench.run();
console.table(bench.table());
