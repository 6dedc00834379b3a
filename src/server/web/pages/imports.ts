/**
 * `/imports` (analysts): upload a results workbook or CSV (`multipart/form-data`, at most
 * `upload_max_mb`, with the dry-run and replace options) through the same import service as
 * `POST /api/v1/imports` and `luckyfive import`, then read its report rendered (counts,
 * conflicts, rejected rows, corrections, date inversions, gaps); below it, the import history.
 * The form's CSRF field is its first part and is checked before a byte of the file is read.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { ImportResult } from '../../../import/import-draws.js';
import { LuckyError } from '../../../errors.js';
import { listImports } from '../../../usecases/draws.js';
import type { ServerContext } from '../../context.js';
import { csrfField, fillCsrf } from '../forms.js';
import { count } from '../format.js';
import { type SafeHtml, html } from '../html.js';
import { PageCache, roleOf, sendPage, sessionOf } from '../page-route.js';
import { CSRF_FIELD, checkCsrf } from '../session.js';
import { dataTable } from '../table.js';

/** Imports per page of the history. */
const IMPORTS_PAGE = 20;
/** Rows of each list of the report shown (conflicts, rejected rows...); the rest are counted. */
const REPORT_ROWS = 100;
/** A plain file name, as the API accepts: no directories, no `..`, no control characters. */
const FILE_NAME = /^(?!\.\.?$)[A-Za-z0-9 ._()+-]{1,255}$/;

function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function uploadForm(ctx: ServerContext, problem: readonly string[]): SafeHtml {
  if (!ctx.importFile) return html`<p>This server does not import files.</p>`;
  return html`<section aria-labelledby="upload-h">
    <h2 id="upload-h">Import a results file</h2>
    ${
      problem.length > 0
        ? html`<div class="bad" role="alert">
            <p>The file was not imported:</p>
            <ul>
              ${problem.map((p) => html`<li>${p}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <form method="post" action="/imports" enctype="multipart/form-data" class="upload">
      ${csrfField()}
      <fieldset>
        <legend>Options</legend>
        <label><input type="checkbox" name="dry_run" value="1" /> Dry run: check the file and report, import nothing</label>
        <label><input type="checkbox" name="replace" value="1" /> Replace stored draws that differ (otherwise they are kept and reported)</label>
      </fieldset>
      <p>
        <label for="imp-file">Workbook (.xlsx) or CSV, at most ${ctx.config.upload_max_mb} MiB</label>
        <input id="imp-file" type="file" name="file" accept=".xlsx,.csv,text/csv" required />
      </p>
      <p><button type="submit">Import</button></p>
    </form>
  </section>`;
}

function moreThan(total: number, shown: number): SafeHtml {
  return total > shown ? html`<p class="muted">${count(total - shown)} more not shown.</p>` : html``;
}

/** The import report as a page section (the same document as `luckyfive import --json`). */
export function importReport(r: ImportResult): SafeHtml {
  const conflicts = r.conflicts.slice(0, REPORT_ROWS);
  const rejected = r.rejected.slice(0, REPORT_ROWS);
  const verdict = r.dry_run
    ? 'Dry run: nothing was imported. This is what the import would do.'
    : r.already_imported_at
      ? `This file was imported before (${when(r.already_imported_at)}).`
      : 'Imported.';
  const counts: Array<[string, number]> = [
    ['rows read', r.rows_read],
    ['inserted', r.inserted],
    ['unchanged', r.unchanged],
    ['replaced', r.replaced],
    ['conflicts', r.conflicts.length],
    ['rejected rows', r.rejected.length],
    ['corrections', r.corrections.length],
    ['date inversions', r.date_inversions_total],
    ['synthetic draws removed', r.removed_synthetic],
  ];
  return html`<section aria-labelledby="report-h" class="report">
    <h2 id="report-h">Import report: ${r.file}</h2>
    <p><strong>${verdict}</strong> ${r.synthetic ? html`<span class="bad">The file holds synthetic draws, not official results.</span>` : ''}</p>
    ${
      r.removed_synthetic > 0
        ? html`<p class="bad">
            ${r.dry_run ? 'Importing it would remove' : 'It removed'} the ${count(r.removed_synthetic)} synthetic sample draws: the catalog holds official
            results only.
          </p>`
        : ''
    }
    <dl class="facts">
      <dt>Format</dt>
      <dd>${r.format}</dd>
      <dt>SHA-256</dt>
      <dd><code>${r.sha256}</code></dd>
      <dt>Catalog after the import</dt>
      <dd>
        ${count(r.catalog_draws)}
        ${r.catalog_draws === 1 ? 'draw' : 'draws'}${r.first_contest !== null ? `, contests ${r.first_contest} – ${r.last_contest}` : ''}
      </dd>
      <dt>Gaps</dt>
      <dd>${r.gaps.length === 0 ? 'none' : r.gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from} – ${g.to}`)).join(', ')}</dd>
    </dl>
    ${dataTable(
      'What the import did',
      [
        ['count', 'text'],
        ['rows', 'figure'],
      ],
      counts.map(
        ([label, n]) =>
          html`<tr>
            <th scope="row">${label}</th>
            <td>${count(n)}</td>
          </tr>`,
      ),
    )}
    ${
      conflicts.length > 0
        ? html`${dataTable(
            'Conflicts: stored rows that differ from the file',
            [
              ['contest', 'figure'],
              ['fields', 'text'],
              ['stored', 'text'],
              ['in the file', 'text'],
              ['action', 'text'],
            ],
            conflicts.map(
              (c) =>
                html`<tr>
                  <th scope="row">${c.contest}</th>
                  <td class="text">${c.fields.join(', ')}</td>
                  <td class="text wrap">${c.fields.map((f) => `${f}: ${JSON.stringify(c.stored[f])}`).join('; ')}</td>
                  <td class="text wrap">${c.fields.map((f) => `${f}: ${JSON.stringify(c.incoming[f])}`).join('; ')}</td>
                  <td class="text">${c.action}</td>
                </tr>`,
            ),
          )}
          ${moreThan(r.conflicts.length, conflicts.length)}`
        : ''
    }
    ${
      rejected.length > 0
        ? html`${dataTable(
            'Rejected rows',
            [
              ['row', 'figure'],
              ['reason', 'text'],
            ],
            rejected.map(
              (x) =>
                html`<tr>
                  <th scope="row">${x.row}</th>
                  <td class="text wrap">${x.reason}</td>
                </tr>`,
            ),
          )}
          ${moreThan(r.rejected.length, rejected.length)}`
        : ''
    }
    ${
      r.corrections.length > 0
        ? html`<h3>Corrections applied</h3>
            <ul>
              ${r.corrections.map((c) => html`<li>contest ${c.contest}, ${c.field}: ${c.from} → ${c.to} (${c.reason})</li>`)}
            </ul>`
        : ''
    }
    ${
      r.date_inversions.length > 0
        ? html`<h3>Contests dated before the contest below them</h3>
            <ul>
              ${r.date_inversions.map((d) => html`<li>contest ${d.contest} on ${d.date}, after contest ${d.previous_contest} on ${d.previous_date}</li>`)}
            </ul>
            ${moreThan(r.date_inversions_total, r.date_inversions.length)}`
        : ''
    }
  </section>`;
}

function historyTable(ctx: ServerContext, before: number | undefined): SafeHtml {
  const page = listImports(ctx, { limit: IMPORTS_PAGE, before });
  if (page.items.length === 0)
    return html`<h2>History</h2>
      <p>No file imported yet.</p>`;
  return html`<h2 id="history-h">History</h2>
    ${dataTable(
      'Imports, newest first',
      [
        ['file', 'text'],
        ['finished', 'text'],
        ['rows read', 'figure'],
        ['inserted', 'figure'],
        ['unchanged', 'figure'],
        ['replaced', 'figure'],
        ['conflicts', 'figure'],
        ['rejected', 'figure'],
        ['contests', 'figure'],
      ],
      page.items.map(
        (i) =>
          html`<tr>
            <th scope="row">${i.file_name}${i.synthetic ? html` <span class="bad">(synthetic)</span>` : ''}</th>
            <td class="text">${when(i.finished_at)}</td>
            <td>${count(i.rows_read)}</td>
            <td>${count(i.inserted)}</td>
            <td>${count(i.unchanged)}</td>
            <td>${count(i.replaced)}</td>
            <td>${count(i.conflicts)}</td>
            <td>${count(i.rejected)}</td>
            <td>${i.first_contest === null ? '' : `${i.first_contest} – ${i.last_contest}`}</td>
          </tr>`,
      ),
    )}
    ${page.next_before !== null ? html`<p class="pager"><a href="/imports?before=${page.next_before}">Older imports</a></p>` : ''}`;
}

/** The upload: `_csrf` first (checked before any file byte is read), the options, then one file. */
async function readUpload(request: FastifyRequest, maxMb: number): Promise<{ bytes: Buffer; fileName: string; dryRun: boolean; replace: boolean }> {
  let csrfChecked = false;
  let dryRun = false;
  let replace = false;
  let file: { bytes: Buffer; fileName: string } | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (part.fieldname === CSRF_FIELD) {
        checkCsrf(request, part.value);
        csrfChecked = true;
      } else if (part.fieldname === 'dry_run') dryRun = part.value === '1';
      else if (part.fieldname === 'replace') replace = part.value === '1';
      continue;
    }
    if (!csrfChecked) {
      part.file.resume();
      checkCsrf(request, undefined);
    }
    if (part.fieldname !== 'file' || file !== undefined) {
      part.file.resume();
      throw new LuckyError('E_INPUT_INVALID', 'invalid request', ['file: one file field named "file"']);
    }
    if (part.filename === '') {
      part.file.resume();
      throw new LuckyError('E_INPUT_INVALID', 'no file was chosen', ['file: choose a workbook or CSV file']);
    }
    if (!FILE_NAME.test(part.filename)) {
      part.file.resume();
      throw new LuckyError('E_INPUT_INVALID', 'invalid file name', ['file: the name must be a plain name (letters, digits, spaces, ._()+-)']);
    }
    try {
      file = { bytes: await part.toBuffer(), fileName: part.filename };
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'FST_REQ_FILE_TOO_LARGE') throw e;
      throw new LuckyError('E_PAYLOAD_TOO_LARGE', `the file is larger than the upload limit of ${maxMb} MiB`, [`file: at most ${maxMb} MiB (upload_max_mb)`]);
    }
  }
  if (!csrfChecked) checkCsrf(request, undefined);
  if (!file) throw new LuckyError('E_INPUT_INVALID', 'no file was chosen', ['file: choose a workbook or CSV file']);
  return { ...file, dryRun, replace };
}

const importsPage: FastifyPluginCallback<{ ctx: ServerContext; cache?: PageCache }> = (app, opts, done) => {
  const { ctx } = opts;
  const cache = opts.cache ?? new PageCache(ctx);
  // Scoped to this plugin: no other dashboard route accepts multipart bodies.
  void app.register(multipart, {
    limits: { fileSize: ctx.config.upload_max_mb * 1024 * 1024, files: 1, fields: 4, parts: 5, headerPairs: 64, fieldNameSize: 32, fieldSize: 1024 },
    throwFileSizeLimit: true,
  });

  const beforeOf = (request: FastifyRequest): number | undefined => {
    const b = (request.query as Record<string, string | undefined>).before;
    if (b === undefined) return undefined;
    if (!/^\d{1,15}$/.test(b)) throw new LuckyError('E_INPUT_INVALID', 'invalid page', ['before: must be an import id']);
    return Number(b);
  };

  const send = (request: FastifyRequest, reply: FastifyReply, body: SafeHtml, status?: number) => {
    sendPage(reply, cache, { title: 'Imports', body: fillCsrf(body, sessionOf(request)?.csrf ?? ''), active: '/imports', status });
    return reply;
  };

  app.get('/imports', { config: { role: 'analyst', rateClass: 'read', web: true }, schema: { hide: true } }, async (request, reply) => {
    const before = beforeOf(request);
    const page = await cache.get(`${roleOf(request)}|imports|${before ?? ''}`, () => ({
      title: 'Imports',
      body: html`<h1>Imports</h1>
        ${uploadForm(ctx, [])} ${historyTable(ctx, before)}`,
    }));
    return send(request, reply, page.body);
  });

  app.post('/imports', { config: { role: 'analyst', rateClass: 'heavy', web: true, multipartForm: true }, schema: { hide: true } }, async (request, reply) => {
    if (!ctx.importFile) throw new LuckyError('E_NOT_CONFIGURED', 'draw import is not available on this server');
    if (!request.isMultipart()) throw new LuckyError('E_INPUT_INVALID', 'invalid request', ['body: the form must be sent as multipart/form-data']);
    let report: ImportResult;
    try {
      const upload = await readUpload(request, ctx.config.upload_max_mb);
      report = (await ctx.importFile(upload.bytes, upload.fileName, { replace: upload.replace, dryRun: upload.dryRun })) as ImportResult;
    } catch (e) {
      // A refused file is shown on the form; a refused form (CSRF) and server faults are error pages.
      if (!(e instanceof LuckyError) || e.code === 'E_FORBIDDEN' || e.httpStatus >= 500) throw e;
      const problems = e.details.length > 0 ? [e.message, ...e.details] : [e.message];
      return send(
        request,
        reply,
        html`<h1>Imports</h1>
          ${uploadForm(ctx, problems)} ${historyTable(ctx, undefined)}`,
        e.httpStatus,
      );
    }
    request.log.info({ by: request.principal?.id, file: report.file, dry_run: report.dry_run, inserted: report.inserted }, 'file imported from the dashboard');
    return send(
      request,
      reply,
      html`<h1>Imports</h1>
        ${importReport(report)} ${uploadForm(ctx, [])} ${historyTable(ctx, undefined)}`,
    );
  });

  done();
};

export default importsPage;
