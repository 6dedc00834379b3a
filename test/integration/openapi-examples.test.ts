// Every example request of the OpenAPI document, sent to the app; every answer checked against the schema the document
// declares for its status (ajv, JSON Schema 2020-12, the document's own components).
//
// Rules, so that the examples stay honest:
// - The operations are read from the document (buildOpenApiDocument, which docs/openapi.json must equal), not listed here.
//   An operation without an example for each path parameter, or without a body example when it takes a body, fails.
// - The request is built only from the document: path, query and header parameters from their `example`, the JSON body
//   from the request body's `example`, an upload from the multipart `example` (field `file`, named by `x-example-filename`).
// - Stand-in ids: the values of EXAMPLE_IDS (src/server/openapi-operations.ts) stand for stored runs, jobs, sweeps and
//   studies. Wherever they appear in a request (path, query, body) they are replaced by the ids of the fixture's own:
//   `run` and `otherRun` two completed runs on contests 6881-6900, `job` a completed queued simulation, `sweep` and `study` a
//   completed sweep and study; `runningJob`, `runningSweep`, `runningStudy` a simulation, sweep and study started just
//   before the cancel operations. Nothing else is substituted: ledger, key and assertion ids (1, 4) are the ones a fresh
//   catalog gives, as the examples run in order.
// - Order: the writes (POST, PUT) first, then the reads (GET), so that lists show what the writes made; then the cancels,
//   the resumes (a resume needs a stopped sweep or study) and the deletes last (a delete would remove what the others read).
//   Within each group, the document's order.
// - The credentials are a key of the operation's `x-role`; public operations are sent without any.
// - An example must succeed: a status below 400 that the operation declares, with a body that matches its schema.
//   Operations with security are also sent without credentials: 401, matching the declared 401 schema.
// - The committed response examples (src/server/openapi-examples.ts) must be what the app answers: the test compares their
//   statuses with the live ones. With LUCKYFIVE_RECORD_OPENAPI_EXAMPLES=1 it rewrites that file from the live answers
//   instead (then run `npx tsx scripts/gen-openapi.ts`).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { format, resolveConfig } from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictPool, type PredictPool } from '../../src/engine/pool.js';
import { createImportOnPool } from '../../src/server/import-on-pool.js';
import { RECORDED_RESPONSES } from '../../src/server/openapi-examples.js';
import { buildOpenApiDocument } from '../../src/server/openapi-document.js';
import { EXAMPLE_IDS } from '../../src/server/openapi-operations.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

type Json = Record<string, any>;

const RECORD = process.env.LUCKYFIVE_RECORD_OPENAPI_EXAMPLES === '1';
const EXAMPLES_FILE = resolve(import.meta.dirname, '../../src/server/openapi-examples.ts');
const TINY = { version: '2', name: 'fixture', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 };

interface Operation {
  key: string;
  method: string;
  path: string;
  op: Json;
}

/** The document's operations in the order the examples run (see the header). */
function operationsInOrder(doc: Json): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) ops.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op });
  }
  const rank = (o: Operation) => (o.method === 'DELETE' ? 4 : o.path.endsWith('/resume') ? 3 : o.path.endsWith('/cancel') ? 2 : o.method === 'GET' ? 1 : 0);
  return ops
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i)
    .map(({ o }) => o);
}

/** One validator per schema, each schema compiled next to the document's components (its `#/components/...` refs). */
function validators(doc: Json): (schema: Json) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv); // the CommonJS module is its own `default`
  ajv.addFormat('binary', true);
  const cache = new Map<Json, ValidateFunction>();
  let n = 0;
  return (schema) => {
    let v = cache.get(schema);
    if (!v) {
      v = ajv.compile({ ...schema, $id: `urn:luckyfive:response:${n++}`, components: doc.components });
      cache.set(schema, v);
    }
    return v;
  };
}

/** `value` with every stand-in id replaced through `map` (strings only, recursively). */
function substitute(value: unknown, map: ReadonlyMap<string, string>): any {
  if (typeof value === 'string') {
    let out = value;
    for (const [from, to] of map) out = out.split(from).join(to);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, map));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, map)]));
  return value;
}

function multipart(fileName: string, content: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----luckyfive-example-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The request the document's examples describe, ids substituted; throws when an example is missing. */
function exampleRequest(o: Operation, ids: ReadonlyMap<string, string>) {
  let url = o.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const p of (o.op.parameters ?? []) as Json[]) {
    if (p.example === undefined) {
      if (p.required) throw new Error(`${o.key}: required ${p.in} parameter ${p.name} has no example`);
      continue;
    }
    const value = substitute(p.example, ids);
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(value)));
    else if (p.in === 'query') for (const v of [value].flat()) query.append(p.name, String(v));
    else if (p.in === 'header') headers[p.name] = String(value);
  }
  const q = query.toString();
  url += q ? `?${q}` : '';
  const content = o.op.requestBody?.content as Json | undefined;
  if (!content) return { url, headers, payload: undefined as Buffer | string | undefined };
  const json = content['application/json'];
  if (json) {
    if (json.example === undefined) throw new Error(`${o.key}: the JSON body has no example`);
    return { url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(substitute(json.example, ids)) };
  }
  const form = content['multipart/form-data'];
  if (!form?.example?.file || typeof form['x-example-filename'] !== 'string') throw new Error(`${o.key}: the upload has no example file`);
  const m = multipart(form['x-example-filename'], form.example.file);
  return { url, headers: { ...headers, ...m.headers }, payload: m.payload };
}

/** The declared media type for `status` and the answer's, checked; the body validated against the declared schema. */
function checkAnswer(o: Operation, res: LightMyRequestResponse, validate: (schema: Json) => ValidateFunction): { media: string; value: unknown } {
  const declared = o.op.responses?.[String(res.statusCode)] as Json | undefined;
  expect(declared, `${o.key}: answered ${res.statusCode}, which the document does not declare (${res.body.slice(0, 300)})`).toBeDefined();
  const contentTypes = Object.keys(declared!.content ?? {});
  const got = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  expect(contentTypes, `${o.key}: answered ${got}, declared ${contentTypes.join(', ')}`).toContain(got);
  const schema = declared!.content[got].schema as Json;
  if (schema.format === 'binary') {
    expect(res.rawPayload.length, `${o.key}: an empty file`).toBeGreaterThan(0);
    return { media: got, value: undefined };
  }
  const value = got === 'application/json' ? res.json() : res.body;
  const v = validate(schema);
  expect(v(value), `${o.key} ${res.statusCode}: ${JSON.stringify(v.errors?.slice(0, 5))}`).toBe(true);
  return { media: got, value };
}

let s: TestServer;
let pool: PredictPool;
let doc: Json;
/** stand-in id -> the fixture's id */
const ids = new Map<string, string>();

async function poll(url: string, done: (body: Json) => boolean, what: string): Promise<Json> {
  const end = Date.now() + 120_000;
  for (;;) {
    const r = await s.get(url, s.keys.viewer);
    expect(r.statusCode, r.body).toBe(200);
    if (done(r.json())) return r.json();
    if (Date.now() > end) throw new Error(`${what} did not finish: ${r.body.slice(0, 300)}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

async function submit(url: string, body: unknown, status: number): Promise<Json> {
  const r = await s.post(url, s.keys.analyst, body);
  expect(r.statusCode, r.body).toBe(status);
  return r.json();
}

beforeAll(async () => {
  doc = JSON.parse(await buildOpenApiDocument());
  pool = createPredictPool(1);
  s = await startTestServer({ rate_limit_read: 1_000_000, rate_limit_write: 1_000_000, rate_limit_heavy: 1_000_000, rate_limit_ip: 1_000_000 }, { pool });
  // As `luckyfive serve` does: imports run on the pool (startTestServer leaves them out).
  await s.restart({ importFile: createImportOnPool(s.catalog, pool) });
  seedDraws(s.dir, makeDraws(6001, 6900));
  const run = await submit('/api/v1/simulations', { recipe: TINY, from: 6881, to: 6900 }, 200);
  const other = await submit('/api/v1/simulations', { recipe: { ...TINY, seed: 6 }, from: 6881, to: 6900 }, 200);
  const job = await submit('/api/v1/simulations', { recipe: TINY, last: 60 }, 202);
  await poll(`/api/v1/simulations/${job.job_id}`, (j) => j.status === 'completed', 'the queued simulation');
  const sweep = await submit(
    '/api/v1/sweeps',
    { version: '1', name: 'fixture', base: { recipe: TINY }, parameters: [{ name: 'seed', list: [1, 2] }], range: { last: 10 } },
    202,
  );
  await poll(`/api/v1/sweeps/${sweep.sweep.sweep_id}`, (d) => d.complete === true, 'the sweep');
  const study = await submit(
    '/api/v1/optimizations',
    {
      version: '1',
      name: 'fixture',
      base: { recipe: TINY },
      parameters: [{ name: 'seed', range: { min: 1, max: 100, step: 1 } }],
      train: { from: 6850, to: 6860 },
      holdout: { from: 6890, to: 6895 },
      method: 'random',
      trials: 2,
      holdout_top: 1,
      seed: 3,
    },
    202,
  );
  await poll(`/api/v1/optimizations/${study.study.study_id}`, (d) => d.job?.status === 'completed', 'the study');
  ids.set(EXAMPLE_IDS.run, run.run_id);
  ids.set(EXAMPLE_IDS.otherRun, other.run_id);
  ids.set(EXAMPLE_IDS.job, job.job_id);
  ids.set(EXAMPLE_IDS.sweep, sweep.sweep.sweep_id);
  ids.set(EXAMPLE_IDS.study, study.study.study_id);
}, 300_000);

afterAll(async () => {
  await s?.close();
  await pool?.close();
});

/** Starts the long jobs the cancel examples stop (queued behind each other on the one-thread pool). */
async function startRunningJobs(): Promise<void> {
  const job = await submit('/api/v1/simulations', { recipe: { ...TINY, tickets: 50 }, last: 800 }, 202);
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  const sweep = await submit(
    '/api/v1/sweeps',
    { version: '1', name: 'long', base: { recipe: TINY }, parameters: [{ name: 'seed', list: seeds }], range: { last: 400 } },
    202,
  );
  const study = await submit(
    '/api/v1/optimizations',
    {
      version: '1',
      name: 'long',
      base: { recipe: TINY },
      parameters: [{ name: 'seed', range: { min: 1, max: 10_000, step: 1 } }],
      train: { from: 6100, to: 6600 },
      holdout: { from: 6700, to: 6800 },
      method: 'random',
      trials: 100,
      holdout_top: 1,
      seed: 4,
    },
    202,
  );
  ids.set(EXAMPLE_IDS.runningJob, job.job_id);
  ids.set(EXAMPLE_IDS.runningSweep, sweep.sweep.sweep_id);
  ids.set(EXAMPLE_IDS.runningStudy, study.study.study_id);
}

/**
 * Cuts lists of records (objects, tuples) to their first two items, lists of numbers or strings to ten and texts to 600
 * characters (a draw keeps its five balls), as long as the value still matches its schema.
 */
function shorten(value: unknown, fits: (v: unknown) => boolean): unknown {
  const cut = (v: unknown): unknown => {
    if (typeof v === 'string') return v.length > 600 ? `${v.slice(0, 600)}...` : v;
    if (Array.isArray(v)) return v.slice(0, v.some((x) => x !== null && typeof x === 'object') ? 2 : 10).map(cut);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cut(x)]));
    return v;
  };
  const short = cut(value);
  return fits(short) ? short : value;
}

describe('the OpenAPI examples', () => {
  it('[17.2.1] every example request is answered with a declared success status and a body that matches its schema; 401 without credentials', async () => {
    const validate = validators(doc);
    const ops = operationsInOrder(doc);
    expect(ops.length).toBeGreaterThan(70);
    const recorded: Record<string, Record<string, unknown>> = {};
    const reverse = () => new Map([...ids].map(([standIn, real]) => [real, standIn]));
    let started = false;
    for (const o of ops) {
      if (!started && o.path.endsWith('/cancel')) {
        await startRunningJobs();
        started = true;
      }
      const req = exampleRequest(o, ids);
      const role = String(o.op['x-role']);
      const secured = (o.op.security ?? []).length > 0;
      expect(secured, `${o.key}: security and x-role disagree`).toBe(role !== 'public');
      const auth: Record<string, string> = secured ? { authorization: `Bearer ${s.keys[role as 'viewer' | 'analyst' | 'admin']}` } : {};
      const res = await s.app.inject({ method: o.method as 'GET', url: req.url, headers: { ...req.headers, ...auth }, payload: req.payload });
      expect(res.statusCode, `${o.key} ${req.url}: ${res.body.slice(0, 500)}`).toBeLessThan(400);
      const answer = checkAnswer(o, res, validate);
      const entry: Record<string, unknown> = {};
      if (answer.value !== undefined) {
        const schema = o.op.responses[String(res.statusCode)].content[answer.media].schema;
        const fits = (v: unknown) => validate(schema)(v) === true;
        // This document itself: the example shows its head only.
        const value = o.key === 'GET /api/v1/openapi.json' ? { openapi: doc.openapi, info: doc.info } : answer.value;
        entry[String(res.statusCode)] = substitute(shorten(value, fits), reverse());
      } else entry[String(res.statusCode)] = undefined;
      if (secured) {
        const bare = await s.app.inject({ method: o.method as 'GET', url: req.url, headers: req.headers, payload: req.payload });
        expect(bare.statusCode, `${o.key} without credentials`).toBe(401);
        entry['401'] = checkAnswer(o, bare, validate).value;
      }
      if (!RECORD) {
        const committed = RECORDED_RESPONSES[o.key] ?? {};
        expect(Object.keys(committed).sort(), `${o.key}: the recorded examples are stale (see the header of this test)`).toEqual(
          Object.keys(entry)
            .filter((k) => entry[k] !== undefined)
            .sort(),
        );
      }
      recorded[o.key] = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
    }
    if (RECORD) {
      const head = readFileSync(EXAMPLES_FILE, 'utf8').split('export const')[0]!;
      const text = `${head}export const RECORDED_RESPONSES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = ${JSON.stringify(recorded)};\n`;
      writeFileSync(EXAMPLES_FILE, await format(text, { ...(await resolveConfig(EXAMPLES_FILE)), filepath: EXAMPLES_FILE }));
    }
  }, 600_000);
});
