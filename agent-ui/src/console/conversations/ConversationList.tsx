import type { ConversationDto } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';
import { customerLabel } from '../util/customer.js';
import { ChannelBadge } from './ChannelBadge.js';
import { TagFilter, useTagFilter } from '../desk/TagFilter.js';

interface Props {
  conversations: ConversationDto[];
  selectedId: string | null;
  unread: ReadonlyMap<string, number>;
  error: string | null;
  loading: boolean;
  onSelect: (id: string) => void;
  onRetry: () => void;
}

export function ConversationList({ conversations, selectedId, unread, error, loading, onSelect, onRetry }: Props) {
  const { t, moment, number } = useI18n();
  const tagFilter = useTagFilter(conversations);
  const shown = tagFilter.ids ? conversations.filter((c) => tagFilter.ids?.has(c.id)) : conversations;
  return (
    <nav className="sidebar" aria-labelledby="conversation-list-title">
      <h2 id="conversation-list-title" className="sidebar-title">
        {t('list.title')}
      </h2>
      <TagFilter filter={tagFilter} />
      {error !== null && (
        <div className="inline-error" role="alert">
          {t('list.loadFailed', { message: error })}{' '}
          <button type="button" className="link" onClick={onRetry}>
            {t('common.retry')}
          </button>
        </div>
      )}
      <ul className="conversation-list" data-testid="conversation-list">
        {shown.map((c) => {
          const count = unread.get(c.id) ?? 0;
          const selected = c.id === selectedId;
          return (
            <li key={c.id} data-testid="conversation-item" data-conversation-id={c.id} data-selected={selected}>
              <button
                type="button"
                className={`conversation-item${selected ? ' selected' : ''}`}
                aria-current={selected ? 'true' : undefined}
                onClick={() => onSelect(c.id)}
              >
                <span className="conversation-item-top">
                  <span className="conversation-customer" dir="auto">
                    {customerLabel(c.customer) ?? t('customer.unknown')}
                  </span>
                  {count > 0 && (
                    <span className="unread" aria-label={t('list.unread', { count })}>
                      {number(count)}
                    </span>
                  )}
                </span>
                <span className="conversation-item-bottom">
                  <ChannelBadge channel={c.channel} />
                  {c.queue && (
                    <span className="conversation-queue" dir="auto">
                      {c.queue}
                    </span>
                  )}
                  <time dateTime={c.updatedAt}>{moment(c.updatedAt)}</time>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {!loading && error === null && conversations.length === 0 && <p className="empty">{t('list.empty')}</p>}
    </nav>
  );
}
