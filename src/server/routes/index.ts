/**
 * Every resource of the API, mounted under /api/v1 in this order. Adding a resource is one
 * file in this folder and one line here.
 */
import type { ResourcePlugin } from '../context.js';
import authKeysRoutes from './auth-keys.js';
import analysisRoutes from './analysis.js';
import budgetsRoutes from './budgets.js';
import dashboardRoutes from './dashboard.js';
import drawsRoutes from './draws.js';
import financeRoutes from './finance.js';
import healthRoutes from './health.js';
import importsRoutes from './imports.js';
import ledgerRoutes from './ledger.js';
import metricsRoutes from './metrics.js';
import optimizationsRoutes from './optimizations.js';
import recipesRoutes from './recipes.js';
import reportsRoutes from './reports.js';
import runsRoutes from './runs.js';
import simulationsRoutes from './simulations.js';

export const API_PREFIX = '/api/v1';

export const RESOURCES: ReadonlyArray<readonly [name: string, plugin: ResourcePlugin]> = [
  ['health', healthRoutes],
  ['metrics', metricsRoutes],
  ['draws', drawsRoutes],
  ['imports', importsRoutes],
  ['auth-keys', authKeysRoutes],
  ['runs', runsRoutes],
  ['reports', reportsRoutes],
  ['simulations', simulationsRoutes],
  ['recipes', recipesRoutes],
  ['ledger', ledgerRoutes],
  ['budgets', budgetsRoutes],
  ['finance', financeRoutes],
  ['dashboard', dashboardRoutes],
  ['analysis', analysisRoutes],
  ['optimizations', optimizationsRoutes],
];
