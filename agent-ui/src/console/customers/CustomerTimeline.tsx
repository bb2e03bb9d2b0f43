import { Fragment, useEffect, useRef } from 'react';
import { errorText } from '../api/errorText.js';
import { ChannelBadge } from '../conversations/ChannelBadge.js';
import { MessageBubble } from '../conversations/MessageBubble.js';
import { useI18n } from '../i18n/context.js';
import { useTimeline } from './useTimeline.js';

/**
 * Every message of the customer on every channel, newest first. Scrolling to
 * the end loads older pages (IntersectionObserver); the button does the same
 * where observers are missing or for keyboard users.
 */
export function CustomerTimeline({ customerId }: { customerId: string }) {
  const { t, dateTime } = useI18n();
  const { items, hasMore, loading, error, loadOlder } = useTimeline(customerId);
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || typeof IntersectionObserver === 'undefined' || !hasMore || error !== null) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadOlder();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loadOlder, error, items.length]);

  return (
    <section className="customer-timeline" aria-labelledby="customer-timeline-title" data-testid="customer-timeline">
      <h3 id="customer-timeline-title">{t('customers.timeline')}</h3>
      {!loading && error === null && items.length === 0 && <p className="muted">{t('customers.timeline.empty')}</p>}
      <ol className="messages timeline-items">
        {items.map((m, i) => {
          const previous = items[i - 1];
          const newConversation = !previous || previous.conversation.id !== m.conversation.id;
          return (
            <Fragment key={m.id}>
              {newConversation && (
                <li className="timeline-conversation" data-conversation-id={m.conversation.id}>
                  <ChannelBadge channel={m.conversation.channel} />
                  <span>{t('customers.timeline.conversation', { date: dateTime(m.conversation.createdAt) })}</span>
                </li>
              )}
              <MessageBubble message={m} history />
            </Fragment>
          );
        })}
      </ol>
      {error !== null && (
        <p className="inline-error" role="alert">
          {t('customers.timeline.failed', { message: errorText(error, t) })}
        </p>
      )}
      <div ref={sentinel} className="timeline-sentinel" aria-hidden="true" />
      {hasMore ? (
        <button type="button" className="link" onClick={loadOlder} disabled={loading} data-testid="timeline-older">
          {loading ? t('customers.timeline.loading') : t('customers.timeline.older')}
        </button>
      ) : (
        items.length > 0 && <p className="muted timeline-end">{t('customers.timeline.end')}</p>
      )}
    </section>
  );
}
