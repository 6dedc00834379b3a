/**
 * Roles of the HTTP API (listed in core/roles.ts), weakest first. Each role includes the ones
 * before it. `public` is not a role a key can hold: it marks routes that need none.
 */
import { ROLES, type Role } from '../core/roles.js';

/** What a route requires: a role, or `public` for no credentials at all. */
export const ROUTE_ROLES = ['public', ...ROLES] as const;
export type RouteRole = (typeof ROUTE_ROLES)[number];

const RANK: Record<RouteRole, number> = { public: 0, viewer: 1, analyst: 2, admin: 3 };

/** True when a principal holding `held` may call a route that requires `required`. */
export function roleAllows(held: Role | null, required: RouteRole): boolean {
  if (required === 'public') return true;
  return held !== null && RANK[held] >= RANK[required];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
