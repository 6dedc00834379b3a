// The OpenAPI document's operations: ids, summaries, descriptions, security, servers and examples (issue 17).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../src/server/openapi-document.js';
import { documentOperations } from '../../../src/server/openapi-operations.js';

type Json = Record<string, any>;

let doc: Json;
const ops: Array<{ key: string; op: Json }> = [];

beforeAll(async () => {
  doc = JSON.parse(await buildOpenApiDocument());
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) ops.push({ key: `${method.toUpperCase()} ${path}`, op });
  }
});

describe('OpenAPI operations', () => {
  it('[17.2.2] every operation has a unique camelCase operationId, a one-line summary, a description naming its role and rate class, declared tags and its security', () => {
    expect(ops.length).toBeGreaterThan(70);
    const declaredTags = new Set((doc.tags as Json[]).map((t) => t.name));
    const ids = new Set<string>();
    for (const { key, op } of ops) {
      expect(op.operationId, key).toMatch(/^[a-z][a-zA-Z0-9]+$/);
      expect(ids.has(op.operationId), `${key}: operationId ${op.operationId} is used twice`).toBe(false);
      ids.add(op.operationId);
      expect(op.summary, key).toMatch(/^\S[^\n]{4,78}$/);
      expect(op.description, key).toContain(op['x-role'] === 'public' ? 'Public: no credentials needed' : `Role: \`${op['x-role']}\``);
      expect(op.description, key).toContain(`Rate class: \`${op['x-rate-class']}\``);
      expect(op.tags?.length, key).toBeGreaterThan(0);
      for (const tag of op.tags) expect(declaredTags.has(tag), `${key}: tag ${tag} is not declared`).toBe(true);
      if (op['x-role'] === 'public') expect(op.security, key).toEqual([]);
      else expect(op.security, key).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
      const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400);
      for (const status of errors) expect(op.description, `${key}: ${status} is not explained`).toContain(`${status} `);
    }
    // the public ones, as the gate treats them with the default configuration
    expect(ops.filter((o) => o.op['x-role'] === 'public').map((o) => o.key)).toEqual(['GET /api/v1/openapi.json', 'GET /api/v1/health']);
  });

  it('[17.2.3] the document names its server; every operation has an example request and example answers that match their schemas', () => {
    expect(doc.servers).toEqual([{ url: 'http://127.0.0.1:8080', description: expect.stringContaining('replace') }]);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv); // the CommonJS module is its own `default`
    let n = 0;
    for (const { key, op } of ops) {
      for (const p of (op.parameters ?? []) as Json[]) if (p.in === 'path') expect(p.example, `${key}: path parameter ${p.name}`).toBeDefined();
      const body = op.requestBody?.content as Json | undefined;
      if (body)
        expect(
          Object.values(body).some((m: Json) => m.example !== undefined),
          `${key}: no body example`,
        ).toBe(true);
      const examples = Object.entries(op.responses as Json).flatMap(([status, r]: [string, Json]) =>
        Object.values((r.content ?? {}) as Json)
          .filter((m: Json) => m.example !== undefined)
          .map((m: Json) => ({ status, schema: m.schema as Json, example: m.example })),
      );
      const success = examples.filter((e) => Number(e.status) < 400);
      const binary = Object.values(op.responses as Json).some((r: Json) =>
        Object.values((r.content ?? {}) as Json).some((m: Json) => m.schema?.format === 'binary'),
      );
      if (!binary) expect(success.length, `${key}: no example answer`).toBe(1);
      if (op.security.length > 0)
        expect(
          examples.map((e) => e.status),
          `${key}: no 401 example`,
        ).toContain('401');
      for (const e of examples) {
        const validate = ajv.compile({ ...e.schema, $id: `urn:luckyfive:example:${n++}`, components: doc.components });
        expect(validate(e.example), `${key} ${e.status}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      }
    }
  });

  it('[17.2.4] an operation missing from the table, or a table entry without its operation, stops the document', () => {
    expect(() => documentOperations({ paths: { '/api/v1/nowhere': { get: { responses: {} } } } })).toThrow(/GET \/api\/v1\/nowhere has no entry/);
    expect(() => documentOperations({ paths: {} })).toThrow(/documents operations the app does not have: GET \/api\/v1\/openapi\.json/);
  });
});
