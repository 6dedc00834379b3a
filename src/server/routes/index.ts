/**
 * Every resource of the API, mounted under /api/v1 in this order. Adding a resource is one
 * file in this folder and one line here.
 */
import type { ResourcePlugin } from '../context.js';
import authKeysRoutes from './auth-keys.js';
import drawsRoutes from './draws.js';
import healthRoutes from './health.js';
import importsRoutes from './imports.js';
import metricsRoutes from './metrics.js';

export const API_PREFIX = '/api/v1';

export const RESOURCES: ReadonlyArray<readonly [name: string, plugin: ResourcePlugin]> = [
  ['health', healthRoutes],
  ['metrics', metricsRoutes],
  ['draws', drawsRoutes],
  ['imports', importsRoutes],
  ['auth-keys', authKeysRoutes],
];
