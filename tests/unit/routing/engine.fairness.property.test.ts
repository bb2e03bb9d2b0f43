import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoutingEngine, STRATEGIES } from '../../../src/routing/engine/index.js';
import type { Decision, EngineEvent, EngineTask, QueueConfig } from '../../../src/routing/engine/index.js';
import { agent, isOffer, MIN, queue, SEC, T0 } from './fixtures.js';

/** Leases and accepts every offer; returns them. */
function takeAll(e: RoutingEngine, ds: Decision[], now: number, seq: { n: number }) {
  const offers = ds.filter(isOffer);
  for (const d of offers) {
    const offerId = `o${++seq.n}`;
    expect(e.apply({ type: 'offer.created', offerId, taskId: d.taskId, agentId: d.agentId }, now)).toBe(true);
    expect(e.apply({ type: 'offer.accepted', offerId }, now)).toBe(true);
  }
  return offers;
}

describe('routing engine with queues: order and fairness properties', () => {
  it('one queue with aging and mixed priorities: offers follow effective priority, then enqueuedAt (FIFO among equals)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ age: fc.nat({ max: 10 * MIN }), priority: fc.nat({ max: 3 }) }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.constantFrom(10, 34, 50, 100), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(0, 1, 2, 0.5),
        fc.constantFrom(...STRATEGIES),
        fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 20 })), { maxLength: 60 }),
        (specs, caps, aging, strategy, script) => {
          const e = new RoutingEngine();
          let now = T0 + 20 * MIN;
          e.apply({ type: 'queue.upserted', queue: queue('q', { agingPerMinute: aging, strategy, priority: 2 }) }, now);
          caps.forEach((capacity, i) => e.apply({ type: 'agent.upserted', agent: agent(`a${i}`, { capacity, idleSince: T0 }) }, now));
          const tasks = specs.map((s, i): EngineTask => ({ id: `t${i}`, queueId: 'q', channel: 'email', priority: s.priority, cost: 10, requiredSkills: [], enqueuedAt: T0 + s.age }));
          for (const t of tasks) e.apply({ type: 'task.added', task: t }, now);
          // Effective priority p + aging·minutes waited: the difference between two tasks never changes with time.
          const eff = (t: EngineTask) => t.priority + (aging * (now - t.enqueuedAt)) / MIN;
          const expected = [...tasks].sort((a, b) => eff(b) - eff(a) || a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1)).map((t) => t.id);

          const offered: string[] = [];
          const held: { agentId: string; cost: number }[] = [];
          const seq = { n: 0 };
          for (const [release, k] of script) {
            now += 1_000;
            if (release && held.length > 0) {
              const [w] = held.splice(k % held.length, 1);
              e.apply({ type: 'work.released', agentId: w!.agentId, cost: w!.cost }, now);
            }
            for (const d of takeAll(e, e.decide(now), now, seq)) {
              offered.push(d.taskId);
              held.push({ agentId: d.agentId, cost: d.cost });
            }
          }
          expect(offered).toEqual(expected.slice(0, offered.length));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('no starvation across priorities: with aging, low-priority work is served within its priority gap plus the queue ahead, under a stream of high-priority work', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }), // priority gap
        fc.constantFrom(1, 2), // aging per minute
        fc.nat({ max: 3 }), // initial backlog of high-priority work
        fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 4 }), // rounds at which low-priority tasks arrive
        (gap, aging, backlog, lowRounds) => {
          // One agent, one call at a time, every round a new high-priority call: the high queue is never empty.
          const e = new RoutingEngine();
          const round = (r: number) => T0 + r * MIN;
          e.apply({ type: 'queue.upserted', queue: queue('high', { channel: 'voice', priority: gap, agingPerMinute: aging }) }, T0);
          e.apply({ type: 'queue.upserted', queue: queue('low', { channel: 'voice', agingPerMinute: aging }) }, T0);
          e.apply({ type: 'agent.upserted', agent: agent('ana', { idleSince: T0 - MIN }) }, T0);
          const call = (id: string, queueId: string, r: number): EngineTask => ({ id, queueId, channel: 'voice', priority: 0, cost: 100, requiredSkills: [], enqueuedAt: round(r) });
          for (let i = 0; i < backlog; i++) e.apply({ type: 'task.added', task: call(`b${i}`, 'high', 0) }, T0);
          const arrived = new Map<string, { round: number; waiting: number }>();
          const seq = { n: 0 };
          let holding: { agentId: string; cost: number } | null = null;
          for (let r = 0; r < 60; r++) {
            const now = round(r);
            if (holding) e.apply({ type: 'work.released', agentId: holding.agentId, cost: holding.cost }, now);
            holding = null;
            e.apply({ type: 'task.added', task: call(`h${r}`, 'high', r) }, now);
            lowRounds.forEach((lr, i) => {
              if (lr !== r) return;
              arrived.set(`l${i}`, { round: r, waiting: e.waitingCount() });
              e.apply({ type: 'task.added', task: call(`l${i}`, 'low', r) }, now);
            });
            for (const d of takeAll(e, e.decide(now), now, seq)) {
              holding = { agentId: d.agentId, cost: d.cost };
              const a = arrived.get(d.taskId);
              if (!a) continue;
              arrived.delete(d.taskId);
              // It overtakes every call newer than gap/aging minutes; only those and the queue it found wait before it.
              expect(r - a.round, `${d.taskId} waited too long`).toBeLessThanOrEqual(Math.ceil(gap / aging) + a.waiting + 2);
            }
          }
          expect([...arrived.keys()], 'never served').toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('no starvation by size: an old 100-cost task is served within a bound behind a never-ending stream of 34-cost chats', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), // agents
        fc.boolean(), // calls in their own queue, or in the chat queue
        fc.array(fc.integer({ min: 2, max: 40 }), { minLength: 1, maxLength: 3 }), // rounds at which calls arrive
        fc.array(fc.boolean(), { minLength: 100, maxLength: 100 }), // per round: one extra chat (a small backlog)
        (n, ownQueue, callRounds, extras) => {
          // Rounds 10 s apart; SL threshold 20 s. Every agent holds two chats that end in turn, one per
          // round, and each round brings one new chat per agent: an agent is never completely free,
          // so without the drain rule a call (100) would wait until the stream stops.
          const e = new RoutingEngine();
          const round = (r: number) => T0 + r * 10 * SEC;
          e.apply({ type: 'queue.upserted', queue: queue('chat') }, T0);
          if (ownQueue) e.apply({ type: 'queue.upserted', queue: queue('voice', { channel: 'voice' }) }, T0);
          for (let i = 0; i < n; i++) e.apply({ type: 'agent.upserted', agent: agent(`a${i}`, { idleSince: T0 - i }) }, T0);
          const arrivals = new Map<string, { round: number; waiting: number }>();
          const holding: { agentId: string; cost: number; until: number }[] = [];
          const holdOf = new Map<string, number>();
          const seq = { n: 0 };
          let k = 0;
          const chat = (now: number, hold: number) => {
            const id = `c${String(k++).padStart(4, '0')}`;
            holdOf.set(id, hold);
            e.apply({ type: 'task.added', task: { id, queueId: 'chat', channel: 'webchat', priority: 0, cost: 34, requiredSkills: [], enqueuedAt: now } }, now);
          };
          for (let i = 0; i < n; i++) chat(T0, 1); // the first chats: one ends after one round, the other after two
          for (let r = 0; r < 100; r++) {
            const now = round(r);
            for (const w of holding.filter((h) => h.until === r)) e.apply({ type: 'work.released', agentId: w.agentId, cost: w.cost }, now);
            for (let i = 0; i < n + (extras[r] && r % 5 === 0 ? 1 : 0); i++) chat(now, 2);
            callRounds.forEach((cr, i) => {
              if (cr !== r) return;
              const id = `call${i}`;
              holdOf.set(id, 1);
              arrivals.set(id, { round: r, waiting: e.waitingCount() });
              e.apply({ type: 'task.added', task: { id, queueId: ownQueue ? 'voice' : 'chat', channel: 'voice', priority: 0, cost: 100, requiredSkills: [], enqueuedAt: now } }, now);
            });
            for (const d of takeAll(e, e.decide(now), now, seq)) {
              holding.push({ agentId: d.agentId, cost: d.cost, until: r + holdOf.get(d.taskId)! });
              const a = arrivals.get(d.taskId);
              if (!a) continue;
              arrivals.delete(d.taskId);
              // Older work goes first (each round serves at least one task per agent not kept free); once past
              // the threshold (2 rounds) one agent is kept free and drains within 2 rounds.
              const bound = 2 + 2 + a.waiting + 2;
              expect(r - a.round, `${d.taskId} waited ${r - a.round} rounds (bound ${bound})`).toBeLessThanOrEqual(bound);
            }
          }
          expect([...arrivals.keys()], 'never served').toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never throws, and answers with a boolean, on any event sequence including bad queue configurations', () => {
    const id = fc.constantFrom('a0', 'a1', 't0', 't1', 'q0', 'q1', 'o1', '', '__proto__');
    const num = fc.oneof(fc.integer({ min: -100, max: 200 }), fc.constantFrom(0, Number.NaN, Number.POSITIVE_INFINITY, -1, 1e18));
    const expr = fc.oneof(
      fc.constant(null),
      fc.record({ skill: fc.constantFrom('x', 'y', '__proto__', ''), minLevel: num }),
      fc.constant({ all: [] }),
      fc.constant({ any: [] }),
      fc.constant({ any: [{ skill: 'x' }, { all: [{ skill: 'y', minLevel: 2 }] }] }),
      fc.constant('x'),
    );
    const queueArb = fc.record({
      id,
      channel: fc.constantFrom('webchat', 'voice'),
      requirement: expr,
      priority: num,
      serviceLevel: fc.oneof(fc.constant(null), fc.record({ targetFraction: num, thresholdSeconds: num })),
      strategy: fc.constantFrom(...STRATEGIES, 'nope'),
      escalation: fc.array(
        fc.oneof(fc.constant(null), fc.record({ afterSeconds: num, lowerMinLevelBy: fc.option(num, { nil: undefined }), alsoAccept: fc.option(expr, { nil: undefined }), overflowToQueueId: fc.option(id, { nil: undefined }) })),
        { maxLength: 3 },
      ),
      predictiveEscalation: fc.boolean(),
      agingPerMinute: num,
      stickyWaitSeconds: num,
      wrapUpSeconds: num,
    });
    const eventArb: fc.Arbitrary<EngineEvent> = fc.oneof(
      fc.record({ type: fc.constant('queue.upserted' as const), queue: queueArb as unknown as fc.Arbitrary<QueueConfig> }),
      fc.record({ type: fc.constant('queue.removed' as const), queueId: id }),
      fc.record({
        type: fc.constant('task.added' as const),
        task: fc.record({
          id,
          queueId: id,
          channel: fc.constant('webchat' as const),
          priority: num,
          cost: num,
          requiredSkills: fc.array(fc.record({ skill: fc.constantFrom('x', 'y'), minLevel: num }), { maxLength: 2 }),
          enqueuedAt: num,
          stickyAgentId: fc.option(id, { nil: null }),
        }),
      }),
      fc.record({ type: fc.constant('task.removed' as const), taskId: id }),
      fc.record({
        type: fc.constant('agent.upserted' as const),
        agent: fc.record({
          id,
          status: fc.constantFrom('available' as const, 'away' as const, 'offline' as const, 'break' as const),
          connected: fc.boolean(),
          capacity: num,
          used: num,
          skills: fc.dictionary(fc.constantFrom('x', 'y', '__proto__'), num),
          idleSince: num,
          missedOffers: num,
          wrapUpUntil: fc.option(num, { nil: undefined }),
        }),
      }),
      fc.record({ type: fc.constant('agent.removed' as const), agentId: id }),
      fc.record({ type: fc.constant('offer.failed' as const), taskId: id, agentId: id }),
      fc.record({ type: fc.constant('offer.created' as const), offerId: id, taskId: id, agentId: id }),
      fc.record({ type: fc.constantFrom('offer.accepted' as const, 'offer.rejected' as const, 'offer.expired' as const), offerId: id }),
      fc.record({ type: fc.constant('work.released' as const), agentId: id, cost: num, wrapUpMs: fc.option(num, { nil: undefined }), queueId: fc.option(id, { nil: undefined }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 5, arbitrary: eventArb }, { weight: 2, arbitrary: fc.constant(null) }), { maxLength: 50 }), fc.array(fc.integer({ min: -1_000, max: 120_000 }), { maxLength: 50 }), (steps, dts) => {
        const e = new RoutingEngine({ redeclineCooldownMs: 5_000 });
        let now = T0;
        steps.forEach((ev, i) => {
          now += dts[i] ?? 0;
          if (ev === null) {
            expect(Array.isArray(e.decide(now))).toBe(true);
            return;
          }
          expect(typeof e.apply(ev, now)).toBe('boolean');
        });
        expect(Array.isArray(e.decide(now + 10 * MIN))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
