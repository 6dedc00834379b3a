/**
 * `/jobs` and `/jobs/:job_id`: the simulation job queue with status and progress (viewers read
 * it), and for analysts a form that starts a simulation (`POST /jobs`: a preset or saved recipe,
 * the contests, optionally the tickets per contest, a seed and a name: what `POST
 * /api/v1/simulations` accepts, through the same use case) and cancel buttons
 * (`POST /jobs/:job_id/cancel`). A viewer is never shown a form, and the gate refuses a viewer's
 * POST (403). A job's page reloads itself every few seconds while the job runs (a `Refresh`
 * header, not script; a link turns it off) and links to the run once there is one.
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { roleAllows } from '../../../auth/roles.js';
import { readClock } from '../../../clock.js';
import type { RunRequest } from '../../../core/run-request.js';
import { LuckyError } from '../../../errors.js';
import { listPresetRecipes, listSavedRecipes, showSavedRecipe } from '../../../usecases/recipes.js';
import { JOB_ID_PATTERN, type JobDocument, cancelSimulation, getSimulation, listSimulations, submitSimulation } from '../../../usecases/simulations.js';
import type { ServerContext } from '../../context.js';
import { csrfField, fillCsrf, formText } from '../forms.js';
import { count } from '../format.js';
import { type SafeHtml, html } from '../html.js';
import { PageCache, roleOf, sendPage, sessionOf } from '../page-route.js';
import { dataTable } from '../table.js';

/** Jobs per page of the queue. */
const JOBS_PAGE = 25;
/** Seconds between reloads of a running job's page. */
export const JOB_REFRESH_SECONDS = 5;
/** A simulation answered inside the form's request is stopped after this long (as the API's are). */
const IN_REQUEST_LIMIT_MS = 15_000;
/** Saved recipes offered in the form (the rest can be run through the API). */
const SAVED_IN_FORM = 100;

const ACTIVE = new Set(['pending', 'running']);

/** `2026-01-01T10:00:00.000Z` as `2026-01-01 10:00 UTC`. */
function when(iso: string | null): string {
  return iso === null ? '' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function recipeLabel(j: JobDocument): string {
  const r = j.request;
  const strategy = typeof r.recipe.strategy === 'string' ? r.recipe.strategy : '?';
  const tickets = typeof r.recipe.tickets === 'number' ? `, ${r.recipe.tickets} tickets` : '';
  const source = r.preset ? `preset ${r.preset}` : r.recipe_name ? `recipe ${r.recipe_name}` : 'inline recipe';
  return `${source} (${strategy}${tickets})`;
}

function progress(j: JobDocument): SafeHtml {
  if (j.contests_planned === null) return html`<span class="muted">not started</span>`;
  const done = j.contests_done ?? 0;
  return html`<progress value="${done}" max="${j.contests_planned}" aria-label="${`contests done of job ${j.job_id}`}"></progress> ${count(done)} /
    ${count(j.contests_planned)}`;
}

function cancelButton(j: JobDocument): SafeHtml {
  if (!ACTIVE.has(j.status) || j.cancel_requested) return html``;
  return html`<form method="post" action="/jobs/${j.job_id}/cancel" class="inline">
    ${csrfField()}<button type="submit" aria-label="${`Cancel job ${j.job_id}`}">Cancel</button>
  </form>`;
}

function statusCell(j: JobDocument): SafeHtml {
  const cls = j.status === 'failed' ? 'status-failed' : j.status === 'completed' ? 'good' : '';
  return html`<span class="${cls}">${j.status}</span>${j.cancel_requested && ACTIVE.has(j.status) ? html` (cancelling)` : ''}`;
}

function jobsTable(jobs: readonly JobDocument[], analyst: boolean): SafeHtml {
  if (jobs.length === 0) return html`<p>No simulation jobs yet.</p>`;
  return dataTable(
    'Simulation jobs, newest first',
    [
      ['job', 'text'],
      ['status', 'text'],
      ['progress (contests)', 'figure'],
      ['recipe', 'text'],
      ['contests', 'figure'],
      ['run', 'text'],
      ['created', 'text'],
      analyst && ['action', 'text'],
    ],
    jobs.map(
      (j) =>
        html`<tr>
          <th scope="row"><a href="/jobs/${j.job_id}">${j.job_id}</a></th>
          <td class="text">${statusCell(j)}</td>
          <td>${progress(j)}</td>
          <td class="text">${recipeLabel(j)}</td>
          <td>${j.request.from} – ${j.request.to}</td>
          <td class="text">${j.run_id ? html`<a href="/runs/${j.run_id}">${j.run_id}</a>` : ''}</td>
          <td class="text">${when(j.created_at)}</td>
          ${analyst ? html`<td class="text">${cancelButton(j)}</td>` : ''}
        </tr>`,
    ),
  );
}

/** What the start form was filled with (kept when it is shown again with its problems). */
interface StartValues {
  recipe?: string | undefined;
  last?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  tickets?: string | undefined;
  seed?: string | undefined;
  name?: string | undefined;
}

function startForm(ctx: ServerContext, values: StartValues, problems: readonly string[]): SafeHtml {
  if (!ctx.jobs || !ctx.pool) return html`<p>This server runs no simulations (it was started without a worker pool).</p>`;
  const presets = listPresetRecipes();
  const saved = listSavedRecipes(ctx, { limit: SAVED_IN_FORM }).items;
  const chosen = values.recipe ?? (saved.find((r) => r.is_default) ? `saved:${saved.find((r) => r.is_default)!.name}` : `preset:${presets[0]?.name ?? ''}`);
  const option = (value: string, label: string) => html`<option value="${value}" ${value === chosen ? html`selected` : ''}>${label}</option>`;
  const field = (id: keyof StartValues, label: string, hint: string, attrs: SafeHtml) =>
    // The label's own words name the field; the hint below describes it (it is not part of the name).
    html`<label for="job-${id}"
      ><span id="job-${id}-name">${label}</span>
      <input id="job-${id}" name="${id}" value="${values[id] ?? ''}" aria-labelledby="job-${id}-name" aria-describedby="job-${id}-hint" ${attrs} /><span
        id="job-${id}-hint"
        class="muted"
        >${hint}</span
      ></label
    >`;
  return html`<section aria-labelledby="start-h">
    <h2 id="start-h">Start a simulation</h2>
    ${
      problems.length > 0
        ? html`<div class="bad" role="alert">
            <p>The simulation was not started:</p>
            <ul>
              ${problems.map((p) => html`<li>${p}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <form method="post" action="/jobs" class="filters">
      ${csrfField()}
      <label for="job-recipe"
        ><span id="job-recipe-name">Recipe</span>
        <select id="job-recipe" name="recipe" aria-labelledby="job-recipe-name" aria-describedby="job-recipe-hint">
          <optgroup label="Presets">${presets.map((p) => option(`preset:${p.name}`, `${p.name} (${p.strategy}, ${p.recipe.tickets} tickets)`))}</optgroup>
          ${
            saved.length > 0
              ? html`<optgroup label="Saved recipes">${saved.map((r) => option(`saved:${r.name}`, `${r.name}${r.is_default ? ' (default)' : ''}`))}</optgroup>`
              : ''
          }
        </select>
        <span id="job-recipe-hint" class="muted">a preset or a saved recipe</span></label
      >
      ${field('last', 'Last N contests', 'or From and To', html`type="number" min="1" inputmode="numeric"`)}
      ${field('from', 'From contest', 'first contest', html`type="number" min="1" inputmode="numeric"`)}
      ${field('to', 'To contest', 'last contest', html`type="number" min="1" inputmode="numeric"`)}
      ${field('tickets', 'Tickets per contest', "empty: the recipe's", html`type="number" min="1" max="1000" inputmode="numeric"`)}
      ${field('seed', 'Seed', "empty: the recipe's", html`type="number" min="0" inputmode="numeric"`)}
      ${field('name', 'Name', 'optional', html`type="text" maxlength="100"`)}
      <button type="submit">Start</button>
    </form>
    <p class="muted">A small simulation is answered at once and opens its run; a larger one is queued and followed here.</p>
  </section>`;
}

/** An optional whole number field, or a problem. */
function wholeNumber(values: StartValues, key: keyof StartValues, problems: string[]): number | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  if (!/^\d{1,10}$/.test(v)) {
    problems.push(`${key}: must be a whole number`);
    return undefined;
  }
  return Number(v);
}

/** The run request the form describes (what POST /api/v1/simulations would be sent), or its problems. */
function runRequestOf(ctx: ServerContext, values: StartValues): { request: RunRequest } | { problems: string[] } {
  const problems: string[] = [];
  const [last, from, to, tickets, seed] = (['last', 'from', 'to', 'tickets', 'seed'] as const).map((k) => wholeNumber(values, k, problems));
  const m = /^(preset|saved):(.+)$/.exec(values.recipe ?? '');
  if (!m) problems.push('recipe: choose a preset or a saved recipe');
  if (problems.length > 0) return { problems };
  const [, kind, name] = m!;
  const request: RunRequest = {};
  if (from !== undefined || to !== undefined) Object.assign(request, { from, to });
  else if (last !== undefined) request.last = last;
  else return { problems: ['contests: give From and To, or the last N contests'] };
  if (seed !== undefined) request.seed = seed;
  if (values.name !== undefined) request.name = values.name;
  if (tickets === undefined) {
    if (kind === 'preset') request.preset = name!;
    else request.recipe_name = name!;
  } else {
    // Another ticket count is another recipe: sent inline, as an API client would.
    const base = kind === 'preset' ? listPresetRecipes().find((p) => p.name === name)?.recipe : showSavedRecipe(ctx, { name: name! }).recipe;
    if (!base) return { problems: [`recipe: no preset "${name}"`] };
    request.recipe = { ...base, tickets };
  }
  return { request };
}

/** The problems of a refused request, as lines a user can act on (the API's `body.` paths become field names). */
function problemsOf(e: LuckyError): string[] {
  const lines = e.details.length > 0 ? e.details : [e.message];
  return lines.map((d) => d.replace(/^body\./, ''));
}

const jobsPage: FastifyPluginCallback<{ ctx: ServerContext; cache?: PageCache }> = (app, opts, done) => {
  const { ctx } = opts;
  const cache = opts.cache ?? new PageCache(ctx);
  const analystOf = (request: FastifyRequest) => roleAllows(sessionOf(request)?.role ?? null, 'analyst');

  const listBody = (request: FastifyRequest, before: number | undefined) => {
    const analyst = analystOf(request);
    const page = listSimulations(ctx, { before, limit: JOBS_PAGE });
    const older = page.more && page.last_seq !== undefined ? html`<p class="pager"><a href="/jobs?before=${page.last_seq}">Older jobs</a></p>` : '';
    return html`<section aria-labelledby="queue-h">
      <h2 id="queue-h">Queue</h2>
      ${jobsTable(page.items, analyst)} ${older}
    </section>`;
  };

  const sendJobs = async (request: FastifyRequest, reply: FastifyReply, form?: { values: StartValues; problems: string[]; status: number }) => {
    const q = request.query as Record<string, string | undefined>;
    if (q.before !== undefined && !/^\d{1,15}$/.test(q.before))
      throw new LuckyError('E_INPUT_INVALID', 'invalid page', ['before: must be a job sequence number']);
    const before = q.before === undefined ? undefined : Number(q.before);
    const analyst = analystOf(request);
    const build = () => ({
      title: 'Jobs',
      body: html`<h1>Simulation jobs</h1>
        ${analyst ? startForm(ctx, {}, []) : ''} ${listBody(request, before)}`,
    });
    const page = form
      ? {
          title: 'Jobs',
          body: html`<h1>Simulation jobs</h1>
            ${startForm(ctx, form.values, form.problems)} ${listBody(request, before)}`,
        }
      : await cache.get(`${roleOf(request)}|jobs|${before ?? ''}`, build);
    sendPage(reply, cache, { title: page.title, body: fillCsrf(page.body, sessionOf(request)?.csrf ?? ''), active: '/jobs', status: form?.status });
    return reply;
  };

  app.get('/jobs', { config: { role: 'viewer', rateClass: 'read', web: true }, schema: { hide: true } }, (request, reply) => sendJobs(request, reply));

  app.post('/jobs', { config: { role: 'analyst', rateClass: 'heavy', web: true }, schema: { hide: true } }, async (request, reply) => {
    const form = request.body;
    const values: StartValues = Object.fromEntries((['recipe', 'last', 'from', 'to', 'tickets', 'seed', 'name'] as const).map((k) => [k, formText(form, k)]));
    const parsed = runRequestOf(ctx, values);
    if ('problems' in parsed) return sendJobs(request, reply, { values, problems: parsed.problems, status: 400 });
    if (!ctx.jobs || !ctx.pool) throw new LuckyError('E_NOT_CONFIGURED', 'this server runs no simulations (it was started without a worker pool)');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), IN_REQUEST_LIMIT_MS);
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort();
    };
    reply.raw.on('close', onClose);
    try {
      const submitted = await submitSimulation(
        { catalog: ctx.catalog, jobs: ctx.jobs, poolThreads: ctx.pool.threads, signal: controller.signal },
        parsed.request,
      );
      const target =
        submitted.kind === 'report' ? `/runs/${submitted.report.run_id}` : `/jobs/${submitted.kind === 'job' ? submitted.job.job_id : submitted.job_id}`;
      request.log.info({ by: request.principal?.id, target }, 'simulation started from the dashboard');
      return reply.code(303).header('location', target).send();
    } catch (e) {
      if (e instanceof LuckyError && e.httpStatus < 500 && e.code !== 'E_BUSY') {
        return sendJobs(request, reply, { values, problems: problemsOf(e), status: e.httpStatus });
      }
      throw e;
    } finally {
      clearTimeout(timer);
      reply.raw.off('close', onClose);
    }
  });

  const jobIdOf = (request: FastifyRequest): string => {
    const id = (request.params as { job_id: string }).job_id;
    if (!JOB_ID_PATTERN.test(id)) throw new LuckyError('E_NOT_FOUND', `no job ${id}`);
    return id;
  };

  app.get('/jobs/:job_id', { config: { role: 'viewer', rateClass: 'read', web: true }, schema: { hide: true } }, async (request, reply) => {
    const id = jobIdOf(request);
    const stopReloading = (request.query as Record<string, string | undefined>).refresh === '0';
    const page = await cache.get(`${roleOf(request)}|job|${id}|${stopReloading}`, () => {
      const j = getSimulation(ctx, { job_id: id });
      const running = ACTIVE.has(j.status);
      const reloading = running
        ? stopReloading
          ? html`<p>This page does not reload by itself. <a href="/jobs/${j.job_id}">Reload it every ${JOB_REFRESH_SECONDS} seconds</a></p>`
          : html`<p>This page reloads every ${JOB_REFRESH_SECONDS} seconds while the job runs. <a href="/jobs/${j.job_id}?refresh=0">Stop reloading</a></p>`
        : '';
      const run = j.run_id
        ? html`<p>
            ${j.status === 'completed' ? html`<strong>Done.</strong> ` : ''}<a href="/runs/${j.run_id}">Open run ${j.run_id}</a
            >${j.run_status ? ` (${j.run_status})` : ''}
          </p>`
        : '';
      const body = html`<h1>Job ${j.job_id}</h1>
        ${reloading} ${run}
        <dl class="facts">
          <dt>Status</dt>
          <dd>${statusCell(j)}</dd>
          <dt>Progress</dt>
          <dd>${progress(j)}</dd>
          <dt>Recipe</dt>
          <dd>${recipeLabel(j)}, hash <code>${j.request.recipe_hash.slice(0, 12)}</code></dd>
          <dt>Contests</dt>
          <dd>${j.request.from} – ${j.request.to}</dd>
          ${
            j.request.name
              ? html`<dt>Name</dt>
                  <dd>${j.request.name}</dd>`
              : ''
          }
          <dt>Runs on</dt>
          <dd>${j.placement === 'queue' ? `the run queue${j.worker ? ` (worker ${j.worker})` : ' (waiting for a worker)'}` : 'this server'}</dd>
          <dt>Created</dt>
          <dd>${when(j.created_at)}</dd>
          ${
            j.started_at
              ? html`<dt>Started</dt>
                  <dd>${when(j.started_at)}</dd>`
              : ''
          }
          ${
            j.finished_at
              ? html`<dt>Finished</dt>
                  <dd>${when(j.finished_at)}</dd>`
              : ''
          }
          ${
            j.error
              ? html`<dt>Error</dt>
                  <dd class="bad">${j.error_code ? `${j.error_code}: ` : ''}${j.error}</dd>`
              : ''
          }
        </dl>
        ${analystOf(request) ? cancelButton(j) : ''}
        <p><a href="/jobs">All jobs</a></p>`;
      return { title: `Job ${j.job_id}`, body, running };
    });
    if ((page as { running?: boolean }).running && !stopReloading) reply.header('refresh', String(JOB_REFRESH_SECONDS));
    sendPage(reply, cache, { title: page.title, body: fillCsrf(page.body, sessionOf(request)?.csrf ?? ''), active: '/jobs' });
    return reply;
  });

  app.post('/jobs/:job_id/cancel', { config: { role: 'analyst', rateClass: 'write', web: true }, schema: { hide: true } }, (request, reply) => {
    const id = jobIdOf(request);
    cancelSimulation({ catalog: ctx.catalog, jobs: ctx.jobs, clock: readClock(new Date(ctx.now())) }, { job_id: id });
    request.log.info({ job_id: id, by: request.principal?.id }, 'simulation cancel requested from the dashboard');
    return reply.code(303).header('location', `/jobs/${id}`).send();
  });

  done();
};

export default jobsPage;
