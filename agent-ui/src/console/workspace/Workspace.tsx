import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgentSelfDto, ConversationDto, MessageDto, OfferDto, PresenceStatus } from '../../../../src/contracts/index.js';
import { currentUser, listConversations, type SessionUser } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { ApiError } from '../api/http.js';
import { ConversationList } from '../conversations/ConversationList.js';
import { ConversationView } from '../conversations/ConversationView.js';
import { InboxChanges, newestFirst, removeConversation, upsertConversation } from '../conversations/inbox.js';
import { useI18n } from '../i18n/context.js';
import { OfferPopup } from '../offers/OfferPopup.js';
import { ACK_TIMEOUT_MS, connectAgentSocket, type AgentSocket } from '../socket/agentSocket.js';
import { attachSequenced, type SequencedEvent, type SequencedHandlers } from '../socket/sequenced.js';
import { SeqTracker } from '../realtime/seqTracker.js';
import { playOfferBeep } from '../realtime/offerSound.js';
import { RealtimeTools } from '../realtime/RealtimeTools.js';
import { ShortcutsHelp } from '../realtime/ShortcutsHelp.js';
import { useShortcuts } from '../realtime/useShortcuts.js';
import { AdminPage } from '../admin/AdminPage.js';
import { SupervisorDashboard } from '../supervisor/SupervisorDashboard.js';
import { CampaignsPage } from '../campaigns/CampaignsPage.js';
import { CustomersPage } from '../customers/CustomersPage.js';
import { ReportsPage } from '../reports/ReportsPage.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { useRoute } from './route.js';
import { TopBar, type ConnectionState } from './TopBar.js';
import { useNotices } from './useNotices.js';
import { useMentionNotices } from '../desk/useMentionNotices.js';
import { PhoneDock } from '../voice/PhoneDock.js';

const SELECTED_KEY = 'pasokh:console:selected';

/** The open conversation is remembered for the tab, so a new sign-in after an expired session reopens it. */
function rememberedSelection(userId: string): string | null {
  try {
    const raw = window.sessionStorage.getItem(SELECTED_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { userId?: unknown; conversationId?: unknown };
    return parsed.userId === userId && typeof parsed.conversationId === 'string' ? parsed.conversationId : null;
  } catch {
    return null;
  }
}

function rememberSelection(userId: string, conversationId: string | null): void {
  try {
    if (conversationId) window.sessionStorage.setItem(SELECTED_KEY, JSON.stringify({ userId, conversationId }));
    else window.sessionStorage.removeItem(SELECTED_KEY);
  } catch {
    // Not remembered; nothing else depends on it.
  }
}

interface Props {
  user: SessionUser;
  onSignOut: () => void;
  onSessionLost: () => void;
}

/**
 * The signed-in console: owns the /agent socket, offers and the conversation
 * list for as long as the user is signed in, whichever screen is shown, so a
 * supervisor watching the dashboard still gets offers.
 */
export function Workspace({ user, onSignOut, onSessionLost }: Props) {
  const { t, lang, setLang } = useI18n();
  const route = useRoute(user.role);
  const { notices, notify, dismiss } = useNotices();
  const [socket, setSocket] = useState<AgentSocket | null>(null);
  useMentionNotices(socket, notify);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [self, setSelf] = useState<AgentSelfDto | null>(null);
  const [presencePending, setPresencePending] = useState<PresenceStatus | null>(null);
  const [offers, setOffers] = useState<OfferDto[]>([]);
  const [offerBusy, setOfferBusy] = useState(false);
  const [conversations, setConversations] = useState<ConversationDto[]>([]);
  const [listLoading, setListLoading] = useState(true);
  const [listError, setListError] = useState<unknown>(null);
  const [selectedId, setSelectedId] = useState<string | null>(() => rememberedSelection(user.id));
  const [unread, setUnread] = useState<ReadonlyMap<string, number>>(new Map());
  // Bumped when the hub says events were lost: the open conversation reloads from scratch.
  const [resyncs, setResyncs] = useState(0);

  // The language the user stored on the hub wins over this browser's, once per sign-in.
  const storedLanguage = user.language;
  const languageApplied = useRef(false);
  useEffect(() => {
    if (languageApplied.current) return;
    languageApplied.current = true;
    if (storedLanguage && storedLanguage !== lang) setLang(storedLanguage);
  }, [storedLanguage, lang, setLang]);

  // Socket handlers are registered once; they read these through refs.
  const selectedRef = useRef<string | null>(null);
  const sessionLostRef = useRef(onSessionLost);
  // Messages for the open conversation count as unread while another screen is shown.
  const viewRef = useRef(route.view);
  useEffect(() => {
    selectedRef.current = selectedId;
  }, [selectedId]);
  useEffect(() => {
    viewRef.current = route.view;
    if (route.view !== 'conversations' || selectedId === null) return;
    setUnread((m) => {
      if (!m.has(selectedId)) return m;
      const next = new Map(m);
      next.delete(selectedId);
      return next;
    });
  }, [route.view, selectedId]);
  useEffect(() => {
    sessionLostRef.current = onSessionLost;
  }, [onSessionLost]);

  // Live changes that arrive while the list is being fetched, laid over its answer.
  const inbox = useRef(new InboxChanges());
  const conversationAssigned = useCallback((c: ConversationDto) => {
    inbox.current.assigned(c);
    setConversations((list) => upsertConversation(list, c));
  }, []);
  const conversationGone = useCallback((id: string) => {
    inbox.current.closed(id);
    setConversations((list) => removeConversation(list, id));
  }, []);

  const refreshList = useCallback(async () => {
    const request = inbox.current.begin();
    try {
      const list = inbox.current.settle(request, await listConversations());
      if (list) setConversations(list);
      setListError(null);
    } catch (err) {
      inbox.current.failed(request);
      if (err instanceof ApiError && err.status === 401) {
        sessionLostRef.current();
        return;
      }
      setListError(err);
    } finally {
      setListLoading(false);
    }
  }, []);

  // The socket lives as long as the workspace.
  useEffect(() => {
    const tracker = new SeqTracker<SequencedEvent>();
    const s = connectAgentSocket(() => (tracker.lastSeq === null ? {} : { lastSeq: tracker.lastSeq }));
    setSocket(s);

    // A refused handshake usually means the session cookie is gone: check, and
    // fall back to the login page if so. socket.io retries transport failures by
    // itself but not a refusal by the hub (e.g. 'unavailable'): retry those here.
    let retry: number | undefined;
    const checkSession = () => {
      currentUser().then(
        () => {
          if (!s.active) retry = window.setTimeout(() => s.connect(), 3000);
        },
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 401) sessionLostRef.current();
        },
      );
    };

    let connectedBefore = false;
    let syncAfterConnect = false;
    s.on('connect', () => {
      setConnection('connected');
      syncAfterConnect = true;
      // The hub sends every pending offer again right after a connect (and
      // `events:sync` clears the list first); offers held from before the drop
      // may have expired or gone to someone else meanwhile.
      if (connectedBefore) setOffers([]);
      connectedBefore = true;
      void refreshList();
    });
    s.on('disconnect', (reason) => {
      setConnection('disconnected');
      if (reason === 'io server disconnect') {
        // The hub closed us on purpose; socket.io will not retry by itself.
        currentUser().then(
          () => s.connect(),
          (err: unknown) => {
            if (err instanceof ApiError && err.status === 401) sessionLostRef.current();
            else s.connect();
          },
        );
      }
    });
    s.on('connect_error', (err) => {
      setConnection('disconnected');
      if (err.message === 'unauthorized') sessionLostRef.current();
      else checkSession();
    });
    s.on('presence', (me) => setSelf(me));
    // Logged events go through the seq tracker: applied once, in order, gaps replayed.
    const handlers: SequencedHandlers = {};
    handlers.offer = (offer) => {
      setOffers((list) => (list.some((o) => o.offerId === offer.offerId) ? list : [...list, offer]));
    };
    handlers['offer:revoked'] = ({ offerId }) => {
      setOffers((list) => list.filter((o) => o.offerId !== offerId));
    };
    handlers['conversation:assigned'] = conversationAssigned;
    handlers['conversation:closed'] = ({ conversationId }) => {
      conversationGone(conversationId);
      setUnread((m) => {
        if (!m.has(conversationId)) return m;
        const next = new Map(m);
        next.delete(conversationId);
        return next;
      });
    };
    handlers['conversation:message'] = (m: MessageDto) => {
      setConversations((list) => {
        const found = list.find((c) => c.id === m.conversationId);
        if (!found || found.updatedAt >= m.at) return list;
        return list.map((c) => (c.id === m.conversationId ? { ...c, updatedAt: m.at } : c)).sort(newestFirst);
      });
      if (m.from === 'customer' && (m.conversationId !== selectedRef.current || viewRef.current !== 'conversations')) {
        setUnread((prev) => new Map(prev).set(m.conversationId, (prev.get(m.conversationId) ?? 0) + 1));
      }
    };
    const detachSequenced = attachSequenced(s, tracker, {
      handlers,
      onSync: ({ refresh }) => {
        // After a connect the hub sends pending offers afresh right after this; replayed ones may be stale.
        if (syncAfterConnect) setOffers([]);
        syncAfterConnect = false;
        if (refresh) {
          void refreshList();
          setResyncs((n) => n + 1);
        }
      },
    });

    return () => {
      if (retry !== undefined) window.clearTimeout(retry);
      detachSequenced();
      s.removeAllListeners();
      s.disconnect();
    };
  }, [refreshList, conversationAssigned, conversationGone]);

  useEffect(() => {
    void refreshList();
  }, [refreshList]);

  const select = useCallback((id: string) => {
    setSelectedId(id);
    rememberSelection(user.id, id);
    setUnread((m) => {
      if (!m.has(id)) return m;
      const next = new Map(m);
      next.delete(id);
      return next;
    });
  }, [user.id]);

  const changePresence = useCallback(
    async (status: PresenceStatus) => {
      if (!socket) return;
      setPresencePending(status);
      try {
        const res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:set', { status });
        if (res.ok) setSelf(res.self);
        else notify(t('presence.failed', { message: res.error.message }));
      } catch (err) {
        notify(t('presence.failed', { message: errorText(err, t) }));
      } finally {
        setPresencePending(null);
      }
    },
    [socket, notify, t],
  );

  const dropOffer = useCallback((offerId: string) => {
    setOffers((list) => list.filter((o) => o.offerId !== offerId));
  }, []);

  const acceptOffer = useCallback(
    async (offer: OfferDto) => {
      if (!socket) return;
      setOfferBusy(true);
      try {
        const res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('offer:accept', { offerId: offer.offerId });
        if (res.ok) {
          conversationAssigned(res.conversation);
          select(res.conversation.id);
        } else {
          notify(t('offer.failed', { message: res.error.message }));
        }
      } catch (err) {
        notify(t('offer.failed', { message: errorText(err, t) }));
      } finally {
        dropOffer(offer.offerId);
        setOfferBusy(false);
      }
    },
    [socket, notify, t, select, dropOffer, conversationAssigned],
  );

  const rejectOffer = useCallback(
    async (offer: OfferDto) => {
      // The pop-up goes at once; the hub re-routes the task whatever the ack says.
      dropOffer(offer.offerId);
      if (!socket) return;
      try {
        await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('offer:reject', { offerId: offer.offerId });
      } catch {
        // Unanswered: the offer expires on the hub anyway.
      }
    },
    [socket, dropOffer],
  );

  const offerExpired = useCallback(
    (offer: OfferDto) => {
      // While an accept is in flight its answer decides; otherwise the pop-up closes.
      if (!offerBusy) dropOffer(offer.offerId);
    },
    [offerBusy, dropOffer],
  );

  const reconnect = useCallback(() => {
    if (socket && !socket.connected) socket.connect();
  }, [socket]);

  const headOffer = offers[0];

  // A short beep once per new offer (not again when the hub re-sends it after a reconnect).
  const beeped = useRef(new Set<string>());
  useEffect(() => {
    let fresh = false;
    for (const o of offers) {
      if (beeped.current.has(o.offerId)) continue;
      beeped.current.add(o.offerId);
      fresh = true;
    }
    if (fresh) playOfferBeep();
  }, [offers]);

  // Said once per resync the hub asked for (not again when notify or t change).
  const saidResyncs = useRef(0);
  useEffect(() => {
    if (resyncs <= saidResyncs.current) return;
    saidResyncs.current = resyncs;
    notify(t('rt.resynced'));
  }, [resyncs, notify, t]);

  const [helpOpen, setHelpOpen] = useState(false);
  const closeHelp = useCallback(() => setHelpOpen(false), []);
  const step = (delta: number) => {
    if (route.view !== 'conversations' || conversations.length === 0) return;
    const at = conversations.findIndex((c) => c.id === selectedId);
    const next = at < 0 ? (delta > 0 ? 0 : conversations.length - 1) : (at + delta + conversations.length) % conversations.length;
    select(conversations[next]!.id);
  };
  useShortcuts({
    accept: () => headOffer && !offerBusy && void acceptOffer(headOffer),
    reject: () => headOffer && !offerBusy && void rejectOffer(headOffer),
    next: () => step(1),
    prev: () => step(-1),
    reply: () => document.querySelector<HTMLTextAreaElement>('[data-testid="reply-input"]')?.focus(),
    send: () => document.querySelector<HTMLButtonElement>('[data-testid="reply-send"]:not(:disabled)')?.click(),
    available: () => void changePresence('available'),
    away: () => void changePresence('away'),
    help: () => setHelpOpen((open) => !open),
  });

  const selectedSummary = conversations.find((c) => c.id === selectedId) ?? null;
  let attention = offers.length;
  for (const count of unread.values()) attention += count;

  return (
    <div className="workspace">
      <TopBar
        user={user}
        route={route}
        attention={attention}
        self={self}
        connection={connection}
        presencePending={presencePending}
        onPresence={(s) => void changePresence(s)}
        onSignOut={onSignOut}
        tools={<RealtimeTools onHelp={() => setHelpOpen(true)} />}
      />
      <PhoneDock />
      {connection === 'disconnected' && <ConnectionBanner feed="agent" onRetry={reconnect} />}
      {notices.length > 0 && (
        <div className="notices" role="alert">
          {notices.map((n) => (
            <p key={n.id} className="notice" data-testid="notice">
              <span>{n.text}</span>
              <button type="button" className="link" onClick={() => dismiss(n.id)}>
                {t('common.dismiss')}
              </button>
            </p>
          ))}
        </div>
      )}
      {route.view === 'supervisor' && <SupervisorDashboard onSessionLost={onSessionLost} />}
      {route.view === 'admin' && <AdminPage tab={route.adminTab} />}
      {route.view === 'customers' && <CustomersPage />}
      {route.view === 'reports' && <ReportsPage />}
      {route.view === 'campaigns' && <CampaignsPage />}
      <div className="workspace-body" hidden={route.view !== 'conversations'}>
        <ConversationList
          conversations={conversations}
          selectedId={selectedId}
          unread={unread}
          loading={listLoading}
          error={listError === null ? null : errorText(listError, t)}
          onSelect={select}
          onRetry={() => void refreshList()}
        />
        <main className="workspace-main">
          {selectedId !== null && socket !== null ? (
            <ConversationView
              key={`${selectedId}:${resyncs}`}
              socket={socket}
              userId={user.id}
              conversationId={selectedId}
              summary={selectedSummary}
              onClosed={conversationGone}
            />
          ) : (
            <p className="placeholder">{t('view.none')}</p>
          )}
        </main>
      </div>
      {helpOpen && <ShortcutsHelp onClose={closeHelp} />}
      {headOffer && (
        <OfferPopup
          key={headOffer.offerId}
          offer={headOffer}
          waiting={offers.length - 1}
          busy={offerBusy}
          onAccept={(o) => void acceptOffer(o)}
          onReject={(o) => void rejectOffer(o)}
          onExpired={offerExpired}
        />
      )}
    </div>
  );
}
