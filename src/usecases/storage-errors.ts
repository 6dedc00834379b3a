/**
 * The storage-fault mapping as front-ends see it. The mapping itself stays in the store
 * (`store/storage-errors.ts`): it tracks the connections the store opens and probes a file with
 * `quick_check` to name the damaged one, which is database work. The CLI entry, the server's
 * error handler and routes reach it here instead of importing the store. Like the module it
 * re-exports, this loads no SQLite addon, so `--help` stays fast.
 */
export { isStorageFault, toStorageError, userFacingMessage } from '../store/storage-errors.js';
