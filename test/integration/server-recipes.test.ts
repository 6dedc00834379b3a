// Saved recipes (CRUD, one default), recipe validation and the shipped presets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const RANDOM = { version: '2', name: 'mine', strategy: 'random', tickets: 4, history: 30 };

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ rate_limit_write: 1000 });
});
afterAll(async () => s.close());

const send = (method: 'PUT' | 'DELETE', url: string, key: string, body?: unknown) =>
  s.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });

describe('saved recipes', () => {
  it('an analyst saves a recipe, normalized and hashed like the CLI does', async () => {
    const r = await s.post('/api/v1/recipes', s.keys.analyst, { name: 'mine', recipe: RANDOM });
    expect(r.statusCode, r.body).toBe(201);
    const saved = r.json();
    expect(saved).toMatchObject({ name: 'mine', strategy: 'random', is_default: false, recipe: { tickets: 4, numbers_per_ticket: 5, seed: 1, params: {} } });
    const v = (await s.post('/api/v1/recipes/validate', s.keys.viewer, { recipe: RANDOM })).json();
    expect(saved.recipe_hash).toBe(v.recipe_hash);
    expect((await s.get('/api/v1/recipes/mine', s.keys.viewer)).json()).toEqual(saved);
  });

  it('refuses duplicates (409), bad names and bad recipes (400 with body paths), viewers (403)', async () => {
    expect((await s.post('/api/v1/recipes', s.keys.analyst, { name: 'mine', recipe: RANDOM })).json().error.code).toBe('E_CONFLICT');
    const badName = await s.post('/api/v1/recipes', s.keys.analyst, { name: '../x', recipe: RANDOM });
    expect(badName.statusCode).toBe(400);
    expect(badName.json().error.details[0]).toMatch(/^body\.name: /);
    const bad = await s.post('/api/v1/recipes', s.keys.analyst, { name: 'bad', recipe: { ...RANDOM, tickets: 0, history: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('E_RECIPE_INVALID');
    expect(bad.json().error.details).toEqual(
      expect.arrayContaining([expect.stringMatching(/^body\.recipe\.tickets: /), expect.stringMatching(/^body\.recipe\.history: /)]),
    );
    expect((await s.post('/api/v1/recipes', s.keys.viewer, { name: 'v', recipe: RANDOM })).statusCode).toBe(403);
    expect((await s.get('/api/v1/recipes/nothere', s.keys.viewer)).statusCode).toBe(404);
    expect((await s.get('/api/v1/recipes/..%2F..%2Fetc', s.keys.viewer)).statusCode).toBe(400);
  });

  it('PUT replaces, DELETE removes, both 404 for an unknown name', async () => {
    const before = (await s.get('/api/v1/recipes/mine', s.keys.viewer)).json();
    const put = await send('PUT', '/api/v1/recipes/mine', s.keys.analyst, { recipe: { ...RANDOM, tickets: 6 } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().recipe.tickets).toBe(6);
    expect(put.json().recipe_hash).not.toBe(before.recipe_hash);
    expect(put.json().created_at).toBe(before.created_at);
    expect((await send('PUT', '/api/v1/recipes/ghost', s.keys.analyst, { recipe: RANDOM })).statusCode).toBe(404);
    expect((await send('PUT', '/api/v1/recipes/mine', s.keys.viewer, { recipe: RANDOM })).statusCode).toBe(403);
    await s.post('/api/v1/recipes', s.keys.analyst, { name: 'doomed', recipe: RANDOM });
    const del = await send('DELETE', '/api/v1/recipes/doomed', s.keys.analyst);
    expect(del.json()).toEqual({ name: 'doomed', deleted: true });
    expect((await send('DELETE', '/api/v1/recipes/doomed', s.keys.analyst)).statusCode).toBe(404);
  });

  it('one default at a time', async () => {
    await s.post('/api/v1/recipes', s.keys.analyst, { name: 'other', recipe: { ...RANDOM, name: 'other' } });
    expect((await s.post('/api/v1/recipes/mine/default', s.keys.analyst)).json().is_default).toBe(true);
    expect((await s.post('/api/v1/recipes/other/default', s.keys.analyst)).json().is_default).toBe(true);
    expect((await s.get('/api/v1/recipes/mine', s.keys.viewer)).json().is_default).toBe(false);
    expect((await s.post('/api/v1/recipes/ghost/default', s.keys.analyst)).statusCode).toBe(404);
  });

  it('lists by name, one page at a time', async () => {
    for (const n of ['a1', 'b2', 'c3', 'd4']) await s.post('/api/v1/recipes', s.keys.analyst, { name: n, recipe: RANDOM });
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await s.get(`/api/v1/recipes?limit=2${cursor ? `&cursor=${cursor}` : ''}`, s.keys.viewer);
      names.push(...r.json().items.map((x: { name: string }) => x.name));
      cursor = r.json().next_cursor;
    } while (cursor);
    expect(names).toEqual(['a1', 'b2', 'c3', 'd4', 'mine', 'other']);
  });
});

describe('validation and presets', () => {
  it('POST /recipes/validate answers valid or every problem, storing nothing, for any role', async () => {
    const ok = await s.post('/api/v1/recipes/validate', s.keys.viewer, { recipe: RANDOM });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ valid: true, errors: [], format: 'v2' });
    const bad = (
      await s.post('/api/v1/recipes/validate', s.keys.viewer, {
        recipe: { version: '2', name: 'x', strategy: 'frequency', tickets: 2000, params: { pool: 3 } },
      })
    ).json();
    expect(bad.valid).toBe(false);
    expect(bad.recipe).toBeNull();
    expect(bad.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^tickets: /), expect.stringMatching(/^params\.pool: /)]));
    expect((await s.post('/api/v1/recipes/validate', s.keys.viewer, { recipe: 'nope' })).json().errors[0]).toMatch(/^\(root\): /);
    const count = (s.catalog.db.prepare('SELECT COUNT(*) AS n FROM saved_recipes').get() as { n: number }).n;
    expect(count).toBe(6);
  });

  it('[12.1.5] POST /recipes/validate lists at most 100 problems, then "and N more", so a big body cannot give a bigger answer', async () => {
    const recipe: Record<string, unknown> = { version: '2', name: 'x', strategy: 'random' };
    for (let i = 0; i < 20_000; i++) recipe[`unknown_key_${i}`] = i;
    const body = JSON.stringify({ recipe });
    const r = await s.post('/api/v1/recipes/validate', s.keys.viewer, { recipe });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.valid).toBe(false);
    expect(doc.errors).toHaveLength(101);
    expect(doc.errors[100]).toBe('... and 19900 more problems');
    expect(r.body.length).toBeLessThan(Math.min(body.length, 64 * 1024));
    // the same cap where the recipe is stored
    const saved = await s.post('/api/v1/recipes', s.keys.analyst, { name: 'huge', recipe });
    expect(saved.statusCode).toBe(400);
    expect(saved.json().error.details).toHaveLength(101);
  });

  it('GET /presets is `recipes list --json`; one preset by name; unknown 404', async () => {
    const r = await s.get('/api/v1/presets', s.keys.viewer);
    expect(r.statusCode).toBe(200);
    expect(r.json().items).toEqual((await cli(['recipes', 'list', '--json'])).json().presets);
    const one = await s.get('/api/v1/presets/balanced', s.keys.viewer);
    expect(one.json()).toEqual(r.json().items.find((p: { name: string }) => p.name === 'balanced'));
    expect((await s.get('/api/v1/presets/nope', s.keys.viewer)).statusCode).toBe(404);
    expect((await s.get('/api/v1/presets/..%2Fpackage', s.keys.viewer)).statusCode).toBe(400);
  });
});
