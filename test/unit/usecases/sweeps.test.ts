/** The sweep use cases' own rules: reading the spec file, the holdout count, and reading sweeps back. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { defineSweep, listSweeps, showSweep } from '../../../src/usecases/sweeps.js';
import { tempDir } from '../../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  catalog = openCatalog(dir);
});
afterAll(() => {
  catalog.close();
  cleanup();
});

describe('sweep use cases', () => {
  it('defines a sweep from flags with the default metric and holdout count', () => {
    const plan = defineSweep({ preset: 'balanced', params: ['alpha=0.1,0.2'], range: { last: 5 } });
    expect(plan).toMatchObject({ metric: 'mean_hits', holdout_top: 3, notes: [] });
    expect(plan.definition.parameters.map((p) => p.name)).toEqual(['alpha']);
  });

  it('refuses a holdout count without a holdout range, and a spec file it cannot read', () => {
    expect(() => defineSweep({ preset: 'balanced', params: ['alpha=0.1,0.2'], range: { last: 5 }, holdoutTop: 2 })).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringMatching(/--holdout-top needs a holdout range/) }),
    );
    expect(() => defineSweep({ specFile: join(dir, 'absent.json'), params: [] })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"version":');
    expect(() => defineSweep({ specFile: broken, params: [] })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });

  it('lists no sweeps on a new catalog and refuses an unknown one', () => {
    expect(listSweeps({ catalog }, {})).toEqual([]);
    expect(() => showSweep({ catalog }, { sweep_id: 'sw-nope-000000', top: 5 })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(() => showSweep({ catalog }, { sweep_id: '../x', top: 5 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
