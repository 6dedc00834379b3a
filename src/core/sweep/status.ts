/** The statuses a sweep can have: one list for the store's type, `sweep list --status` and `GET /sweeps?status=`. */
export const SWEEP_STATUSES = ['pending', 'running', 'completed', 'completed_with_failures', 'stopped', 'failed'] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];
