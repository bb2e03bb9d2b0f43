// @vitest-environment happy-dom
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageDto } from '../../src/contracts/index.js';
import { SeqTracker } from '../src/console/realtime/seqTracker.js';
import { attachSequenced, type EventSource, type SequencedEvent } from '../src/console/socket/sequenced.js';

/** Stands in for the socket.io client: delivers events to onAny listeners, records emits. */
class FakeSocket implements EventSource {
  connected = true;
  readonly emitted: { event: string; payload: unknown }[] = [];
  private readonly listeners = new Set<(event: string, ...args: unknown[]) => void>();
  onAny(l: (event: string, ...args: unknown[]) => void) {
    this.listeners.add(l);
  }
  offAny(l: (event: string, ...args: unknown[]) => void) {
    this.listeners.delete(l);
  }
  emit(event: 'events:replay', payload: { after: number }) {
    this.emitted.push({ event, payload });
  }
  deliver(event: string, ...args: unknown[]) {
    for (const l of this.listeners) l(event, ...args);
  }
}

const message = (n: number): MessageDto => ({
  id: `m${n}`,
  conversationId: 'c1',
  seq: n,
  channel: 'webchat',
  from: 'customer',
  authorName: null,
  body: `message ${n}`,
  status: 'received',
  statusReason: null,
  at: '2026-11-23T10:00:00Z',
});

afterEach(() => {
  vi.useRealTimers();
});

describe('console applies hub events once and in order', () => {
  it('drops duplicates from a replay overlapping live events and orders early arrivals', () => {
    const socket = new FakeSocket();
    const tracker = new SeqTracker<SequencedEvent>();
    const bodies: string[] = [];
    const syncs: boolean[] = [];
    attachSequenced(socket, tracker, {
      handlers: { 'conversation:message': (m) => bodies.push(m.body) },
      onSync: ({ refresh }) => syncs.push(refresh),
    });
    socket.deliver('events:sync', { seq: 10, resync: false, replayed: 0 });
    socket.deliver('conversation:message', message(11), { seq: 11 });
    // Reconnect: the hub replays 11 (seen) and 12, while live 13 overtakes 12.
    socket.deliver('conversation:message', message(13), { seq: 13 });
    socket.deliver('conversation:message', message(11), { seq: 11 });
    socket.deliver('conversation:message', message(12), { seq: 12 });
    socket.deliver('conversation:message', message(12), { seq: 12 });
    socket.deliver('events:sync', { seq: 13, resync: false, replayed: 2 });
    expect(bodies).toEqual(['message 11', 'message 12', 'message 13']);
    expect(syncs).toEqual([false, false]);
    expect(tracker.lastSeq).toBe(13);
  });

  it('asks the hub to replay a gap that does not fill by itself, and refreshes when told to resync', () => {
    vi.useFakeTimers();
    const socket = new FakeSocket();
    const tracker = new SeqTracker<SequencedEvent>();
    const bodies: string[] = [];
    const syncs: boolean[] = [];
    attachSequenced(socket, tracker, {
      handlers: { 'conversation:message': (m) => bodies.push(m.body) },
      onSync: ({ refresh }) => syncs.push(refresh),
      gapMs: 2000,
    });
    socket.deliver('events:sync', { seq: 0, resync: false, replayed: 0 });
    socket.deliver('conversation:message', message(1), { seq: 1 });
    socket.deliver('conversation:message', message(3), { seq: 3 });
    expect(bodies).toEqual(['message 1']);
    vi.advanceTimersByTime(2000);
    expect(socket.emitted).toEqual([{ event: 'events:replay', payload: { after: 1 } }]);
    // The hub's answer: 2 was trimmed away, so start again from its head.
    socket.deliver('events:sync', { seq: 3, resync: true, replayed: 0 });
    expect(syncs).toEqual([false, true]);
    socket.deliver('conversation:message', message(4), { seq: 4 });
    expect(bodies).toEqual(['message 1', 'message 4']);
  });

  it('events without a seq (pending offers re-sent on connect) are applied at once', () => {
    const socket = new FakeSocket();
    const offers: string[] = [];
    attachSequenced(socket, new SeqTracker<SequencedEvent>(), { handlers: { offer: (o) => offers.push(o.offerId) } });
    socket.deliver('offer', { offerId: 'o1' });
    expect(offers).toEqual(['o1']);
  });

  it('any arrival order with repeats yields each event exactly once, in seq order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.shuffledSubarray([...Array(n).keys()].flatMap((i) => [i + 1, i + 1]), { minLength: 2 * n, maxLength: 2 * n }),
          ),
        ),
        ([n, arrivals]) => {
          const tracker = new SeqTracker<number>();
          tracker.sync(0, false);
          const applied: number[] = [];
          for (const seq of arrivals) applied.push(...tracker.receive(seq, seq));
          expect(applied).toEqual([...Array(n).keys()].map((i) => i + 1));
          expect(tracker.hasGap).toBe(false);
        },
      ),
    );
  });
});
