// The server under storage faults: a catalog that cannot be written still serves reads, /health
// reports a low disk and recent faults with 503, a damaged database is E_DATA_INVALID naming the
// file, and a stream that breaks mid-way aborts the connection.
import { afterEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('storage faults over HTTP', () => {
  it('[12.4.1] authenticated reads keep working when the catalog is full (last_used_at is best-effort)', async () => {
    s = await startTestServer({ rate_limit_read: 100_000 });
    const db = s.catalog.db;
    // A real SQLITE_FULL on the bookkeeping write: each touch of api_keys must add pages to a
    // table, and the catalog may not grow.
    db.exec('CREATE TABLE filler (b BLOB)');
    db.exec('CREATE TEMP TRIGGER fill_on_touch AFTER UPDATE OF last_used_at ON main.api_keys BEGIN INSERT INTO filler VALUES (randomblob(200000)); END');
    db.exec('CREATE TEMP TRIGGER fill_on_save AFTER INSERT ON main.saved_recipes BEGIN INSERT INTO filler VALUES (randomblob(200000)); END');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    for (let i = 0; i < 3; i++) {
      const r = await s.get('/api/v1/draws', s.keys.viewer);
      expect(r.statusCode, r.body).toBe(200);
      s.advance(61_000);
    }
    const lastUsed = db.prepare('SELECT last_used_at FROM api_keys WHERE role = ?').pluck().get('viewer');
    expect(lastUsed).toBeNull();
    // A write the request itself needs is a documented 507, not "internal error".
    const w = await s.post('/api/v1/recipes', s.keys.analyst, { name: 'x', recipe: { version: '2', name: 'x', strategy: 'random', tickets: 3, history: 30, seed: 1 } });
    expect(w.statusCode, w.body).toBe(507);
    expect(w.json().error.code).toBe('E_DISK_FULL');
    const h = await s.get('/api/v1/health');
    expect(h.statusCode).toBe(503);
    expect(h.json().last_fault.code).toBe('E_DISK_FULL');
  });

  it('[12.4.1] /health answers 503 with the free bytes when the disk is below disk_min_free_mb', async () => {
    s = await startTestServer({ disk_min_free_mb: 1_000_000 });
    const h = await s.get('/api/v1/health');
    expect(h.statusCode).toBe(503);
    expect(h.json()).toMatchObject({ status: 'unhealthy', disk: { status: 'low', min_free_bytes: 1_000_000 * 1024 * 1024 } });
    expect(h.json().disk.free_bytes).toBeGreaterThan(0);
    await s.close();
    s = await startTestServer({ disk_min_free_mb: 0 });
    const ok = await s.get('/api/v1/health');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().disk.status).toBe('ok');
  });
});
