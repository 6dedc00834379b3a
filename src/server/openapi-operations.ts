/**
 * What the OpenAPI document says of each operation beyond its schemas: a stable camelCase
 * `operationId`, a one-line summary, a description (what it does, the role that may call it,
 * its rate class, its errors), its security and an example request, plus the response examples
 * recorded from the app (openapi-examples.ts). `documentOperations` writes them into the
 * generated document and throws when a route has no entry here, so no operation goes out bare.
 * The example requests are real: test/integration/openapi-examples.test.ts sends each one.
 */
import { RECORDED_RESPONSES } from './openapi-examples.js';

/**
 * Ids that stand for stored resources in the examples. The example test replaces each by the id
 * of its own resource of that kind (the `running*` ones by a job, sweep or study it starts just
 * before cancelling it); on your server, use ids from `GET /runs`, `GET /simulations` and so on.
 */
export const EXAMPLE_IDS = {
  run: '20260101-000000-0a1b2c',
  otherRun: '20260101-000000-3d4e5f',
  job: 'job-20260101-000000-7a8b9c0d',
  sweep: 'sw-20260101-000000-1f2e3d',
  study: 'st-20260101-000000-4c5b6a',
  runningJob: 'job-20260101-000100-4e5f6a7b',
  runningSweep: 'sw-20260101-000100-9d8c7b',
  runningStudy: 'st-20260101-000100-6a5b4c',
} as const;

const ID = EXAMPLE_IDS;

/** The recipe the examples simulate: small, so that a simulation answers at once. */
const TINY_RECIPE = { version: '2', name: 'tiny-random', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 };

/** One uploaded file of an example request (multipart field `file`). */
interface ExampleFile {
  name: string;
  content: string;
}

interface ExampleRequest {
  params?: Record<string, string>;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: unknown;
  file?: ExampleFile;
}

interface OperationDoc {
  operationId: string;
  summary: string;
  /** a sentence or two before the generated role, rate class and error lines */
  about?: string;
  example: ExampleRequest;
}

const NONE: ExampleRequest = {};

/** Two new contests as the CSV import reads them (header row, then contest, date and five numbers). */
const UPLOAD_CSV = 'contest,draw_date,b1,b2,b3,b4,b5\n6901,2022-06-20,3,17,29,44,68\n6902,2022-06-21,8,21,36,52,77\n';

const REPORT_FORMATS = { html: 'HTML', pdf: 'PDF', png: 'PNG', csv: 'CSV' } as const;

/** The four report formats of one report route, as `GET <base>.<format>` entries. */
function reportOperations(base: string, idStem: string, what: string, example: ExampleRequest): Record<string, OperationDoc> {
  return Object.fromEntries(
    Object.entries(REPORT_FORMATS).map(([format, label]) => [
      `GET ${base}.${format}`,
      { operationId: `${idStem}${label.charAt(0)}${label.slice(1).toLowerCase()}`, summary: `${what} as ${label}`, example },
    ]),
  );
}

/** Every operation, by `METHOD path` as the document spells it. */
const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /api/v1/openapi.json': { operationId: 'getOpenApiDocument', summary: 'This OpenAPI document', example: NONE },
  'GET /api/v1/health': {
    operationId: 'getHealth',
    summary: 'Health of the server and its databases',
    about: 'Load balancers and monitors poll this; 503 (same body) when a database does not answer or the disk is full.',
    example: NONE,
  },
  'GET /api/v1/metrics': { operationId: 'getMetrics', summary: 'Prometheus metrics', example: NONE },
  'GET /api/v1/draws': {
    operationId: 'listDraws',
    summary: 'List draws, one page at a time',
    about: 'Pass `next_cursor` back as `cursor` for the next page; it is null on the last one.',
    example: { query: { from: '6891', to: '6900', order: 'desc', limit: '5' } },
  },
  'GET /api/v1/draws/{contest}': { operationId: 'getDraw', summary: 'One draw', example: { params: { contest: '6900' } } },
  'POST /api/v1/imports': {
    operationId: 'importDraws',
    summary: 'Import a results file (xlsx or csv)',
    about:
      'Send the file as the multipart field `file`. 201 with the import report; 200 for a dry run (`dry_run=true`, as in the example: the file is read and checked, nothing is written).',
    example: { query: { dry_run: 'true' }, file: { name: 'draws.csv', content: UPLOAD_CSV } },
  },
  'GET /api/v1/imports': { operationId: 'listImports', summary: 'Import history', example: { query: { limit: '5' } } },
  'GET /api/v1/auth/keys': { operationId: 'listApiKeys', summary: 'List API keys', example: NONE },
  'POST /api/v1/auth/keys': {
    operationId: 'createApiKey',
    summary: 'Create an API key',
    about: 'Keep the `key` of the answer: it is never shown again. `luckyfive auth key create` does the same from the shell.',
    example: { body: { name: 'ci-reader', role: 'viewer', expires_in: '90d' } },
  },
  'DELETE /api/v1/auth/keys/{id}': { operationId: 'revokeApiKey', summary: 'Revoke an API key', example: { params: { id: '4' } } },
  'GET /api/v1/runs': {
    operationId: 'listRuns',
    summary: 'List runs, one page at a time',
    about: 'Pass `next_cursor` back as `cursor` for the next page; it is null on the last one.',
    example: { query: { status: 'completed', order_by: 'mean_hits', desc: 'true', limit: '2' } },
  },
  'GET /api/v1/runs/{run_id}': { operationId: 'getRun', summary: "A run's report", example: { params: { run_id: ID.run } } },
  'DELETE /api/v1/runs/{run_id}': { operationId: 'deleteRun', summary: 'Delete a run', example: { params: { run_id: ID.run } } },
  'GET /api/v1/runs/{run_id}/contests': {
    operationId: 'listRunContests',
    summary: 'Per-contest results of a run',
    example: { params: { run_id: ID.run }, query: { min_hits: '1', limit: '3' } },
  },
  'GET /api/v1/runs/{run_id}/tickets.csv': { operationId: 'getRunTickets', summary: "A run's tickets as CSV", example: { params: { run_id: ID.run } } },
  'GET /api/v1/runs/{run_id}/file': { operationId: 'downloadRunFile', summary: "A run's SQLite file", example: { params: { run_id: ID.run } } },
  ...reportOperations('/api/v1/runs/{run_id}/report', 'getRunReport', "A run's report", { params: { run_id: ID.run } }),
  ...reportOperations('/api/v1/books/report', 'getBooksReport', 'The financial period report', { query: { from: '2022-01-01', to: '2022-12-31' } }),
  ...reportOperations('/api/v1/sweeps/{sweep_id}/report', 'getSweepReport', "A sweep's report", { params: { sweep_id: ID.sweep } }),
  ...reportOperations('/api/v1/compare/report', 'getComparisonReport', 'A comparison of runs', { query: { runs: `${ID.run},${ID.otherRun}` } }),
  'POST /api/v1/simulations': {
    operationId: 'createSimulation',
    summary: 'Run a backtest (small ones answer at once, the rest become a job)',
    about: 'A 202 answer is a job: poll `GET /simulations/{job_id}` until its status is completed, then read `GET /runs/{run_id}`.',
    example: { body: { recipe: TINY_RECIPE, from: 6881, to: 6900, name: 'tiny, last 20' } },
  },
  'GET /api/v1/simulations': { operationId: 'listSimulations', summary: 'Simulation jobs', example: { query: { status: 'completed', limit: '5' } } },
  'GET /api/v1/simulations/{job_id}': { operationId: 'getSimulation', summary: 'One simulation job', example: { params: { job_id: ID.job } } },
  'POST /api/v1/simulations/{job_id}/cancel': {
    operationId: 'cancelSimulation',
    summary: 'Cancel a simulation job',
    example: { params: { job_id: ID.runningJob } },
  },
  'GET /api/v1/recipes': { operationId: 'listRecipes', summary: 'Saved recipes', example: { query: { limit: '10' } } },
  'POST /api/v1/recipes': { operationId: 'createRecipe', summary: 'Save a recipe', example: { body: { name: 'tiny-random', recipe: TINY_RECIPE } } },
  'POST /api/v1/recipes/validate': {
    operationId: 'validateRecipe',
    summary: 'Check a recipe without saving it',
    example: { body: { recipe: { ...TINY_RECIPE, tickets: 0 } } },
  },
  'GET /api/v1/recipes/{name}': { operationId: 'getRecipe', summary: 'One saved recipe', example: { params: { name: 'tiny-random' } } },
  'PUT /api/v1/recipes/{name}': {
    operationId: 'replaceRecipe',
    summary: 'Replace a saved recipe',
    example: { params: { name: 'tiny-random' }, body: { recipe: { ...TINY_RECIPE, tickets: 5 } } },
  },
  'DELETE /api/v1/recipes/{name}': { operationId: 'deleteRecipe', summary: 'Delete a saved recipe', example: { params: { name: 'tiny-random' } } },
  'POST /api/v1/recipes/{name}/default': {
    operationId: 'setDefaultRecipe',
    summary: 'Make a saved recipe the default',
    example: { params: { name: 'tiny-random' } },
  },
  'GET /api/v1/presets': { operationId: 'listPresets', summary: 'The shipped presets', example: NONE },
  'GET /api/v1/presets/{name}': { operationId: 'getPreset', summary: 'One shipped preset', example: { params: { name: 'balanced' } } },
  'GET /api/v1/ledger': {
    operationId: 'listLedgerEntries',
    summary: 'Ledger entries, one page at a time',
    example: { query: { type: 'bet', limit: '10' } },
  },
  'POST /api/v1/ledger': {
    operationId: 'createLedgerEntry',
    summary: 'Record a ledger entry',
    about: 'Send an `Idempotency-Key` header (or `idempotency_key`) so that a retried request records the entry once.',
    example: {
      headers: { 'idempotency-key': 'bet-6900-1' },
      body: { type: 'bet', contest: 6900, cost_cents: 250, ticket_numbers: [[5, 12, 33, 47, 71]], note: 'one ticket' },
    },
  },
  'POST /api/v1/ledger/{id}/reverse': {
    operationId: 'reverseLedgerEntry',
    summary: 'Reverse a ledger entry',
    example: { params: { id: '1' }, body: { reason: 'recorded on the wrong contest', date: '2022-06-19' } },
  },
  'POST /api/v1/ledger/settle': { operationId: 'settleContest', summary: "Record a contest's prizes", example: { body: { contest: 6900 } } },
  'GET /api/v1/ledger/check': { operationId: 'checkLedger', summary: 'Verify the books', example: NONE },
  'GET /api/v1/ledger/report': {
    operationId: 'getLedgerReport',
    summary: 'Money in and out by period, run or tier',
    example: { query: { group_by: 'month', since: '2022-01-01' } },
  },
  'GET /api/v1/ledger/balance': { operationId: 'getLedgerBalance', summary: 'The balance on a date', example: { query: { date: '2022-06-30' } } },
  'POST /api/v1/ledger/assertions': {
    operationId: 'createBalanceAssertion',
    summary: 'Assert the balance on a date',
    example: { body: { date: '2022-06-18', balance_cents: -250, note: 'bank statement of June' } },
  },
  'POST /api/v1/ledger/assertions/{id}/retract': {
    operationId: 'retractBalanceAssertion',
    summary: 'Withdraw a balance assertion',
    example: { params: { id: '1' }, body: { reason: 'the statement was provisional' } },
  },
  'GET /api/v1/budgets': { operationId: 'listBudgets', summary: 'Budgets', example: { query: { limit: '10' } } },
  'POST /api/v1/budgets': {
    operationId: 'createBudget',
    summary: 'Create a budget',
    example: { body: { name: '2022-h2', amount_cents: 10_000, from: '2022-07-01', to: '2022-12-31', note: 'second half of 2022' } },
  },
  'GET /api/v1/budgets/{name}': { operationId: 'getBudget', summary: 'One budget', example: { params: { name: '2022-h2' } } },
  'GET /api/v1/prices': { operationId: 'listPrices', summary: 'Bet prices by period', example: NONE },
  'POST /api/v1/prices': {
    operationId: 'setPrice',
    summary: 'Add or change a price period',
    example: { body: { from: '2026-01-01', price_cents: 300, note: 'price from the lottery notice' } },
  },
  'GET /api/v1/prices/history': { operationId: 'listPriceChanges', summary: 'Changes to the price table', example: NONE },
  'GET /api/v1/finance/roi': { operationId: 'getRoi', summary: 'Simulated and real ROI of runs', example: { query: { run_id: ID.run } } },
  'GET /api/v1/finance/prizes/{contest}': { operationId: 'getContestPrizes', summary: "A contest's prizes", example: { params: { contest: '6900' } } },
  'GET /api/v1/dashboard': { operationId: 'getDashboard', summary: 'The dashboard summary', example: NONE },
  'GET /api/v1/sweeps': { operationId: 'listSweeps', summary: 'Sweeps', example: { query: { status: 'completed', limit: '5' } } },
  'POST /api/v1/sweeps': {
    operationId: 'createSweep',
    summary: 'Start a sweep',
    about: 'Follow it with `GET /sweeps/{sweep_id}` until `complete` is true.',
    example: {
      body: { version: '1', name: 'three seeds', base: { recipe: TINY_RECIPE }, parameters: [{ name: 'seed', list: [1, 2, 3] }], range: { last: 10 } },
    },
  },
  'GET /api/v1/sweeps/{sweep_id}': {
    operationId: 'getSweep',
    summary: 'A sweep and its ranked cells',
    example: { params: { sweep_id: ID.sweep }, query: { top: '3' } },
  },
  'POST /api/v1/sweeps/{sweep_id}/cancel': { operationId: 'cancelSweep', summary: 'Stop a sweep', example: { params: { sweep_id: ID.runningSweep } } },
  'POST /api/v1/sweeps/{sweep_id}/resume': { operationId: 'resumeSweep', summary: 'Resume a sweep', example: { params: { sweep_id: ID.runningSweep } } },
  'GET /api/v1/compare': {
    operationId: 'compareRuns',
    summary: 'Compare runs with paired tests',
    example: { query: { run_id: [ID.run, ID.otherRun] } },
  },
  'GET /api/v1/leaderboard': {
    operationId: 'getLeaderboard',
    summary: 'Completed runs ranked by a metric',
    example: { query: { metric: 'mean_hits', limit: '5' } },
  },
  'POST /api/v1/optimizations': {
    operationId: 'createOptimization',
    summary: 'Start an optimization study',
    about: 'Follow it with `GET /optimizations/{study_id}` until its status is final.',
    example: {
      body: {
        version: '1',
        name: 'seed search',
        base: { recipe: TINY_RECIPE },
        parameters: [{ name: 'seed', range: { min: 1, max: 1000, step: 1 } }],
        train: { from: 6800, to: 6820 },
        holdout: { from: 6880, to: 6890 },
        method: 'random',
        trials: 4,
        holdout_top: 2,
        seed: 7,
      },
    },
  },
  'GET /api/v1/optimizations': { operationId: 'listOptimizations', summary: 'Optimization studies', example: { query: { status: 'completed', limit: '5' } } },
  'GET /api/v1/optimizations/{study_id}': { operationId: 'getOptimization', summary: 'One optimization study', example: { params: { study_id: ID.study } } },
  'POST /api/v1/optimizations/{study_id}/cancel': {
    operationId: 'cancelOptimization',
    summary: 'Stop an optimization study',
    example: { params: { study_id: ID.runningStudy } },
  },
  'POST /api/v1/optimizations/{study_id}/resume': {
    operationId: 'resumeOptimization',
    summary: 'Resume an optimization study',
    example: { params: { study_id: ID.runningStudy } },
  },
};

/** What each error status means, for the description's error line. */
const STATUS_MEANING: Readonly<Record<string, string>> = {
  '400': 'the request does not match the schema (`details` names each field)',
  '401': 'no credentials, or wrong, expired or revoked ones',
  '403': 'the credentials hold a lower role',
  '404': 'no such resource',
  '409': 'the resource is in a state that does not allow it, or the catalog is busy',
  '413': 'the body is too large',
  '422': 'the data cannot be read',
  '429': 'rate limit reached (see `Retry-After`)',
  '500': 'an internal error',
  '501': 'this server was started without what it needs (a worker pool or job runner)',
  '503': 'interrupted, or a dependency is down',
};

const ROLE_TEXT: Readonly<Record<string, string>> = {
  public: 'Public: no credentials needed (credentials that are sent must be valid).',
  viewer: 'Role: `viewer` or above (an API key or JWT of any role).',
  analyst: 'Role: `analyst` or `admin`.',
  admin: 'Role: `admin`.',
};

const RATE_TEXT: Readonly<Record<string, string>> = {
  read: 'Rate class: `read`.',
  write: 'Rate class: `write`.',
  heavy: 'Rate class: `heavy` (the smallest budget per minute).',
};

type Json = Record<string, unknown>;

function asObject(v: unknown): Json {
  return v !== null && typeof v === 'object' ? (v as Json) : {};
}

/** Sets examples on one operation's parameters and body; throws when the example names one the operation lacks. */
function setRequestExamples(where: string, op: Json, example: ExampleRequest): void {
  const params = (op.parameters ?? []) as Json[];
  const values: Array<[string, Record<string, unknown> | undefined]> = [
    ['path', example.params],
    ['query', example.query],
    ['header', example.headers],
  ];
  for (const [location, given] of values) {
    for (const [name, value] of Object.entries(given ?? {})) {
      const param = params.find((p) => p.in === location && p.name === name);
      if (!param) throw new Error(`${where}: the example sets ${location} parameter ${name}, which the operation does not have`);
      param.example = value;
    }
  }
  for (const p of params) {
    if (p.in === 'path' && p.example === undefined) throw new Error(`${where}: no example for path parameter ${String(p.name)}`);
  }
  const content = asObject(asObject(op.requestBody).content);
  if (example.body !== undefined) {
    const json = content['application/json'] as Json | undefined;
    if (!json) throw new Error(`${where}: the example has a JSON body, the operation takes none`);
    json.example = example.body;
  }
  if (example.file) {
    const form = content['multipart/form-data'] as Json | undefined;
    if (!form) throw new Error(`${where}: the example uploads a file, the operation takes no multipart body`);
    form.example = { file: example.file.content };
    form['x-example-filename'] = example.file.name;
  }
  if (Object.keys(content).length > 0 && example.body === undefined && !example.file)
    throw new Error(`${where}: the operation takes a body and its example has none`);
}

/** Writes the recorded answers of the example request into the responses they answer. */
function setResponseExamples(key: string, op: Json): void {
  const recorded = RECORDED_RESPONSES[key] ?? {};
  const responses = asObject(op.responses);
  for (const [status, value] of Object.entries(recorded)) {
    const content = asObject(asObject(responses[status]).content);
    const media = Object.values(content)[0] as Json | undefined;
    if (media) media.example = value;
  }
}

/** The description: the route's own text, then who may call it, its rate class and its errors. */
function describe(doc: OperationDoc, op: Json): string {
  const role = String(op['x-role']);
  const rate = String(op['x-rate-class']);
  const errors = Object.keys(asObject(op.responses))
    .filter((s) => s in STATUS_MEANING && Number(s) >= 400)
    .map((s) => `${s} ${s === '401' && role === 'public' ? 'the credentials sent are wrong, expired or revoked' : STATUS_MEANING[s]}`);
  const ownSummary = typeof op.summary === 'string' && op.summary !== doc.summary ? `${op.summary}.` : '';
  const parts = [ownSummary, typeof op.description === 'string' ? op.description : undefined, doc.about, `${ROLE_TEXT[role] ?? ''} ${RATE_TEXT[rate] ?? ''}`];
  if (errors.length > 0) parts.push(`Errors: ${errors.join('; ')}.`);
  return parts.filter((p) => p !== undefined && p.trim() !== '').join('\n\n');
}

/**
 * Gives every operation of `document` (the generated OpenAPI object) its id, summary,
 * description, security and examples. Throws when an operation has no entry in the table, or an
 * entry names no operation: the table and the routes cannot drift apart silently.
 */
export function documentOperations<T>(document: T): T {
  const paths = asObject(asObject(document).paths);
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, value] of Object.entries(asObject(item))) {
      const op = asObject(value);
      const key = `${method.toUpperCase()} ${path}`;
      const doc = OPERATIONS[key];
      if (!doc) throw new Error(`${key} has no entry in src/server/openapi-operations.ts (operationId, summary, example)`);
      seen.add(key);
      op.description = describe(doc, op);
      op.summary = doc.summary;
      op.operationId = doc.operationId;
      if (op['x-role'] === 'public') op.security = [];
      setRequestExamples(key, op, doc.example);
      setResponseExamples(key, op);
    }
  }
  const stale = Object.keys(OPERATIONS).filter((k) => !seen.has(k));
  if (stale.length > 0) throw new Error(`src/server/openapi-operations.ts documents operations the app does not have: ${stale.join(', ')}`);
  return document;
}
