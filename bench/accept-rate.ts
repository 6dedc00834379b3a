/**
 * How fast a busy Node process accepts new connections, with no fastify and no luckyfive:
 * `npx tsx bench/accept-rate.ts [--connections 1000] [--work-ms 0.1] [--duration 6]`.
 *
 * A child process serves plain `node:http` and burns `--work-ms` of CPU per request; autocannon
 * opens all connections at once. The child prints, each second, how many connections it has
 * accepted and how many event-loop turns it made. On Node 20 (libuv 1.46), once the loop is busy
 * the server takes about one pending connection per turn, so the rest wait in the listen queue
 * (this is what `bench/http-load.ts --trace` shows for `luckyfive serve` at 1,000 connections).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { numberFlag } from './args.js';

function serve(): void {
  const workMs = numberFlag('work-ms', 0.1);
  let accepted = 0;
  let turns = 0;
  const server = http.createServer((_req, res) => {
    const until = performance.now() + workMs;
    while (performance.now() < until);
    res.end('{"ok":true}');
  });
  server.on('connection', () => void accepted++);
  const tick = () => {
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const t0 = performance.now();
  setInterval(() => {
    console.error(`  t=${((performance.now() - t0) / 1000).toFixed(0)} s: ${accepted} connections accepted, ${turns} event-loop turns in the last second`);
    turns = 0;
  }, 1000);
  server.listen({ host: '127.0.0.1', port: 0, backlog: 2048 }, () => {
    const address = server.address();
    process.send!(typeof address === 'object' && address ? address.port : 0);
  });
}

async function main(): Promise<void> {
  const connections = numberFlag('connections', 1000);
  const duration = numberFlag('duration', 6);
  const child = fork(fileURLToPath(import.meta.url), ['--child', ...process.argv.slice(2)], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
  console.error(`plain node:http, ${numberFlag('work-ms', 0.1)} ms of work per request, ${connections} connections opened at once, ${duration} s`);
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration, timeout: 10 });
  console.error(
    `  ${Math.round(r.requests.total / duration)} req/s, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, ${r.errors} errors, ${r.timeouts} timeouts`,
  );
  child.kill();
}

if (process.argv.includes('--child')) serve();
else await main();
