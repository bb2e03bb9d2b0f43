import type { ReactNode } from 'react';
import type { AgentSelfDto, PresenceStatus } from '../../../../src/contracts/index.js';
import type { SessionUser } from '../api/endpoints.js';
import { useI18n } from '../i18n/context.js';
import { LangSwitch } from '../i18n/LangSwitch.js';
import { hrefOf, viewsFor, type Route } from './route.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

const PRESENCE: readonly PresenceStatus[] = ['available', 'away', 'break', 'offline'];

interface Props {
  user: SessionUser;
  route: Route;
  /** Unread messages and pending offers, shown on the Conversations tab while another screen is open. */
  attention: number;
  self: AgentSelfDto | null;
  connection: ConnectionState;
  presencePending: PresenceStatus | null;
  onPresence: (status: PresenceStatus) => void;
  onSignOut: () => void;
  /** Small controls shown beside the language switch (offer sound, shortcut list). */
  tools?: ReactNode;
}

export function TopBar({ user, route, attention, self, connection, presencePending, onPresence, onSignOut, tools }: Props) {
  const { t, number } = useI18n();
  const status = presencePending ?? self?.status ?? 'offline';
  const views = viewsFor(user.role);
  return (
    <header className="topbar">
      <span className="brand">{t('app.title')}</span>
      {views.length > 1 && (
        <nav className="main-nav" aria-label={t('nav.label')}>
          {views.map((v) => {
            const current = route.view === v;
            return (
              <a
                key={v}
                href={hrefOf(v, route.adminTab)}
                className={`nav-link${current ? ' current' : ''}`}
                aria-current={current ? 'page' : undefined}
                data-testid={`nav-${v}`}
              >
                {t(`nav.${v}`)}
                {v === 'conversations' && !current && attention > 0 && (
                  <span className="unread" aria-label={t('list.unread', { count: attention })}>
                    {number(attention)}
                  </span>
                )}
              </a>
            );
          })}
        </nav>
      )}
      <span className={`connection connection-${connection}`} role="status" data-testid="connection-state">
        {t(`conn.${connection}`)}
      </span>
      <span className="spacer" />
      <span className="agent-name" data-testid="agent-name" dir="auto">
        {self?.name ?? user.name}
      </span>
      {self && (
        <span className="agent-load" data-testid="agent-load">
          {t('top.load', { used: self.used, capacity: self.capacity })}
        </span>
      )}
      <label className="presence">
        <span className={`presence-dot presence-${status}`} aria-hidden="true" />
        <span className="visually-hidden">{t('top.presence')}</span>
        <select
          data-testid="presence-select"
          value={status}
          disabled={connection !== 'connected' || presencePending !== null}
          onChange={(e) => onPresence(e.target.value as PresenceStatus)}
        >
          {PRESENCE.map((p) => (
            <option key={p} value={p}>
              {t(`presence.${p}`)}
            </option>
          ))}
        </select>
      </label>
      {tools}
      <LangSwitch signedIn />
      <button type="button" className="link" onClick={onSignOut} data-testid="logout">
        {t('top.logout')}
      </button>
    </header>
  );
}
