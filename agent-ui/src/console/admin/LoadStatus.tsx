import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';

/** What an admin list shows before its table: the load error with a retry, "loading", or its empty text. */
export function LoadStatus({ list, error, onRetry, empty }: { list: readonly unknown[] | null; error: unknown; onRetry: () => void; empty: string }) {
  const { t } = useI18n();
  if (error !== null) {
    return (
      <div className="inline-error" role="alert">
        {t('desk.loadFailed', { message: errorText(error, t) })}{' '}
        <button type="button" className="link" onClick={onRetry}>
          {t('common.retry')}
        </button>
      </div>
    );
  }
  if (list === null) return <p className="muted">{t('common.loading')}</p>;
  if (list.length === 0) return <p className="muted">{empty}</p>;
  return null;
}
