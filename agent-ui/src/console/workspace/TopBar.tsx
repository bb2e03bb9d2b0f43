import type { AgentSelfDto, PresenceStatus } from '../../../../src/contracts/index.js';
import type { SessionUser } from '../api/endpoints.js';
import { useI18n } from '../i18n/context.js';
import { LangSwitch } from '../i18n/LangSwitch.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

const PRESENCE: readonly PresenceStatus[] = ['available', 'away', 'offline'];

interface Props {
  user: SessionUser;
  self: AgentSelfDto | null;
  connection: ConnectionState;
  presencePending: PresenceStatus | null;
  onPresence: (status: PresenceStatus) => void;
  onSignOut: () => void;
}

export function TopBar({ user, self, connection, presencePending, onPresence, onSignOut }: Props) {
  const { t } = useI18n();
  const status = presencePending ?? self?.status ?? 'offline';
  return (
    <header className="topbar">
      <span className="brand">{t('app.title')}</span>
      <span className={`connection connection-${connection}`} role="status" data-testid="connection-state">
        {t(`conn.${connection}`)}
      </span>
      <span className="spacer" />
      <span className="agent-name" data-testid="agent-name">
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
      <LangSwitch />
      <button type="button" className="link" onClick={onSignOut} data-testid="logout">
        {t('top.logout')}
      </button>
    </header>
  );
}
