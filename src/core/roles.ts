/**
 * The roles an API key or token can hold, weakest first: a viewer reads; an analyst also creates
 * runs, sweeps, imports and ledger entries; an admin also manages keys, prices and maintenance.
 * Here in the core so that the store (which keeps each key's role) does not depend on auth/.
 */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];
