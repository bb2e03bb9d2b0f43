// The visitor's socket to the hub's /chat namespace and the outbox that makes
// sending reliable:
//
// * every message gets a clientId once (crypto.randomUUID) and keeps it for
//   every attempt; the hub stores a clientId once, so re-sending is safe;
// * a message stays in the outbox (localStorage) until the hub acknowledges
//   it; a timeout or a dropped connection leaves it there and it is emitted
//   again after the next connect;
// * emits happen only while connected, so socket.io's own offline buffer never
//   holds a second copy;
// * the handshake `auth` is a function, evaluated on every (re)connection
//   attempt, so the hub always gets the current token and `lastSeq` and replays
//   only what this page has not shown.
import { io, type Socket } from 'socket.io-client';
import type { ChatAuth, ChatClientToServer, ChatServerToClient } from '../../../src/contracts/index.js';
import type { PendingMessage } from './chatModel.js';
import type { WidgetConfig } from './config.js';
import type { ChatStore } from './store.js';

type ChatSocket = Socket<ChatServerToClient, ChatClientToServer>;

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'disconnected';

const ACK_TIMEOUT_MS = 10_000;
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** Error codes after which re-sending the same text cannot succeed. */
const FINAL_ERRORS = new Set(['invalid_message']);

export class ChatConnection {
  status: ConnectionStatus = 'idle';

  private socket: ChatSocket | null = null;
  /** clientId → number of the attempt now waiting for its ack. */
  private readonly inFlight = new Map<string, number>();
  private attempts = 0;
  /** The lastSeq sent in the latest handshake. */
  private handshakeLastSeq = 0;
  private failures = 0;
  private retryTimer: number | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly closedListeners = new Set<(conversationId: string) => void>();
  private readonly typingListeners = new Set<(typing: boolean) => void>();
  /** What we last told the hub about the visitor typing, and when. */
  private typingSent = { typing: false, at: 0 };

  constructor(
    private readonly config: WidgetConfig,
    private readonly store: ChatStore,
  ) {}

  onStatus(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the socket (once). */
  start(): void {
    if (this.socket) return;
    const socket: ChatSocket = io(`${this.config.origin}/chat`, {
      path: this.config.socketPath,
      transports: ['websocket', 'polling'],
      withCredentials: false,
      auth: (cb) => cb(this.authPayload()),
    });
    this.socket = socket;
    this.setStatus('connecting');

    socket.on('connect', () => {
      this.setStatus('connected');
      this.failures = 0;
      this.flush();
    });
    socket.on('disconnect', (reason) => {
      this.setStatus('disconnected');
      // Acks of this connection will not come; everything unacknowledged goes
      // out again after the next connect.
      this.inFlight.clear();
      // The hub dropped us on purpose (e.g. a failed session set-up): socket.io
      // does not reconnect by itself then, so do it after a pause.
      if (reason === 'io server disconnect') window.setTimeout(() => socket.connect(), 3000);
    });
    socket.on('connect_error', () => {
      this.setStatus('disconnected');
      // A refused handshake is not retried by socket.io; transport errors are.
      if (!socket.active) window.setTimeout(() => socket.connect(), 5000);
    });
    socket.on('session', ({ visitorToken, conversationId }) => {
      const before = this.store.conversationId;
      this.store.setSession(visitorToken, conversationId);
      if (conversationId !== null && before !== null && conversationId !== before && this.handshakeLastSeq > 0) {
        // The lastSeq we just sent counted the previous conversation's messages,
        // so the hub's replay of the new one may have skipped some. Shake hands
        // again with the reset lastSeq; whatever arrives twice merges by id.
        this.handshakeLastSeq = 0;
        socket.disconnect().connect();
      }
    });
    socket.on('message', (m) => {
      this.store.receive(m);
      // The agent's message ends their "typing…".
      if (m.from === 'agent') for (const l of this.typingListeners) l(false);
    });
    socket.on('typing', ({ typing }) => {
      for (const l of this.typingListeners) l(typing);
    });
    socket.on('conversation:closed', ({ conversationId }) => {
      for (const l of this.closedListeners) l(conversationId);
    });
  }

  /** The agent started or stopped typing (never stored; the view hides a stale one itself). */
  onAgentTyping(listener: (typing: boolean) => void): () => void {
    this.typingListeners.add(listener);
    return () => this.typingListeners.delete(listener);
  }

  /** Tells the hub the visitor is typing: "yes" at most every 2 s while it lasts, "no" once. */
  typing(active: boolean): void {
    const socket = this.socket;
    if (!socket?.connected || this.store.conversationId === null) return;
    const now = Date.now();
    if (active === this.typingSent.typing && (!active || now - this.typingSent.at < 2000)) return;
    this.typingSent = { typing: active, at: now };
    socket.emit('typing', { typing: active });
  }

  /** Queues a message and sends it as soon as possible. */
  send(body: string): void {
    this.store.enqueue(body);
    this.start();
    this.flush();
  }

  /** The agent closed a conversation of this visitor (the widget then asks for a rating). */
  onClosed(listener: (conversationId: string) => void): () => void {
    this.closedListeners.add(listener);
    return () => this.closedListeners.delete(listener);
  }

  /** Sends a 1–5 rating of a closed conversation; the hub keeps the first one. */
  async rate(conversationId: string, score: number, comment: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const socket = this.socket;
    if (!socket?.connected) return { ok: false, message: '' };
    const res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('csat', { conversationId, score, ...(comment ? { comment } : {}) });
    return res.ok ? { ok: true } : { ok: false, message: res.error.message };
  }

  /** Re-sends a message the hub refused, with its original clientId. */
  retry(clientId: string): void {
    if (this.store.retry(clientId)) this.flush();
  }

  private authPayload(): ChatAuth {
    const auth: ChatAuth = {};
    const { token, profile } = this.store;
    if (token) {
      auth.visitorToken = token;
      auth.lastSeq = this.store.lastSeq;
    }
    this.handshakeLastSeq = auth.lastSeq ?? 0;
    if (profile) {
      auth.name = profile.name;
      if (profile.email) auth.email = profile.email;
    }
    return auth;
  }

  /** Emits every outbox message that is not already waiting for an ack. */
  private flush(): void {
    if (this.retryTimer !== null) {
      window.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const socket = this.socket;
    if (!socket?.connected) return;
    for (const p of this.store.pending) {
      if (!this.inFlight.has(p.clientId)) void this.emit(socket, p);
    }
  }

  private async emit(socket: ChatSocket, p: PendingMessage): Promise<void> {
    const attempt = ++this.attempts;
    this.inFlight.set(p.clientId, attempt);
    try {
      const res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message', { clientId: p.clientId, body: p.body });
      if (this.inFlight.get(p.clientId) === attempt) this.inFlight.delete(p.clientId);
      if (res.ok) {
        this.failures = 0;
        this.store.acknowledged(p.clientId, res);
        return;
      }
      if (FINAL_ERRORS.has(res.error.code)) {
        this.store.refused(p.clientId, res.error.message);
        return;
      }
      // The hub could not store it just now: keep it and try again later.
      this.scheduleRetry();
    } catch {
      // Timed out, or the connection dropped (the disconnect handler already
      // cleared inFlight). The message stays in the outbox either way.
      if (this.inFlight.get(p.clientId) === attempt) {
        this.inFlight.delete(p.clientId);
        this.scheduleRetry();
      }
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    this.failures += 1;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(this.failures, 5));
    this.retryTimer = window.setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, delay);
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const l of this.listeners) l();
  }
}
