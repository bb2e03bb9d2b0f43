import { useI18n } from '../i18n/context.js';
import type { StringKey } from '../i18n/strings.js';

interface Props {
  /** Which live feed is down; the text says what may be stale. */
  feed: 'agent' | 'supervisor';
  onRetry: () => void;
}

const TEXT: Record<Props['feed'], StringKey> = {
  agent: 'banner.agentOffline',
  supervisor: 'banner.supervisorOffline',
};

/** Shown for as long as a socket is down, so the screen never goes silently stale. */
export function ConnectionBanner({ feed, onRetry }: Props) {
  const { t } = useI18n();
  return (
    <div className="connection-banner" role="alert" data-testid={`${feed}-disconnected`}>
      <span className="connection-banner-dot" aria-hidden="true" />
      <span>{t(TEXT[feed])}</span>
      <button type="button" className="link" onClick={onRetry}>
        {t('banner.reconnect')}
      </button>
    </div>
  );
}
