// Runs the CLI from source in a child process (for kill -9 and signal tests).
import { main } from '../../src/cli/main.js';
import { TEST_THREADS } from './cli.js';

// the same pinned thread count as the in-process helper, unless the test sets one
process.env.LUCKYFIVE_THREADS ??= TEST_THREADS;
await main();
