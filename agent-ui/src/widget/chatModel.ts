// The widget's message list as pure functions, so the no-loss / no-duplicate
// rules can be read (and tested) without a socket or a DOM.
//
// An entry is either a message the server has stored (it has an id and a seq) or
// one of ours still on its way (a clientId, no id yet). Our own message can come
// back from the server in two ways: the ack to our emit, and a `message` event
// (another tab's echo, or the replay after a reconnect). Both are matched on
// clientId, and anything with an id is matched on id, so each message is shown
// exactly once.
import type { ChatMessageDto, MessageFrom } from '../../../src/contracts/index.js';

export type EntryState = 'sending' | 'sent' | 'failed';

export interface ChatEntry {
  /** Stable key for the DOM: our clientId for our messages, the server id otherwise. */
  key: string;
  id: string | null;
  clientId: string | null;
  seq: number | null;
  /**
   * Which conversation of this visitor the seq belongs to (0, 1, …). Sequence
   * numbers restart in a new conversation, so ordering is by (epoch, seq).
   */
  epoch: number;
  body: string;
  from: MessageFrom;
  at: string;
  state: EntryState;
  error: string | null;
}

export interface PendingMessage {
  clientId: string;
  body: string;
  at: string;
}

export function compareEntries(a: ChatEntry, b: ChatEntry): number {
  // Stored messages by conversation then seq; ours still in flight at the end,
  // in the order they were written.
  if (a.seq !== null && b.seq !== null) {
    if (a.epoch !== b.epoch) return a.epoch - b.epoch;
    if (a.seq !== b.seq) return a.seq - b.seq;
  } else if (a.seq !== null) {
    return -1;
  } else if (b.seq !== null) {
    return 1;
  }
  return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
}

/** Drops later entries that repeat an id already present (keeps the first), then sorts. */
function normalise(entries: ChatEntry[]): ChatEntry[] {
  const seen = new Set<string>();
  const out: ChatEntry[] = [];
  for (const e of entries) {
    if (e.id !== null) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
    }
    out.push(e);
  }
  return out.sort(compareEntries);
}

/** A `message` event from the server: new, or the stored copy of one we already show. */
export function receiveMessage(entries: readonly ChatEntry[], m: ChatMessageDto, epoch: number): ChatEntry[] {
  const matches = (e: ChatEntry) => (e.id !== null && e.id === m.id) || (m.clientId !== null && e.clientId === m.clientId);
  const found = entries.filter(matches);
  if (found.length === 0) {
    const entry: ChatEntry = {
      key: m.clientId ?? m.id,
      id: m.id,
      clientId: m.clientId,
      seq: m.seq,
      epoch,
      body: m.body,
      from: m.from,
      at: m.at,
      state: 'sent',
      error: null,
    };
    return normalise([...entries, entry]);
  }
  // Normally one match; if both an id match and a clientId match exist, they are
  // the same message seen twice, so keep one (ours, whose key the DOM uses).
  const existing = found.find((e) => e.clientId !== null) ?? (found[0] as ChatEntry);
  const merged: ChatEntry = {
    ...existing,
    id: m.id,
    clientId: existing.clientId ?? m.clientId,
    // A replayed copy of something already placed keeps its conversation.
    epoch: existing.seq !== null ? existing.epoch : epoch,
    seq: m.seq,
    body: m.body,
    from: m.from,
    at: m.at,
    state: 'sent',
    error: null,
  };
  return normalise(entries.filter((e) => !matches(e) || e === existing).map((e) => (e === existing ? merged : e)));
}

/** Our message is now on screen, waiting for the server. */
export function addPending(entries: readonly ChatEntry[], p: PendingMessage, epoch: number): ChatEntry[] {
  if (entries.some((e) => e.clientId === p.clientId)) return entries.slice();
  const entry: ChatEntry = {
    key: p.clientId,
    id: null,
    clientId: p.clientId,
    seq: null,
    epoch,
    body: p.body,
    from: 'customer',
    at: p.at,
    state: 'sending',
    error: null,
  };
  return normalise([...entries, entry]);
}

/** The server acknowledged our message with its stored id and seq. */
export function acknowledge(
  entries: readonly ChatEntry[],
  clientId: string,
  stored: { id: string; seq: number },
  epoch: number,
): ChatEntry[] {
  // If the stored copy already arrived as a `message` event without our clientId,
  // fold this entry into it instead of keeping two.
  const already = entries.find((e) => e.id === stored.id && e.clientId !== clientId);
  if (already) {
    return normalise(
      entries
        .filter((e) => e.clientId !== clientId)
        .map((e) => (e === already ? { ...e, clientId, state: 'sent' as const, error: null } : e)),
    );
  }
  return normalise(
    entries.map((e) =>
      e.clientId === clientId
        ? { ...e, id: stored.id, seq: stored.seq, epoch: e.seq !== null ? e.epoch : epoch, state: 'sent' as const, error: null }
        : e,
    ),
  );
}

/** The server refused our message (e.g. empty or too long): it stays on screen, marked. */
export function markFailed(entries: readonly ChatEntry[], clientId: string, error: string): ChatEntry[] {
  return entries.map((e) => (e.clientId === clientId && e.state !== 'sent' ? { ...e, state: 'failed' as const, error } : e));
}

/** Back to "sending" for a retry of a refused message, same clientId. */
export function markSending(entries: readonly ChatEntry[], clientId: string): ChatEntry[] {
  return entries.map((e) => (e.clientId === clientId && e.state === 'failed' ? { ...e, state: 'sending' as const, error: null } : e));
}

/** Keeps the newest `limit` stored messages and every message not yet stored. */
export function trim(entries: readonly ChatEntry[], limit: number): ChatEntry[] {
  const stored = entries.filter((e) => e.state === 'sent');
  if (stored.length <= limit) return entries.slice();
  const drop = new Set(stored.slice(0, stored.length - limit));
  return entries.filter((e) => !drop.has(e));
}
