import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AgentServerToClient, ConversationDto, MessageDto } from '../../../../src/contracts/index.js';
import { closeConversation, getConversation } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { ApiError } from '../api/http.js';
import { useI18n } from '../i18n/context.js';
import type { AgentSocket } from '../socket/agentSocket.js';
import { customerHref } from '../customers/href.js';
import { customerLabel } from '../util/customer.js';
import { ChannelBadge } from './ChannelBadge.js';
import { CustomerHistory } from './CustomerHistory.js';
import { MessageBubble } from './MessageBubble.js';
import { applyStatus, mergeMessages } from './messageMerge.js';
import { ReplyBox } from './ReplyBox.js';
import { closeWithWrapUp, putWrapUp } from '../desk/api.js';
import { NoteComposer, NoteItem } from '../desk/NotesPanel.js';
import { TagEditor } from '../desk/TagEditor.js';
import { interleave } from '../desk/timeline.js';
import { useDesk } from '../desk/useDesk.js';
import { dispositionLabel, WrapUpDialog, type WrapUpInput } from '../desk/WrapUpDialog.js';
import { ConversationPresence } from '../realtime/ConversationPresence.js';
import { SmsOptOutBanner, useSmsOptOut } from './render/sms.js';

interface Props {
  socket: AgentSocket;
  userId: string;
  conversationId: string;
  /** The list's copy, shown while the full conversation loads. */
  summary: ConversationDto | null;
  onClosed: (conversationId: string) => void;
}

// Errors are kept raw and worded at render time, so switching language rewords them
// without refetching.
type Loaded = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ready' };
type StatusUpdate = Parameters<AgentServerToClient['message:status']>[0];

/** The calendar day in the browser's time zone, to put a date between days of messages. */
function localDay(iso: string): string {
  return new Date(iso).toDateString();
}

/** The open conversation: header, customer history, messages, reply box. Keyed by id in the parent. */
export function ConversationView({ socket, userId, conversationId, summary, onClosed }: Props) {
  const { t, dateTime, date, lang } = useI18n();
  const [conversation, setConversation] = useState<ConversationDto | null>(summary);
  const [messages, setMessages] = useState<MessageDto[]>([]);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [closing, setClosing] = useState(false);
  const [closeError, setCloseError] = useState<unknown>(null);
  const [closedLive, setClosedLive] = useState(false);
  // Desk: tags, private notes, and the wrap-up asked for on close when disposition codes exist.
  const desk = useDesk(socket, conversationId);
  const [wrapUpOpen, setWrapUpOpen] = useState(false);
  // False while the wrap-up is reread after a close from elsewhere, which may have brought one.
  const [wrapUpKnown, setWrapUpKnown] = useState(true);
  const reloadDesk = desk.reload;
  // Re-read on every new message: a STOP or START changes it.
  const smsOptOut = useSmsOptOut(conversationId, conversation?.channel, messages.length);

  const load = useCallback(async () => {
    try {
      const res = await getConversation(conversationId);
      setConversation(res.conversation);
      setMessages((current) => mergeMessages(current, res.messages));
      setLoaded({ state: 'ready' });
      return res.conversation;
    } catch (err) {
      setLoaded({ state: 'error', error: err });
      return null;
    }
  }, [conversationId]);

  // Initial load; the customer's earlier conversations page themselves in (CustomerHistory).
  useEffect(() => {
    void load();
  }, [load]);

  // Live updates, and a refetch after a reconnect to pick up what was missed.
  useEffect(() => {
    const onMessage = (m: MessageDto) => {
      if (m.conversationId === conversationId) setMessages((current) => mergeMessages(current, [m]));
    };
    const onStatus = (u: StatusUpdate) => {
      if (u.conversationId === conversationId) setMessages((current) => applyStatus(current, u));
    };
    const onClosedEvent = (p: { conversationId: string }) => {
      if (p.conversationId !== conversationId) return;
      setClosedLive(true);
      setWrapUpKnown(false);
      void reloadDesk().finally(() => setWrapUpKnown(true));
    };
    const onReconnect = () => {
      void load();
    };
    socket.on('conversation:message', onMessage);
    socket.on('message:status', onStatus);
    socket.on('conversation:closed', onClosedEvent);
    socket.on('connect', onReconnect);
    return () => {
      socket.off('conversation:message', onMessage);
      socket.off('message:status', onStatus);
      socket.off('conversation:closed', onClosedEvent);
      socket.off('connect', onReconnect);
    };
  }, [socket, conversationId, load, reloadDesk]);

  // Keep the newest message in view when the reader is already near the bottom.
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const keepNewestInView = useCallback(() => {
    const el = scrollRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, []);
  useLayoutEffect(keepNewestInView, [messages, keepNewestInView]);
  const onScroll = () => {
    const el = scrollRef.current;
    if (el) stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };

  async function close() {
    if (closing) return;
    setClosing(true);
    setCloseError(null);
    try {
      await closeConversation(conversationId);
      setClosedLive(true);
      onClosed(conversationId);
    } catch (err) {
      // The hub requires a disposition and this console had no codes loaded (added since): ask for one.
      if (err instanceof ApiError && err.code === 'disposition_required') {
        await desk.reload();
        setWrapUpOpen(true);
      } else setCloseError(err);
    } finally {
      setClosing(false);
    }
  }

  async function closeWith(wrapUp: WrapUpInput) {
    await closeWithWrapUp(conversationId, wrapUp);
    desk.setWrapUp({ dispositionCode: wrapUp.dispositionCode, note: wrapUp.note || null, agentId: userId, at: new Date().toISOString() });
    setWrapUpOpen(false);
    setClosedLive(true);
    onClosed(conversationId);
  }

  const isClosed = closedLive || conversation?.status === 'closed';
  // Ended elsewhere (the customer left, a reassignment) while open here: ask for the outcome after the fact.
  const wrapUpAfter = closedLive && wrapUpKnown && !wrapUpOpen && desk.wrapUp === null && desk.dispositions.length > 0;
  const wrapUpCode = desk.wrapUp?.dispositionCode;
  const wrapUpDisposition = desk.dispositions.find((d) => d.code === wrapUpCode);

  return (
    <section className="conversation-view" aria-labelledby="conversation-title" data-conversation-id={conversationId}>
      <header className="conversation-header">
        <div className="conversation-heading">
          <h2 id="conversation-title" dir="auto">
            {conversation ? (customerLabel(conversation.customer) ?? t('customer.unknown')) : t('common.loading')}
          </h2>
          {conversation && (
            <p className="conversation-sub">
              <ChannelBadge channel={conversation.channel} />
              {conversation.queue && <span dir="auto">{conversation.queue}</span>}
              <span>{t('view.started', { date: dateTime(conversation.createdAt) })}</span>
              <span className={`conv-status conv-${isClosed ? 'closed' : 'open'}`}>
                {t(isClosed ? 'conv.closed' : 'conv.open')}
              </span>
              <a href={customerHref(conversation.customer.id)} data-testid="open-customer">
                {t('customers.openProfile')}
              </a>
            </p>
          )}
          {conversation && conversation.customer.identities.length > 0 && (
            <p className="identities" dir="ltr">
              {conversation.customer.identities
                .filter((i) => i.kind !== 'visitor')
                .map((i) => i.value)
                .join(' · ')}
            </p>
          )}
          <ConversationPresence socket={socket} conversationId={conversationId} userId={userId} />
          <TagEditor conversationId={conversationId} tags={desk.tags} onChange={desk.setTags} />
          {wrapUpCode && <p className="wrapup-current">{t('desk.wrap.current', { label: wrapUpDisposition ? dispositionLabel(wrapUpDisposition, lang) : wrapUpCode })}</p>}
        </div>
        <button
          type="button"
          className="danger"
          disabled={isClosed || closing || loaded.state !== 'ready'}
          onClick={() => (desk.dispositions.length > 0 ? setWrapUpOpen(true) : void close())}
          data-testid="close-conversation"
        >
          {closing ? t('view.closing') : t('view.close')}
        </button>
      </header>
      {closeError !== null && (
        <p className="inline-error" role="alert">
          {t('view.closeFailed', { message: errorText(closeError, t) })}
        </p>
      )}

      <div className="conversation-scroll" ref={scrollRef} onScroll={onScroll}>
        {conversation && <CustomerHistory customerId={conversation.customer.id} conversationId={conversationId} scrollRoot={scrollRef} onFirstPage={keepNewestInView} />}

        {loaded.state === 'loading' && <p className="muted">{t('common.loading')}</p>}
        {loaded.state === 'error' && (
          <div className="inline-error" role="alert">
            {t('view.loadFailed', { message: errorText(loaded.error, t) })}{' '}
            <button type="button" className="link" onClick={() => void load()}>
              {t('common.retry')}
            </button>
          </div>
        )}
        {loaded.state === 'ready' && messages.length === 0 && <p className="muted">{t('view.noMessages')}</p>}
        <ol className="messages" aria-live="polite">
          {interleave(messages, desk.notes).map((item, i, items) => {
            const day = localDay(item.at);
            const previous = items[i - 1];
            const newDay = !previous || localDay(previous.at) !== day;
            return (
              <Fragment key={item.kind === 'note' ? item.note.id : item.message.id}>
                {newDay && (
                  <li className="day-divider" data-testid="day-divider">
                    <time dateTime={item.at}>{date(item.at)}</time>
                  </li>
                )}
                {item.kind === 'note' ? <NoteItem note={item.note} /> : <MessageBubble message={item.message} thread={messages} />}
              </Fragment>
            );
          })}
        </ol>
        {isClosed && <p className="closed-banner">{t('view.closed')}</p>}
      </div>

      {(wrapUpOpen || wrapUpAfter) && (
        <WrapUpDialog
          dispositions={desk.dispositions}
          mode={wrapUpOpen ? 'close' : 'after'}
          onSubmit={
            wrapUpOpen
              ? closeWith
              : async (w) => {
                  desk.setWrapUp(await putWrapUp(conversationId, w));
                }
          }
          {...(wrapUpOpen ? { onCancel: () => setWrapUpOpen(false) } : {})}
        />
      )}
      <NoteComposer conversationId={conversationId} userId={userId} onAdded={desk.addNote} />
      {smsOptOut && <SmsOptOutBanner optOut={smsOptOut} />}
      <ReplyBox
        conversation={conversation}
        userId={userId}
        conversationId={conversationId}
        disabled={isClosed || loaded.state !== 'ready' || smsOptOut?.optedOut === true}
        channel={conversation?.channel}
        blockedReason={smsOptOut?.optedOut ? t('ch.sms.replyBlocked') : null}
        onSent={(m) => {
          stickToBottom.current = true;
          setMessages((current) => mergeMessages(current, [m]));
        }}
      />
    </section>
  );
}
