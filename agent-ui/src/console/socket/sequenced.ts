// Feeds every event the hub sends on /agent through a SeqTracker, so the
// console applies each logged event once and in order, asks the hub to replay a
// gap it notices while connected, and refetches when the hub says the gap is too
// old. Events without a seq (the hub's own re-send of pending offers, presence)
// go straight through.
import type { AgentEventMeta, AgentServerToClient } from '../../../../src/contracts/index.js';
import { SeqTracker } from '../realtime/seqTracker.js';

type Sequenced = 'offer' | 'offer:revoked' | 'conversation:assigned' | 'conversation:message' | 'message:status' | 'conversation:closed';
export type SequencedHandlers = { [E in Sequenced]?: (payload: Parameters<AgentServerToClient[E]>[0]) => void };

interface Held {
  event: string;
  payload: unknown;
}

/** The little of a socket.io client socket this needs (a fake in tests). */
export interface EventSource {
  readonly connected: boolean;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  offAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  emit(event: 'events:replay', payload: { after: number }): unknown;
}

export interface SequencedOptions {
  handlers: SequencedHandlers;
  /** After each `events:sync`, once what it released is applied; `refresh`: refetch everything. */
  onSync?: (info: { refresh: boolean }) => void;
  /** How long a gap may stay open before the hub is asked to replay it. */
  gapMs?: number;
}

const SEQUENCED: ReadonlySet<string> = new Set<Sequenced>(['offer', 'offer:revoked', 'conversation:assigned', 'conversation:message', 'message:status', 'conversation:closed']);

function metaOf(args: unknown[]): AgentEventMeta | null {
  if (args.length < 2) return null;
  const last = args[args.length - 1];
  return typeof last === 'object' && last !== null && typeof (last as { seq?: unknown }).seq === 'number' ? (last as AgentEventMeta) : null;
}

export function attachSequenced(socket: EventSource, tracker: SeqTracker<Held>, options: SequencedOptions): () => void {
  const gapMs = options.gapMs ?? 2000;
  let gapTimer: ReturnType<typeof setTimeout> | undefined;

  const apply = (held: Held[]) => {
    for (const h of held) {
      if (!SEQUENCED.has(h.event)) continue; // logged events of other features: their own listeners apply them
      const handler = options.handlers[h.event as Sequenced] as ((p: unknown) => void) | undefined;
      handler?.(h.payload);
    }
  };
  const watchGap = () => {
    if (!tracker.hasGap) {
      if (gapTimer !== undefined) clearTimeout(gapTimer);
      gapTimer = undefined;
      return;
    }
    if (gapTimer !== undefined) return;
    gapTimer = setTimeout(() => {
      gapTimer = undefined;
      const after = tracker.lastSeq;
      if (tracker.hasGap && after !== null && socket.connected) socket.emit('events:replay', { after });
    }, gapMs);
  };

  const listener = (event: string, ...args: unknown[]) => {
    if (event === 'events:sync') {
      const p = args[0] as Parameters<AgentServerToClient['events:sync']>[0];
      const { ready, refresh } = tracker.sync(p.seq, p.resync);
      apply(ready);
      watchGap();
      options.onSync?.({ refresh });
      return;
    }
    const meta = metaOf(args);
    if (!meta) {
      if (SEQUENCED.has(event)) apply([{ event, payload: args[0] }]);
      return;
    }
    apply(tracker.receive(meta.seq, { event, payload: args[0] }));
    watchGap();
  };
  socket.onAny(listener);
  return () => {
    socket.offAny(listener);
    if (gapTimer !== undefined) clearTimeout(gapTimer);
  };
}

export type { Held as SequencedEvent };
