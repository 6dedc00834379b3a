/** Writes docs/openapi.json from the zod schemas (`npx tsx scripts/gen-openapi.ts`). A test fails when it is stale. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument } from '../src/server/openapi-document.js';

const target = resolve(import.meta.dirname, '../docs/openapi.json');
writeFileSync(target, await buildOpenApiDocument());
console.error(`wrote ${target}`);
