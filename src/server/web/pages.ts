/**
 * Every navigable page of the web dashboard, in navigation order, with the role a session needs
 * to see it. The layout's nav shows the pages the session's role may open; the browser tests
 * visit each one.
 */
import type { RouteRole } from '../../auth/roles.js';

export interface WebPage {
  path: string;
  title: string;
  role: RouteRole;
}

export const WEB_PAGES: ReadonlyArray<WebPage> = [
  { path: '/', title: 'Overview', role: 'viewer' },
  { path: '/draws', title: 'Draws', role: 'viewer' },
  { path: '/runs', title: 'Runs', role: 'viewer' },
  { path: '/sweeps', title: 'Sweeps', role: 'viewer' },
  { path: '/studies', title: 'Studies', role: 'viewer' },
  { path: '/compare', title: 'Compare', role: 'viewer' },
  { path: '/leaderboard', title: 'Leaderboard', role: 'viewer' },
  { path: '/books', title: 'Books', role: 'viewer' },
  { path: '/jobs', title: 'Jobs', role: 'viewer' },
  { path: '/imports', title: 'Imports', role: 'analyst' },
];
