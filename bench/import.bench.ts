/**
 * Import benchmarks: (a) reading + parsing the operator's workbook (no database) and (b) a full
 * import into a fresh temporary catalog (open, migrate, one transaction, gaps).
 *
 *   npx tsx bench/import.bench.ts
 *
 * Needs ../shared/quina/Quina.xlsx; target for (b): under 2 s.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { importDraws, parseImportBytes } from '../src/import/import-draws.js';
import { parseXlsx } from '../src/import/xlsx-reader.js';
import { openCatalog } from '../src/store/catalog.js';
import { QUINA_XLSX } from '../test/helpers/shared.js';

if (!existsSync(QUINA_XLSX)) {
  console.log(`skipped: ${QUINA_XLSX} not found`);
} else {
  const bytes = readFileSync(QUINA_XLSX);
  const bench = new Bench({ name: 'import', time: 3000, iterations: 5, warmupIterations: 1 });
  bench
    .add('read Quina.xlsx (unzip + XML -> cells)', () => {
      parseXlsx(bytes);
    })
    .add('read + parse Quina.xlsx (-> 6,882 validated draws)', () => {
      parseImportBytes(bytes, { fileName: 'Quina.xlsx' });
    })
    .add('full import of Quina.xlsx into a fresh catalog', () => {
      const dir = mkdtempSync(join(tmpdir(), 'luckyfive-bench-'));
      const catalog = openCatalog(dir);
      try {
        const r = importDraws(catalog.db, bytes, { fileName: 'Quina.xlsx' });
        if (r.inserted !== 6882) throw new Error(`expected 6882 inserted, got ${r.inserted}`);
      } finally {
        catalog.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  await bench.run();
  console.table(bench.table());
}
