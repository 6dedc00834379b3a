import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyVerifier, createApiKey } from '../../../src/auth/api-keys.js';
import { CATALOG_FILE, type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { openDatabase } from '../../../src/store/sqlite.js';

const SECRET = Buffer.alloc(32, 7);
const T0 = Date.UTC(2026, 0, 1);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('ApiKeyVerifier (the server-side key cache)', () => {
  let dir: string;
  let catalog: Catalog;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lf-keys-'));
    catalog = openCatalog(dir);
  });
  afterEach(() => {
    catalog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers like the database: a valid key, then malformed and unknown ones', () => {
    const v = new ApiKeyVerifier(catalog.db, SECRET);
    const { key, record } = createApiKey(catalog.db, SECRET, { name: 'k', role: 'analyst' }, T0);
    for (let i = 0; i < 3; i++) expect(v.verify(key, T0 + i)).toMatchObject({ id: record.id, role: 'analyst' });
    expect(v.verify('lf_short', T0)).toBe('malformed');
    expect(v.verify(`lf_${'B'.repeat(43)}`, T0)).toBe('unknown');
    // A key made with another secret is unknown here.
    expect(new ApiKeyVerifier(catalog.db, Buffer.alloc(32, 8)).verify(key, T0)).toBe('unknown');
  });

  it('a key revoked by another process is refused from the next event-loop turn', async () => {
    const v = new ApiKeyVerifier(catalog.db, SECRET);
    const { key, record } = createApiKey(catalog.db, SECRET, { name: 'k', role: 'viewer' }, T0);
    expect(typeof v.verify(key, T0)).toBe('object');
    await nextTurn();
    expect(typeof v.verify(key, T0 + 1)).toBe('object');
    const other = openDatabase(join(dir, CATALOG_FILE));
    try {
      other.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(new Date(T0).toISOString(), record.id);
    } finally {
      other.close();
    }
    await nextTurn();
    expect(v.verify(key, T0 + 2)).toBe('revoked');
  });

  it('a revocation through this connection counts at once, and expiry is checked on every call', () => {
    const v = new ApiKeyVerifier(catalog.db, SECRET);
    const a = createApiKey(catalog.db, SECRET, { name: 'a', role: 'viewer' }, T0);
    const b = createApiKey(catalog.db, SECRET, { name: 'b', role: 'viewer' }, T0);
    const short = createApiKey(catalog.db, SECRET, { name: 'short', role: 'viewer', expiresInSeconds: 60 }, T0);
    expect(typeof v.verify(a.key, T0)).toBe('object');
    expect(typeof v.verify(short.key, T0)).toBe('object');
    catalog.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(new Date(T0).toISOString(), a.record.id);
    expect(v.verify(a.key, T0 + 1)).toBe('revoked');
    expect(typeof v.verify(b.key, T0 + 1)).toBe('object');
    expect(typeof v.verify(short.key, T0 + 59_999)).toBe('object');
    expect(v.verify(short.key, T0 + 60_000)).toBe('expired');
  });

  it('keeps at most maxEntries rows, dropping the least recently used', () => {
    const v = new ApiKeyVerifier(catalog.db, SECRET, 2);
    const keys = ['a', 'b', 'c'].map((name) => createApiKey(catalog.db, SECRET, { name, role: 'viewer' }, T0).key);
    for (const k of keys) expect(typeof v.verify(k, T0)).toBe('object');
    expect((v as unknown as { rows: { size: number } }).rows.size).toBe(2);
  });
});
