// The widget's state, kept in localStorage so a reload, a new page of the same
// site or a crash loses nothing: the visitor token, the messages shown, the
// highest seq received, and the outbox of messages not yet acknowledged.
import type { ChatMessageDto } from '../../../src/contracts/index.js';
import {
  acknowledge,
  addPending,
  markFailed,
  markSending,
  receiveMessage,
  trim,
  type ChatEntry,
  type PendingMessage,
} from './chatModel.js';
import { randomId } from './uuid.js';

export const TOKEN_KEY = 'pasokh:visitor';
export const CHAT_KEY = 'pasokh:chat';
export const PENDING_KEY = 'pasokh:pending';
export const PROFILE_KEY = 'pasokh:profile';

const MAX_STORED_MESSAGES = 300;

export interface Profile {
  name: string;
  email: string | null;
}

interface PersistedChat {
  v: 1;
  conversationId: string | null;
  epoch: number;
  lastSeq: number;
  messages: ChatEntry[];
}

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage full or blocked: the chat still works for this page view.
  }
}

function parse(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isEntry(v: unknown): v is ChatEntry {
  return (
    isObject(v) &&
    typeof v.key === 'string' &&
    typeof v.body === 'string' &&
    typeof v.at === 'string' &&
    typeof v.epoch === 'number' &&
    (v.from === 'customer' || v.from === 'agent' || v.from === 'system') &&
    (v.state === 'sending' || v.state === 'sent' || v.state === 'failed')
  );
}

function isPending(v: unknown): v is PendingMessage {
  return isObject(v) && typeof v.clientId === 'string' && typeof v.body === 'string' && typeof v.at === 'string';
}

function loadChat(): PersistedChat {
  const raw = parse(read(CHAT_KEY));
  if (isObject(raw) && raw.v === 1 && Array.isArray(raw.messages)) {
    return {
      v: 1,
      conversationId: typeof raw.conversationId === 'string' ? raw.conversationId : null,
      epoch: typeof raw.epoch === 'number' ? raw.epoch : 0,
      lastSeq: typeof raw.lastSeq === 'number' ? raw.lastSeq : 0,
      messages: raw.messages.filter(isEntry),
    };
  }
  return { v: 1, conversationId: null, epoch: 0, lastSeq: 0, messages: [] };
}

function loadPending(): PendingMessage[] {
  const raw = parse(read(PENDING_KEY));
  return Array.isArray(raw) ? raw.filter(isPending) : [];
}

function loadProfile(): Profile | null {
  const raw = parse(read(PROFILE_KEY));
  if (isObject(raw) && typeof raw.name === 'string') {
    return { name: raw.name, email: typeof raw.email === 'string' ? raw.email : null };
  }
  return null;
}

export class ChatStore {
  token: string | null = read(TOKEN_KEY);
  profile: Profile | null = loadProfile();
  conversationId: string | null;
  epoch: number;
  /** Highest seq received from the server in the current conversation (sent as `lastSeq`). */
  lastSeq: number;
  messages: ChatEntry[];
  /** The outbox: sent by us, not yet acknowledged. Re-emitted with the same clientId. */
  pending: PendingMessage[];

  private readonly listeners = new Set<() => void>();

  constructor() {
    const chat = loadChat();
    this.conversationId = chat.conversationId;
    this.epoch = chat.epoch;
    this.lastSeq = chat.lastSeq;
    this.pending = loadPending();
    // Every pending message must be on screen, even if the page died between
    // the two writes.
    let messages = chat.messages;
    for (const p of this.pending) messages = addPending(messages, p, this.epoch);
    this.messages = messages;
    window.addEventListener('storage', this.onStorage);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Chat was started before (here or in another tab): skip the pre-chat form. */
  get started(): boolean {
    return this.token !== null;
  }

  setProfile(profile: Profile): void {
    this.profile = profile;
    write(PROFILE_KEY, JSON.stringify(profile));
    this.changed(false);
  }

  /** `session` from the server, and the conversation id of each ack. */
  setSession(token: string | null, conversationId: string | null): void {
    if (token !== null && token !== this.token) {
      if (this.token !== null) {
        // The hub did not accept our token and issued a new identity: what we
        // showed belongs to the old one. Unsent messages still go out.
        this.messages = this.messages.filter((e) => e.state !== 'sent');
        this.conversationId = null;
        this.lastSeq = 0;
        this.epoch += 1;
      }
      this.token = token;
      write(TOKEN_KEY, token);
    }
    this.noteConversation(conversationId);
    this.changed(true);
  }

  private noteConversation(conversationId: string | null): void {
    if (conversationId === null || conversationId === this.conversationId) return;
    if (this.conversationId !== null) {
      // A new conversation: its seqs start again, so does lastSeq.
      this.epoch += 1;
      this.lastSeq = 0;
    }
    this.conversationId = conversationId;
  }

  receive(m: ChatMessageDto): void {
    this.messages = receiveMessage(this.messages, m, this.epoch);
    if (m.seq > this.lastSeq) this.lastSeq = m.seq;
    if (m.clientId !== null) this.dropPending(m.clientId);
    this.changed(true);
  }

  enqueue(body: string): PendingMessage {
    const p: PendingMessage = { clientId: randomId(), body, at: new Date().toISOString() };
    this.pending = [...this.pending, p];
    this.messages = addPending(this.messages, p, this.epoch);
    this.changed(true);
    return p;
  }

  acknowledged(clientId: string, ack: { id: string; seq: number; conversationId: string }): void {
    this.noteConversation(ack.conversationId);
    this.messages = acknowledge(this.messages, clientId, ack, this.epoch);
    this.dropPending(clientId);
    this.changed(true);
  }

  /** Refused by the server: leaves the outbox, stays on screen as failed (can be retried). */
  refused(clientId: string, error: string): void {
    this.messages = markFailed(this.messages, clientId, error);
    this.dropPending(clientId);
    this.changed(true);
  }

  /** Puts a refused message back in the outbox with its original clientId. */
  retry(clientId: string): PendingMessage | null {
    const entry = this.messages.find((e) => e.clientId === clientId && e.state === 'failed');
    if (!entry) return null;
    const p: PendingMessage = { clientId, body: entry.body, at: entry.at };
    this.pending = [...this.pending.filter((x) => x.clientId !== clientId), p];
    this.messages = markSending(this.messages, clientId);
    this.changed(true);
    return p;
  }

  private dropPending(clientId: string): void {
    if (this.pending.some((p) => p.clientId === clientId)) {
      this.pending = this.pending.filter((p) => p.clientId !== clientId);
    }
  }

  private changed(persist: boolean): void {
    if (persist) this.save();
    for (const l of this.listeners) l();
  }

  private save(): void {
    this.messages = trim(this.messages, MAX_STORED_MESSAGES);
    const chat: PersistedChat = {
      v: 1,
      conversationId: this.conversationId,
      epoch: this.epoch,
      lastSeq: this.lastSeq,
      messages: this.messages,
    };
    // Outbox first: if the page dies between the writes, the message is re-sent
    // (the hub drops the duplicate by clientId) rather than lost.
    write(PENDING_KEY, JSON.stringify(this.pending));
    write(CHAT_KEY, JSON.stringify(chat));
  }

  /** Another tab of the same site changed the chat: take in what it learned. */
  private readonly onStorage = (e: StorageEvent): void => {
    if (e.storageArea !== window.localStorage) return;
    if (e.key === TOKEN_KEY && e.newValue && !this.token) {
      this.token = e.newValue;
      this.changed(false);
    } else if (e.key === PROFILE_KEY) {
      this.profile = loadProfile();
      this.changed(false);
    } else if (e.key === CHAT_KEY) {
      const other = loadChat();
      if (other.conversationId !== this.conversationId || other.epoch !== this.epoch) return;
      let messages = this.messages;
      for (const m of other.messages) {
        if (m.id !== null && m.seq !== null) {
          messages = receiveMessage(
            messages,
            { id: m.id, seq: m.seq, clientId: m.clientId, body: m.body, from: m.from, at: m.at },
            m.epoch,
          );
          if (m.clientId !== null) this.dropPending(m.clientId);
        }
      }
      this.messages = messages;
      this.lastSeq = Math.max(this.lastSeq, other.lastSeq);
      this.changed(false);
    }
  };
}
