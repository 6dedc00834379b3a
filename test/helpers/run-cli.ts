// Runs the CLI from source in a child process (for kill -9 and signal tests).
import { main } from '../../src/cli/main.js';

await main();
