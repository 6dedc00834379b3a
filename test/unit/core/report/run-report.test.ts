// A run's report document: escaped names stay the renderer's job; here, what it says (the
// synthetic warning, the too-short sentence, every figure beside its exact baseline).
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../../src/core/report/html.js';
import { SYNTHETIC_SENTENCE, TOO_SHORT_SENTENCE, buildRunReport } from '../../../../src/core/report/run-report.js';
import { summarizeRun } from '../../../../src/core/run-summary.js';

const totals = summarizeRun({
  numbers_per_ticket: 5,
  tickets_per_contest: 2,
  contests: [{ contest: 1, best_hits: 1, hits: [1, 1, 0, 0, 0, 0], cost_cents: 500, prize_cents: 0 }],
});
const run = {
  ...totals,
  run_id: 'r1',
  name: '<script>alert(1)</script>',
  status: 'completed',
  strategy: 'random',
  seed: 1,
  first_contest: 1,
  last_contest: 1,
  missing_contests: [],
  synthetic_data: true,
  dataset_hash: 'd'.repeat(64),
  engine_version: 'luckyfive-engine/2',
  recipe_hash: 'r'.repeat(64),
};

describe('buildRunReport', () => {
  it('[15.1.7] escapes what the user named, warns about synthetic draws, says when the range is too short to tell', () => {
    const doc = buildRunReport({
      run,
      contests: [{ contest: 1, cost_cents: 500, prize_cents: 0 }],
      version: '9.9.9',
      generated_at: '2026-12-03T00:00:00.000Z',
    });
    const html = renderReportHtml(doc, ['<svg></svg>', '<svg></svg>']);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('Synthetic sample draws');
    expect(html).toContain('too short to tell');
    expect(html).toContain('luckyfive 9.9.9');
  });

  it('[15.2.3] the headline is the verdict, then too-short and synthetic; every figure stands beside its exact baseline; two charts', () => {
    const doc = buildRunReport({
      run,
      contests: [{ contest: 1, cost_cents: 500, prize_cents: 0 }],
      version: '9.9.9',
      generated_at: '2026-12-03T00:00:00.000Z',
    });
    expect(doc.headline).toEqual([totals.summary.baseline!.verdict, TOO_SHORT_SENTENCE, SYNTHETIC_SENTENCE]);
    expect(doc.source).toEqual({ synthetic: true, dataset_hash: 'd'.repeat(64), version: '9.9.9', generated_at: '2026-12-03T00:00:00.000Z' });
    expect(doc.file_stem).toBe('r1-report');
    const tables = doc.sections.flatMap((s) => s.blocks).filter((b) => b.type === 'table');
    const figures = tables[0]!;
    expect(figures.columns.map((c) => c.label)).toEqual(['figure', 'observed', 'exact baseline', '95% interval', 'p', 'p (Holm)', 'what it means']);
    expect(figures.rows.map((r) => r[6])).toEqual(Object.values(totals.summary.baseline!.figures).map((f) => f.sentence));
    expect(doc.sections.flatMap((s) => s.blocks).filter((b) => b.type === 'chart')).toHaveLength(2);
    // with the best-hits points: a third chart, its description counting the contests outside the band
    const withBest = buildRunReport({
      run,
      contests: [{ contest: 1, cost_cents: 500, prize_cents: 0 }],
      best: [{ contest: 1, best_hits: 1, tail: [1, 0.5, 0.1, 0.01, 0.001, 0.0001] }],
      version: '9.9.9',
      generated_at: 'x',
    });
    const charts = withBest.sections.flatMap((s) => s.blocks).filter((b) => b.type === 'chart');
    expect(charts.map((c) => c.title)).toEqual(['Hits per ticket', 'Best hits per contest', 'Cumulative net']);
    expect(charts[1]!.alt).toMatch(/0 of 1 contests above the band and 0 below/);
    // no contests: no cumulative chart
    const bare = buildRunReport({ run: { ...run, synthetic_data: false }, contests: [], version: '9.9.9', generated_at: 'x' });
    expect(bare.sections.flatMap((s) => s.blocks).filter((b) => b.type === 'chart')).toHaveLength(1);
    expect(bare.headline).not.toContain(SYNTHETIC_SENTENCE);
  });
});
