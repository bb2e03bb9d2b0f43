// The signed-in console's screens, addressed by the URL hash (#/supervisor,
// #/admin/queues…) so reloads and bookmarks keep the screen and the hub only
// has to serve index.html at /.
import { useEffect, useState } from 'react';
import type { Role } from '../../../../src/contracts/index.js';

export type View = 'conversations' | 'customers' | 'supervisor' | 'reports' | 'campaigns' | 'admin';
export type AdminTab = 'users' | 'queues' | 'canned' | 'dispositions' | 'hours';
export const ADMIN_TABS: readonly AdminTab[] = ['users', 'queues', 'canned', 'dispositions', 'hours'];

export interface Route {
  view: View;
  adminTab: AdminTab;
}

export function viewsFor(role: Role): View[] {
  if (role === 'admin') return ['conversations', 'customers', 'supervisor', 'reports', 'campaigns', 'admin'];
  if (role === 'supervisor') return ['conversations', 'customers', 'supervisor', 'reports', 'campaigns'];
  return ['conversations', 'customers'];
}

function defaultView(role: Role): View {
  return role === 'agent' ? 'conversations' : 'supervisor';
}

export function parseRoute(hash: string, role: Role): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const allowed = viewsFor(role);
  const wanted = parts[0] as View | undefined;
  const view = wanted && allowed.includes(wanted) ? wanted : defaultView(role);
  const adminTab: AdminTab = view === 'admin' && (ADMIN_TABS as readonly string[]).includes(parts[1] ?? '') ? (parts[1] as AdminTab) : 'users';
  return { view, adminTab };
}

export function hrefOf(view: View, adminTab?: AdminTab): string {
  return view === 'admin' ? `#/admin/${adminTab ?? 'users'}` : `#/${view}`;
}

/** The current route, following hash changes. */
export function useRoute(role: Role): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash, role);
}
