// The HTML report's text: escaped input, the synthetic warning, and the too-short sentence.
import { describe, expect, it } from 'vitest';
import { escapeHtml, runReportHtml } from '../../../../src/core/report/run-report-html.js';
import { summarizeRun } from '../../../../src/core/run-summary.js';

const totals = summarizeRun({
  numbers_per_ticket: 5,
  tickets_per_contest: 2,
  contests: [{ contest: 1, best_hits: 1, hits: [1, 1, 0, 0, 0, 0], cost_cents: 500, prize_cents: 0 }],
});

describe('runReportHtml', () => {
  it('[15.1.7] escapes what the user named, warns about synthetic draws, says when the range is too short to tell', () => {
    expect(escapeHtml(`<b>"x" & 'y'</b>`)).toBe('&#60;b&#62;&#34;x&#34; &#38; &#39;y&#39;&#60;/b&#62;');
    const html = runReportHtml({
      run: {
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
      },
      charts: [],
      version: '9.9.9',
      generated_at: '2026-12-03T00:00:00.000Z',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('Synthetic sample draws');
    expect(html).toContain('too short to tell');
    expect(html).toContain('luckyfive 9.9.9');
  });
});
