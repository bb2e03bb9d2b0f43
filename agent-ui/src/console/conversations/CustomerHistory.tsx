import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, type RefObject } from 'react';
import type { TimelineItemDto } from '../../../../src/customers/contracts.js';
import { errorText } from '../api/errorText.js';
import { useTimeline } from '../customers/useTimeline.js';
import { useI18n } from '../i18n/context.js';
import { ChannelBadge } from './ChannelBadge.js';
import { MessageBubble } from './MessageBubble.js';

const PAGE_SIZE = 20;

interface Props {
  customerId: string;
  /** The open conversation: its messages are shown below, not here. */
  conversationId: string;
  /** The conversation's scroll area: older pages load as its top comes into view. */
  scrollRoot: RefObject<HTMLElement | null>;
  /** Called after the first page is laid out, so the view can keep its newest message in sight. */
  onFirstPage?: () => void;
}

interface Group {
  conversation: TimelineItemDto['conversation'];
  items: TimelineItemDto[];
}

/** Oldest first, one group per run of messages from the same conversation. */
function groupsOf(newestFirst: readonly TimelineItemDto[]): Group[] {
  const groups: Group[] = [];
  for (let i = newestFirst.length - 1; i >= 0; i--) {
    const m = newestFirst[i]!;
    const last = groups[groups.length - 1];
    if (last && last.conversation.id === m.conversation.id) last.items.push(m);
    else groups.push({ conversation: m.conversation, items: [m] });
  }
  return groups;
}

/**
 * The customer's earlier conversations on any channel, oldest at the top like
 * the rest of the view. It pages back through the same cursor API as the
 * customers screen: reaching the top (IntersectionObserver on the scroll
 * area) or the button loads the next older page, and the scroll position is
 * kept so what the agent was reading does not jump away.
 */
export function CustomerHistory({ customerId, conversationId, scrollRoot, onFirstPage }: Props) {
  const { t, dateTime } = useI18n();
  const { items, hasMore, loading, error, loadOlder } = useTimeline(customerId, PAGE_SIZE, conversationId);
  const groups = useMemo(() => groupsOf(items), [items]);
  const sentinel = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  // The oldest message on screen and how far it sat from the top of the scroll area, refreshed on every scroll.
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const firstPageShown = useRef(false);

  const measure = useCallback(() => {
    const root = scrollRoot.current;
    const first = list.current?.querySelector<HTMLElement>('[data-message-id]');
    const id = first?.getAttribute('data-message-id');
    anchor.current = root && first && id ? { id, offset: first.getBoundingClientRect().top - root.getBoundingClientRect().top } : null;
  }, [scrollRoot]);

  // An older page went in above what was on screen: scroll by as much as it added, before the browser paints.
  useLayoutEffect(() => {
    const root = scrollRoot.current;
    const before = anchor.current;
    if (root && before) {
      const el = [...(list.current?.querySelectorAll<HTMLElement>('[data-message-id]') ?? [])].find((e) => e.getAttribute('data-message-id') === before.id);
      if (el) root.scrollTop += el.getBoundingClientRect().top - root.getBoundingClientRect().top - before.offset;
    } else if (items.length > 0 && !firstPageShown.current) {
      firstPageShown.current = true;
      onFirstPage?.();
    }
    measure();
  }, [items, measure, scrollRoot, onFirstPage]);

  useEffect(() => {
    const root = scrollRoot.current;
    if (!root) return;
    root.addEventListener('scroll', measure, { passive: true });
    return () => root.removeEventListener('scroll', measure);
  }, [scrollRoot, measure]);

  // A fresh observer after each page: if the top is still in view (a short page), it fires again at once.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || typeof IntersectionObserver === 'undefined' || !hasMore || error !== null) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadOlder();
    }, { root: scrollRoot.current, rootMargin: '200px 0px 0px 0px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loadOlder, error, items.length, scrollRoot]);

  // Nothing earlier: the view shows just the conversation, as before any history existed.
  if (!hasMore && items.length === 0 && error === null) return null;

  return (
    <details className="history" data-testid="customer-history" open>
      <summary>{t('view.history')}</summary>
      <div ref={sentinel} className="timeline-sentinel" aria-hidden="true" />
      {error !== null && (
        <p className="inline-error" role="alert">
          {t('view.historyFailed', { message: errorText(error, t) })}{' '}
          <button type="button" className="link" onClick={loadOlder}>
            {t('common.retry')}
          </button>
        </p>
      )}
      {hasMore ? (
        error === null && (
          <button type="button" className="link history-older" onClick={loadOlder} disabled={loading} data-testid="history-older">
            {loading ? t('view.historyLoading') : t('view.historyOlder')}
          </button>
        )
      ) : (
        <p className="muted history-start" data-testid="history-start">
          {t('view.historyStart')}
        </p>
      )}
      <div ref={list}>
        {groups.map((g) => (
          // Keyed by the group's newest message, which stays put while older pages grow the group upwards.
          <section key={`${g.conversation.id}-${g.items[g.items.length - 1]!.id}`} className="history-conversation" data-conversation-id={g.conversation.id}>
            <h3 className="history-heading">
              <ChannelBadge channel={g.conversation.channel} />
              <time dateTime={g.conversation.createdAt}>{dateTime(g.conversation.createdAt)}</time>
              <span className={`conv-status conv-${g.conversation.status}`}>{t(g.conversation.status === 'closed' ? 'conv.closed' : 'conv.open')}</span>
            </h3>
            <ol className="messages">
              {g.items.map((m) => (
                <MessageBubble key={m.id} message={m} history />
              ))}
            </ol>
          </section>
        ))}
      </div>
    </details>
  );
}
