/**
 * The single binary's application entry, bundled by scripts/build-binary.mjs: what bin/luckyfive.js
 * is to the npm install. scripts/sea/main.cjs imports its bundle from the cache entry.
 */
import { main } from '../../src/cli/main.ts';

await main();
