/**
 * `/studies`: every study (`luckyfive optimize`, `POST /optimizations`) with its method, status and
 * progress; `/studies/:study_id`: one study, its verdict sentence first (counting every trial and
 * every look at the holdout), then its facts and job, the train figure of every trial with the
 * best so far and the baseline, the parameter space explored (a scatter of the first two
 * parameters, or a table for one), train against holdout with their baselines, the looks, and the
 * best trials ranked.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { studyHoldoutChart, studyProgressChart, studySpaceChart } from '../../../core/charts/study-charts.js';
import { SWEEP_STATUSES } from '../../../core/sweep/status.js';
import { studyJob } from '../../../usecases/analysis-jobs.js';
import { type StudyDocument, listStudies, showStudy } from '../../../usecases/optimize.js';
import { drawCharts } from '../../../usecases/web-charts.js';
import type { ServerContext } from '../../context.js';
import { chartFigure } from '../chart.js';
import { count, fig, pval } from '../format.js';
import { type SafeHtml, html } from '../html.js';
import { type PageCache, pageRoute, parseQuery } from '../page-route.js';
import { dataTable, selectOptions } from '../table.js';

const ListQuery = z.strictObject({ status: z.enum(SWEEP_STATUSES).optional() });
const Params = z.strictObject({ study_id: z.string().regex(/^[a-z0-9][a-z0-9-]{5,63}$/, 'must be a study id') });

/** The best trials listed on the page (the API has them all). */
const TRIALS_SHOWN = 50;
/** Rows of the one-parameter table. */
const SPACE_ROWS = 200;

type Trial = StudyDocument['trials'][number];

const paramText = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');

/** The baseline the trials share (one ticket shape), else null. */
function sharedBaseline(trials: readonly Trial[]): number | null {
  const set = new Set(trials.filter((t) => t.value !== null).map((t) => t.baseline));
  return set.size === 1 ? [...set][0]! : null;
}

async function studyBody(ctx: ServerContext, d: StudyDocument): Promise<SafeHtml> {
  const job = studyJob(ctx, { study_id: d.study_id });
  const names = Object.keys(d.trials[0]?.params ?? {});
  const metric = d.metric;
  const withValue = d.trials.filter((t) => t.value !== null);
  const onHoldout = d.trials.filter((t) => t.holdout !== null).sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));

  // the charts: progress always (once a trial has a value), the space for two or more parameters, the holdout once looked at
  const specs: Array<{ spec: Record<string, unknown>; caption: string; alt: string }> = [];
  if (withValue.length > 0) {
    const baseline = sharedBaseline(d.trials);
    specs.push({
      spec: studyProgressChart({ metric, higher_is_better: d.higher_is_better, baseline, trials: d.trials.map((t) => ({ trial: t.trial, value: t.value })) }),
      caption: `${metric} of each trial on the train range, with the best so far`,
      alt: `${metric} of ${count(withValue.length)} trials in trial order; best so far ${fig(d.best_so_far?.value)}${baseline === null ? '' : `, exact baseline ${fig(baseline)}`}; the table of the best trials has the figures.`,
    });
  }
  if (names.length >= 2 && d.trials.length > 0) {
    const [x, y] = [names[0]!, names[1]!];
    specs.push({
      spec: studySpaceChart({ metric, x, y, points: d.trials.map((t) => ({ x: t.params[x]!, y: t.params[y]!, value: t.value })) }),
      caption: `The parameter space explored: ${x} and ${y}`,
      alt: `Scatter of the ${count(d.trials.length)} tried points over ${x} and ${y}, coloured by ${metric} on the train range${names.length > 2 ? `; ${names.slice(2).join(', ')} not shown` : ''}.`,
    });
  }
  if (onHoldout.length > 0) {
    specs.push({
      spec: studyHoldoutChart({
        metric,
        holdout_metric: d.holdout_metric,
        points: onHoldout.map((t) => ({
          trial: t.trial,
          train: t.value,
          train_baseline: t.baseline,
          holdout: t.holdout!.value,
          holdout_baseline: t.holdout!.baseline,
        })),
      }),
      caption: 'Train against holdout',
      alt: `Train and holdout figures of trials ${onHoldout.map((t) => t.trial).join(', ')}, each beside its exact baseline; the holdout table has the figures and p-values.`,
    });
  }
  const svgs = await drawCharts(specs.map((s) => s.spec));
  const figure = (i: number) => (specs[i] ? chartFigure(svgs[i]!, specs[i].caption, specs[i].alt) : html``);
  let next = 0;
  const progressFigure = withValue.length > 0 ? figure(next++) : html``;
  const spaceFigure = names.length >= 2 && d.trials.length > 0 ? figure(next++) : html``;
  const holdoutFigure = onHoldout.length > 0 ? figure(next++) : html``;

  const headline = [
    d.complete ? null : `This study is ${d.status}: ${count(d.trials_done)} of ${count(d.trials_planned)} trials done; every figure may still change.`,
    d.verdict.sentence,
  ].filter((s): s is string => s !== null);
  const o = d.options as unknown as Record<string, unknown>;
  const methodText =
    d.method === 'evolutionary'
      ? `evolutionary: population ${String(o.population)}, ${String(o.generations)} generations, mutation rate ${String(o.mutation_rate)}, elite ${String(o.elite)}, tournament ${String(o.tournament)}`
      : `random search: ${count(d.trials_planned)} trials`;
  const facts: Array<readonly [string, string]> = [
    ['study', `${d.study_id} (${d.name})`],
    [
      'status',
      `${d.status}: ${count(d.trials_done)} of ${count(d.trials_planned)} trials done, ${count(d.trials_failed)} failed${d.method === 'evolutionary' ? `, ${count(d.generations_done)} generations done` : ''}`,
    ],
    ['job', job ? `${job.job_id}: ${job.status}${job.error ? ` (${job.error})` : ''}` : 'none (started from the command line)'],
    ['method', methodText],
    ['metric', `${metric}: ${d.metric_description}`],
    ['train', `contests ${d.train.from}..${d.train.to}: the only contests the search sees`],
    ['holdout', `contests ${d.holdout.from}..${d.holdout.to}, sealed until the search ends, then the best ${d.holdout.top} trials once`],
    ['seed', String(d.seed)],
    [
      'best so far',
      d.best_so_far
        ? `trial ${d.best_so_far.trial} (${paramText(d.best_so_far.params)}), on the train range: ${fig(d.best_so_far.value)} against ${fig(d.best_so_far.baseline)} expected, raw p ${pval(d.best_so_far.p_value)}`
        : 'no trial has a value yet',
    ],
  ];

  const spaceTable =
    names.length === 1
      ? dataTable(
          `Tried values of ${names[0]!} and their ${metric} on the train range (${d.trials.length > SPACE_ROWS ? `the first ${SPACE_ROWS} trials` : 'every trial'})`,
          [
            ['trial', 'text'],
            [names[0]!, 'figure'],
            [metric, 'figure'],
            ['baseline', 'figure'],
          ],
          d.trials.slice(0, SPACE_ROWS).map(
            (t) =>
              html`<tr>
                <th scope="row" class="text">${t.trial}</th>
                <td>${String(t.params[names[0]!])}</td>
                <td>${fig(t.value)}</td>
                <td>${fig(t.baseline)}</td>
              </tr>`,
          ),
        )
      : html``;

  const verdictRows = new Map(d.verdict.holdout.map((h) => [`${h.trial}/${h.look}`, h]));
  const holdoutTable = dataTable(
    `Trials run on the holdout: ${d.holdout_metric} there against its exact baseline, one-sided p and Holm p over every holdout figure of every look`,
    [
      ['trial', 'text'],
      ['parameters', 'text'],
      ['look', 'figure'],
      [`train ${metric}`, 'figure'],
      ['train baseline', 'figure'],
      [`holdout ${d.holdout_metric}`, 'figure'],
      ['holdout baseline', 'figure'],
      ['one-sided p', 'figure'],
      ['Holm p', 'figure'],
    ],
    onHoldout.map((t) => {
      const v = verdictRows.get(`${t.trial}/${t.holdout!.look}`);
      return html`<tr>
        <th scope="row" class="text">${t.trial}</th>
        <td class="text">${paramText(t.params)}</td>
        <td>${t.holdout!.look}</td>
        <td>${fig(t.value)}</td>
        <td>${fig(t.baseline)}</td>
        <td>${fig(t.holdout!.value)}</td>
        <td>${fig(t.holdout!.baseline)}</td>
        <td>${pval(v?.p_one_sided)}</td>
        <td>${pval(v?.p_adjusted)}</td>
      </tr>`;
    }),
  );

  const looksTable = dataTable(
    'Looks at the holdout: each is counted by the verdict',
    [
      ['look', 'text'],
      ['at (UTC)', 'figure'],
      ['best', 'figure'],
      ['trials added', 'figure'],
      ['reason', 'text'],
    ],
    d.looks.map(
      (l) =>
        html`<tr>
          <th scope="row" class="text">${l.look}</th>
          <td>${l.at.slice(0, 16).replace('T', ' ')}</td>
          <td>${l.top}</td>
          <td>${l.trials.join(', ')}</td>
          <td class="text">${l.reason ?? (l.look === 1 ? "the study's own look" : '')}</td>
        </tr>`,
    ),
  );

  const ranked = [...d.trials].filter((t) => t.rank !== null).sort((a, b) => a.rank! - b.rank!);
  const trialsTable = dataTable(
    `The best ${Math.min(TRIALS_SHOWN, ranked.length)} of ${count(d.trials.length)} trials by ${metric} on the train range (raw p: the winner of many tries looks lucky by construction)`,
    [
      ['rank', 'text'],
      ['trial', 'figure'],
      ['generation', 'figure'],
      ['parameters', 'text'],
      [metric, 'figure'],
      ['baseline', 'figure'],
      ['raw p', 'figure'],
      ['status', 'text'],
    ],
    ranked.slice(0, TRIALS_SHOWN).map(
      (t) =>
        html`<tr>
          <th scope="row" class="text">${t.rank}</th>
          <td>${t.trial}</td>
          <td>${t.generation ?? '–'}</td>
          <td class="text">${paramText(t.params)}</td>
          <td>${fig(t.value)}</td>
          <td>${fig(t.baseline)}</td>
          <td>${pval(t.p_value)}</td>
          <td class="text">${t.status}</td>
        </tr>`,
    ),
  );
  const failed = d.trials.filter((t) => t.error !== null);

  return html`<div class="honest" role="note">${headline.map((s) => html`<p>${s}</p>`)}</div>
    <section>
      <h2>What was searched</h2>
      <dl class="facts">
        ${facts.map(
          ([k, v]) =>
            html`<dt>${k}</dt>
              <dd>${v}</dd>`,
        )}
      </dl>
    </section>
    <section>
      <h2>Progress over trials</h2>
      ${withValue.length > 0 ? progressFigure : html`<p>No trial has a value yet.</p>`}
    </section>
    <section>
      <h2>The parameter space explored</h2>
      ${names.length >= 2 ? spaceFigure : spaceTable}
    </section>
    <section>
      <h2>Train against holdout</h2>
      ${
        onHoldout.length > 0
          ? html`${holdoutFigure}${holdoutTable}`
          : html`<p>No trial has been run on the holdout yet: it is looked at once, when the search ends.</p>`
      }
    </section>
    <section>
      <h2>Looks at the holdout</h2>
      ${d.looks.length > 0 ? looksTable : html`<p>None yet.</p>`}
    </section>
    <section>
      <h2>Trials</h2>
      ${ranked.length > 0 ? trialsTable : html`<p>No trial has a value yet.</p>`}
      ${
        failed.length > 0
          ? html`<p class="bad">
              ${count(failed.length)} trial(s) failed:
              ${failed
                .slice(0, 10)
                .map((t) => `trial ${t.trial}: ${t.error}`)
                .join('; ')}
            </p>`
          : ''
      }
    </section>`;
}

const studiesPages: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  pageRoute(app, cache, '/studies', { active: '/studies', role: 'viewer' }, (request) => {
    const q = parseQuery(ListQuery, request.query);
    const studies = listStudies(ctx, { status: q.status, limit: 200 });
    const rows = studies.map(
      (st) =>
        html`<tr>
          <th scope="row" class="text"><a href="/studies/${encodeURIComponent(st.study_id)}">${st.name}</a></th>
          <td class="text">${st.method ?? '–'}</td>
          <td class="text">${st.status}</td>
          <td>
            ${count(st.trials_done)} /
            ${st.trials_planned === null ? '–' : count(st.trials_planned)}${
              st.trials_failed ? html` <span class="bad">(${st.trials_failed} failed)</span>` : ''
            }
          </td>
          <td>${st.train.from}–${st.train.to}</td>
          <td class="text">${st.holdout ? `${st.holdout.from}–${st.holdout.to}` : 'none'}</td>
          <td class="text">${st.metric}</td>
          <td class="text">${st.created_at.slice(0, 16).replace('T', ' ')}</td>
        </tr>`,
    );
    const body = html`<h1>Studies</h1>
      <form class="filters" method="get" action="/studies">
        <label for="f-status"
          >Status
          <select id="f-status" name="status">
            ${selectOptions(SWEEP_STATUSES, q.status, 'any status')}
          </select></label
        >
        <button type="submit">Show</button>
      </form>
      <p class="muted">
        A study searches a parameter space on a train range and runs only its best few trials, once, on a holdout range it never saw. Its winner is the luckiest
        of many tries: the verdict counts every trial and every look at the holdout.
      </p>
      ${
        studies.length === 0
          ? html`<p>
              No studies${q.status ? ` with status ${q.status}` : ''}. Studies are started with <code>luckyfive optimize</code> or
              <code>POST /api/v1/optimizations</code>.
            </p>`
          : dataTable(
              'Studies, newest first',
              [
                ['study', 'text'],
                ['method', 'text'],
                ['status', 'text'],
                ['trials done', 'figure'],
                ['train', 'figure'],
                ['holdout', 'text'],
                ['metric', 'text'],
                ['created (UTC)', 'text'],
              ],
              rows,
            )
      }`;
    return { title: 'Studies', body };
  });

  pageRoute(app, cache, '/studies/:study_id', { active: '/studies', role: 'viewer' }, async (request) => {
    const { study_id } = parseQuery(Params, request.params);
    const d = showStudy(ctx, { study_id });
    const body = html`<h1>Study: ${d.name}</h1>
      <p class="muted">${d.method} search of ${d.metric} over contests ${d.train.from}..${d.train.to}, holdout ${d.holdout.from}..${d.holdout.to}</p>
      ${await studyBody(ctx, d)}
      <p><a href="/studies">All studies</a></p>`;
    return { title: `Study ${d.name}`, body };
  });
  done();
};

export default studiesPages;
