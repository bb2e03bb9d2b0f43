import { describe, expect, it } from 'vitest';
import { RoutingEngine } from '../../../src/routing/engine/index.js';
import type { Decision, EngineAgent, EngineEvent, EngineTask } from '../../../src/routing/engine/index.js';

// ---- fixtures ---------------------------------------------------------------

const T0 = 1_700_000_000_000;
const COOLDOWN = 30_000;

function agent(id: string, over: Partial<EngineAgent> = {}): EngineAgent {
  return {
    id,
    status: 'available',
    connected: true,
    capacity: 100,
    used: 0,
    skills: {},
    idleSince: T0 - 60_000,
    missedOffers: 0,
    ...over,
  };
}

function task(id: string, over: Partial<EngineTask> = {}): EngineTask {
  return {
    id,
    queueId: 'support',
    channel: 'webchat',
    priority: 0,
    cost: 34,
    requiredSkills: [],
    enqueuedAt: T0,
    ...over,
  };
}

type Offer = Extract<Decision, { type: 'offer' }>;

const offersOf = (ds: Decision[]): Offer[] => ds.filter((d): d is Offer => d.type === 'offer');
const pairs = (ds: Decision[]): [string, string][] => offersOf(ds).map((d) => [d.taskId, d.agentId]);
const aways = (ds: Decision[]) => ds.filter((d) => d.type === 'agent.away');

function engineWith(agents: EngineAgent[], tasks: EngineTask[] = [], now = T0): RoutingEngine {
  const e = new RoutingEngine({ redeclineCooldownMs: COOLDOWN });
  for (const a of agents) e.apply({ type: 'agent.upserted', agent: a }, now);
  for (const t of tasks) e.apply({ type: 'task.added', task: t }, now);
  return e;
}

let offerSeq = 0;
/** Plays the runtime: takes the lease for every offer decision and returns taskId → offerId. */
function createAll(e: RoutingEngine, ds: Decision[], now: number): Map<string, string> {
  const ids = new Map<string, string>();
  for (const d of offersOf(ds)) {
    const offerId = `offer-${++offerSeq}`;
    expect(e.apply({ type: 'offer.created', offerId, taskId: d.taskId, agentId: d.agentId }, now)).toBe(true);
    ids.set(d.taskId, offerId);
  }
  return ids;
}

/** One decide + lease for a single expected offer; returns its offer id. */
function offerOne(e: RoutingEngine, now: number, expected: [string, string]): string {
  const ds = e.decide(now);
  expect(pairs(ds)).toEqual([expected]);
  return createAll(e, ds, now).get(expected[0])!;
}

// ---- selection ----------------------------------------------------------------

describe('routing engine: who gets the work', () => {
  it('offers a task to the agent who has been idle the longest', () => {
    const e = engineWith(
      [agent('ana', { idleSince: T0 - 5_000 }), agent('bob', { idleSince: T0 - 90_000 }), agent('cy', { idleSince: T0 - 20_000 })],
      [task('t1')],
    );
    const [offer] = offersOf(e.decide(T0));
    expect(offer?.agentId).toBe('bob');
    expect(offer?.why.rule).toBe('longest-idle');
    expect(offer?.why.candidates).toBe(3);
    expect(offer?.why.ranked).toEqual(['bob', 'cy', 'ana']);
  });

  it('breaks equal idle times by agent id, the same way on every run', () => {
    const run = (order: string[]) => {
      const e = engineWith(order.map((id) => agent(id, { idleSince: T0 - 1_000 })), [task('t1')]);
      return pairs(e.decide(T0));
    };
    expect(run(['mia', 'ali', 'zoe'])).toEqual([['t1', 'ali']]);
    expect(run(['zoe', 'mia', 'ali'])).toEqual([['t1', 'ali']]);
    expect(run(['ali', 'zoe', 'mia'])).toEqual([['t1', 'ali']]);
  });

  it('needs every required skill at its minimum level (AND), not just one of them', () => {
    const required = [
      { skill: 'billing', minLevel: 3 },
      { skill: 'persian', minLevel: 2 },
    ];
    const e = engineWith(
      [
        agent('only-billing', { skills: { billing: 9 }, idleSince: T0 - 900_000 }),
        agent('only-persian', { skills: { persian: 9 }, idleSince: T0 - 800_000 }),
        agent('billing-too-low', { skills: { billing: 2, persian: 5 }, idleSince: T0 - 700_000 }),
        agent('both-at-minimum', { skills: { billing: 3, persian: 2 }, idleSince: T0 - 1_000 }),
      ],
      [task('t1', { requiredSkills: required })],
    );
    const [offer] = offersOf(e.decide(T0));
    expect(offer?.agentId).toBe('both-at-minimum');
    expect(offer?.why.candidates).toBe(1);
  });

  it('leaves a task waiting when no agent has the skills', () => {
    const e = engineWith([agent('ana', { skills: { sales: 10 } })], [task('t1', { requiredSkills: [{ skill: 'legal', minLevel: 1 }] })]);
    expect(offersOf(e.decide(T0))).toEqual([]);
    expect(e.taskPhase('t1')).toBe('waiting');
    expect(e.waitingCount()).toBe(1);
  });

  it('never offers work to an agent who is away, offline or has no console open', () => {
    const e = engineWith(
      [
        agent('away', { status: 'away', idleSince: T0 - 900_000 }),
        agent('offline', { status: 'offline', idleSince: T0 - 800_000 }),
        agent('disconnected', { connected: false, idleSince: T0 - 700_000 }),
      ],
      [task('t1'), task('t2', { enqueuedAt: T0 + 1 })],
    );
    expect(offersOf(e.decide(T0))).toEqual([]);
    expect(offersOf(e.decide(T0 + 60_000))).toEqual([]);

    // Opening a console makes the available agent eligible; the others still get nothing.
    e.apply({ type: 'agent.upserted', agent: agent('disconnected', { connected: true, idleSince: T0 - 700_000 }) }, T0 + 61_000);
    expect(pairs(e.decide(T0 + 61_000))).toEqual([
      ['t1', 'disconnected'],
      ['t2', 'disconnected'],
    ]);
  });

  it('an agent coming back from away queues behind agents who were already waiting', () => {
    const e = engineWith([agent('ana', { status: 'away', idleSince: T0 - 900_000 }), agent('bob', { idleSince: T0 - 10_000 })]);
    // Ana comes back now; her old idleSince must not put her ahead of Bob.
    e.apply({ type: 'agent.upserted', agent: agent('ana', { status: 'available', idleSince: T0 - 900_000 }) }, T0);
    e.apply({ type: 'task.added', task: task('t1') }, T0 + 1_000);
    expect(pairs(e.decide(T0 + 1_000))).toEqual([['t1', 'bob']]);
  });

  it('counts capacity in cost units: 100 holds two chats of 34, the third waits', () => {
    const e = engineWith([agent('ana', { capacity: 100 })], [
      task('c1', { enqueuedAt: T0 }),
      task('c2', { enqueuedAt: T0 + 1 }),
      task('c3', { enqueuedAt: T0 + 2 }),
    ]);
    const ds = e.decide(T0);
    expect(pairs(ds)).toEqual([
      ['c1', 'ana'],
      ['c2', 'ana'],
    ]);
    expect(e.agent('ana')?.used).toBe(68);
    expect(e.taskPhase('c3')).toBe('waiting');
    createAll(e, ds, T0);
    expect(offersOf(e.decide(T0 + 1_000))).toEqual([]);
  });

  it('counts capacity in cost units: 100 holds ten emails of 10, the eleventh waits', () => {
    const emails = Array.from({ length: 11 }, (_, i) => task(`m${i}`, { channel: 'email', cost: 10, enqueuedAt: T0 + i }));
    const e = engineWith([agent('ana', { capacity: 100 })], emails);
    const offered = pairs(e.decide(T0)).map(([t]) => t);
    expect(offered).toEqual(emails.slice(0, 10).map((t) => t.id));
    expect(e.taskPhase('m10')).toBe('waiting');
  });

  it('does not hand an agent a task bigger than their remaining room, but gives it to someone with room', () => {
    const e = engineWith(
      [agent('busy', { capacity: 100, used: 80, idleSince: T0 - 900_000 }), agent('free', { capacity: 100, idleSince: T0 - 1_000 })],
      [task('call', { channel: 'voice', cost: 100 })],
    );
    expect(pairs(e.decide(T0))).toEqual([['call', 'free']]);
  });

  it('gives the capacity back when work is released, and the waiting task is offered', () => {
    const e = engineWith([agent('ana', { capacity: 100 })], [task('c1', { cost: 60 }), task('c2', { cost: 60, enqueuedAt: T0 + 1 })]);
    const o1 = offerOne(e, T0, ['c1', 'ana']);
    expect(e.apply({ type: 'offer.accepted', offerId: o1 }, T0 + 1_000)).toBe(true);
    expect(offersOf(e.decide(T0 + 2_000))).toEqual([]); // still holding c1
    expect(e.apply({ type: 'work.released', agentId: 'ana', cost: 60 }, T0 + 3_000)).toBe(true);
    expect(e.agent('ana')?.used).toBe(0);
    expect(pairs(e.decide(T0 + 3_000))).toEqual([['c2', 'ana']]);
  });

  it('an agent who just finished all their work goes to the back of the idle line', () => {
    const e = engineWith([agent('ana', { idleSince: T0 - 900_000 }), agent('bob', { idleSince: T0 - 100_000 })], [task('t1')]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    e.apply({ type: 'offer.accepted', offerId: o1 }, T0 + 1_000);
    e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, T0 + 5_000);
    e.apply({ type: 'task.added', task: task('t2', { enqueuedAt: T0 + 6_000 }) }, T0 + 6_000);
    expect(pairs(e.decide(T0 + 6_000))).toEqual([['t2', 'bob']]);
  });
});

// ---- offer lifecycle -----------------------------------------------------------

describe('routing engine: offer lifecycle', () => {
  it('an accepted offer takes the task out of the queue, and the agent keeps the capacity until release', () => {
    const e = engineWith([agent('ana', { capacity: 50 })], [task('t1', { cost: 34 }), task('t2', { cost: 34, enqueuedAt: T0 + 1 })]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    expect(e.taskPhase('t1')).toBe('offered');
    expect(e.apply({ type: 'offer.accepted', offerId: o1 }, T0 + 2_000)).toBe(true);
    expect(e.taskPhase('t1')).toBeUndefined();
    expect(e.waitingCount()).toBe(1);
    expect(e.agent('ana')?.used).toBe(34);
    // t1 is never offered again, and t2 does not fit beside it.
    expect(offersOf(e.decide(T0 + 3_000))).toEqual([]);
    expect(offersOf(e.decide(T0 + 10 * COOLDOWN))).toEqual([]);
  });

  it('a rejected task goes to another agent, not back to the one who rejected it', () => {
    const e = engineWith([agent('ana', { idleSince: T0 - 900_000 }), agent('bob', { idleSince: T0 - 10_000 })], [task('t1')]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    expect(e.apply({ type: 'offer.rejected', offerId: o1 }, T0 + 1_000)).toBe(true);
    expect(e.agent('ana')?.used).toBe(0);
    const [offer] = offersOf(e.decide(T0 + 1_000));
    expect(offer?.agentId).toBe('bob');
    expect(offer?.why.candidates).toBe(1);
  });

  it('a rejected task is not offered back to the only agent until the cooldown has passed', () => {
    const e = engineWith([agent('ana')], [task('t1')]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    e.apply({ type: 'offer.rejected', offerId: o1 }, T0 + 1_000);
    expect(offersOf(e.decide(T0 + 1_000))).toEqual([]);
    expect(offersOf(e.decide(T0 + 1_000 + COOLDOWN - 1))).toEqual([]);
    expect(e.taskPhase('t1')).toBe('waiting');
    expect(pairs(e.decide(T0 + 1_000 + COOLDOWN))).toEqual([['t1', 'ana']]);
  });

  it('the cooldown only shields that one task: the rejecting agent still gets other work', () => {
    const e = engineWith([agent('ana')], [task('t1')]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    e.apply({ type: 'offer.rejected', offerId: o1 }, T0 + 1_000);
    e.apply({ type: 'task.added', task: task('t2', { enqueuedAt: T0 + 2_000 }) }, T0 + 2_000);
    expect(pairs(e.decide(T0 + 2_000))).toEqual([['t2', 'ana']]);
  });

  it('an expired offer goes to another agent, and to the same agent only after the cooldown', () => {
    const e = engineWith([agent('ana', { idleSince: T0 - 900_000 }), agent('bob', { idleSince: T0 - 10_000 })], [task('t1')]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    expect(e.apply({ type: 'offer.expired', offerId: o1 }, T0 + 20_000)).toBe(true);
    const o2 = offerOne(e, T0 + 20_000, ['t1', 'bob']);
    expect(e.apply({ type: 'offer.expired', offerId: o2 }, T0 + 40_000)).toBe(true);
    // Ana's cooldown started at T0+20s; Bob's at T0+40s.
    expect(offersOf(e.decide(T0 + 40_000))).toEqual([]);
    expect(pairs(e.decide(T0 + 20_000 + COOLDOWN))).toEqual([['t1', 'ana']]);
  });

  it('three missed offers in a row turn the agent away and stop further offers to them', () => {
    const e = engineWith([agent('ana')]);
    let now = T0;
    for (let i = 1; i <= 3; i++) {
      e.apply({ type: 'task.added', task: task(`t${i}`, { enqueuedAt: now }) }, now);
      const ds = e.decide(now);
      expect(aways(ds)).toEqual([]);
      const id = createAll(e, ds, now).get(`t${i}`)!;
      now += 20_000;
      expect(e.apply({ type: 'offer.expired', offerId: id }, now)).toBe(true);
    }
    e.apply({ type: 'task.added', task: task('t4', { enqueuedAt: now }) }, now);
    const ds = e.decide(now);
    expect(ds).toContainEqual({ type: 'agent.away', agentId: 'ana', reason: 'missed-offers', missed: 3 });
    expect(offersOf(ds)).toEqual([]);
    expect(e.agent('ana')?.status).toBe('away');
    // Later decides neither repeat the away decision nor offer anything, even past every cooldown.
    const later = e.decide(now + 10 * COOLDOWN);
    expect(later).toEqual([]);
    expect(e.waitingCount()).toBe(4);
  });

  it('the away decision is made only once, and the agent is back in rotation when set available again', () => {
    const e = engineWith([agent('ana', { missedOffers: 3 })], [task('t1')]);
    expect(aways(e.decide(T0))).toHaveLength(1);
    expect(aways(e.decide(T0 + 1))).toHaveLength(0);
    e.apply({ type: 'agent.upserted', agent: agent('ana', { status: 'available', missedOffers: 0 }) }, T0 + 5_000);
    expect(pairs(e.decide(T0 + 5_000))).toEqual([['t1', 'ana']]);
  });

  it('accepting an offer resets the missed-offer count', () => {
    // A long cooldown keeps the missed tasks away from Ana so each round offers only the new task.
    const e = new RoutingEngine({ redeclineCooldownMs: 3_600_000 });
    e.apply({ type: 'agent.upserted', agent: agent('ana', { capacity: 1_000 }) }, T0);
    let now = T0;
    const offerAndAnswer = (id: string, answer: 'offer.expired' | 'offer.accepted') => {
      e.apply({ type: 'task.added', task: task(id, { enqueuedAt: now }) }, now);
      const ds = e.decide(now);
      expect(aways(ds)).toEqual([]);
      expect(pairs(ds)).toEqual([[id, 'ana']]);
      const offerId = createAll(e, ds, now).get(id)!;
      now += 20_000;
      e.apply({ type: answer, offerId }, now);
    };
    offerAndAnswer('t1', 'offer.expired');
    offerAndAnswer('t2', 'offer.expired');
    offerAndAnswer('t3', 'offer.accepted');
    expect(e.agent('ana')?.missedOffers).toBe(0);
    offerAndAnswer('t4', 'offer.expired');
    offerAndAnswer('t5', 'offer.expired');
    // Two misses since the accept: still available and still receiving work.
    offerAndAnswer('t6', 'offer.accepted');
    expect(e.agent('ana')?.status).toBe('available');
  });

  it('explicit rejections are answers, not misses: they never turn the agent away', () => {
    const e = engineWith([agent('ana')]);
    let now = T0;
    for (let i = 1; i <= 5; i++) {
      e.apply({ type: 'task.added', task: task(`t${i}`, { enqueuedAt: now }) }, now);
      const ds = e.decide(now);
      expect(aways(ds)).toEqual([]);
      const id = createAll(e, ds, now).get(`t${i}`)!;
      now += 1_000;
      e.apply({ type: 'offer.rejected', offerId: id }, now);
    }
    expect(e.agent('ana')?.status).toBe('available');
    expect(aways(e.decide(now))).toEqual([]);
  });

  it('a rejection ends a run of misses: expire, expire, reject, expire leaves the agent available', () => {
    const e = engineWith([agent('ana')]);
    let now = T0;
    for (const [i, answer] of (['offer.expired', 'offer.expired', 'offer.rejected', 'offer.expired'] as const).entries()) {
      e.apply({ type: 'task.added', task: task(`r${i}`, { enqueuedAt: now }) }, now);
      const id = createAll(e, e.decide(now), now).get(`r${i}`)!;
      now += 1_000;
      e.apply({ type: answer, offerId: id }, now);
      e.apply({ type: 'task.removed', taskId: `r${i}` }, now); // the customer left; only the answer matters here
      now += 1_000;
    }
    expect(aways(e.decide(now))).toEqual([]);
    expect(e.agent('ana')?.missedOffers).toBe(1);
  });

  it('honours maxMissedOffers from the options', () => {
    const e = new RoutingEngine({ maxMissedOffers: 1 });
    e.apply({ type: 'agent.upserted', agent: agent('ana') }, T0);
    e.apply({ type: 'task.added', task: task('t1') }, T0);
    const id = createAll(e, e.decide(T0), T0).get('t1')!;
    e.apply({ type: 'offer.expired', offerId: id }, T0 + 20_000);
    expect(aways(e.decide(T0 + 20_000))).toEqual([{ type: 'agent.away', agentId: 'ana', reason: 'missed-offers', missed: 1 }]);
  });

  it('offer.failed gives the reservation back and the task is offered again on the next decide', () => {
    const e = engineWith([agent('ana', { capacity: 34 })], [task('t1', { cost: 34 })]);
    expect(pairs(e.decide(T0))).toEqual([['t1', 'ana']]);
    expect(e.agent('ana')?.used).toBe(34);
    expect(e.taskPhase('t1')).toBe('reserved');
    expect(e.apply({ type: 'offer.failed', taskId: 't1', agentId: 'ana' }, T0 + 10)).toBe(true);
    expect(e.agent('ana')?.used).toBe(0);
    expect(e.taskPhase('t1')).toBe('waiting');
    // Not a decline: no cooldown, no miss.
    expect(pairs(e.decide(T0 + 20))).toEqual([['t1', 'ana']]);
    expect(e.agent('ana')?.missedOffers).toBe(0);
  });

  it('offer.failed naming another agent than the reservation is ignored', () => {
    const e = engineWith([agent('ana'), agent('bob', { idleSince: T0 })], [task('t1')]);
    expect(pairs(e.decide(T0))).toEqual([['t1', 'ana']]);
    expect(e.apply({ type: 'offer.failed', taskId: 't1', agentId: 'bob' }, T0)).toBe(false);
    expect(e.agent('ana')?.used).toBe(34);
    expect(e.taskPhase('t1')).toBe('reserved');
  });

  it('a reserved task is never offered twice while waiting for its lease', () => {
    const e = engineWith([agent('ana'), agent('bob')], [task('t1')]);
    expect(offersOf(e.decide(T0))).toHaveLength(1);
    expect(offersOf(e.decide(T0 + 1_000))).toEqual([]);
    expect(e.taskPhase('t1')).toBe('reserved');
  });

  it('a customer leaving while the offer rings frees the agent for the next task', () => {
    const e = engineWith([agent('ana', { capacity: 34 })], [task('t1'), task('t2', { enqueuedAt: T0 + 1 })]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    expect(e.apply({ type: 'task.removed', taskId: 't1' }, T0 + 5_000)).toBe(true);
    expect(e.agent('ana')?.used).toBe(0);
    // The stale offer can no longer be answered.
    expect(e.apply({ type: 'offer.accepted', offerId: o1 }, T0 + 6_000)).toBe(false);
    expect(pairs(e.decide(T0 + 6_000))).toEqual([['t2', 'ana']]);
  });

  it('refreshing an agent after a lost lease does not forget the other offers reserved for them in the same round', () => {
    const e = engineWith(
      [agent('ana', { capacity: 68, idleSince: T0 - 900_000 }), agent('bob', { capacity: 100, idleSince: T0 - 10_000 })],
      [task('t0', { enqueuedAt: T0 }), task('t1', { enqueuedAt: T0 + 1 })],
    );
    expect(pairs(e.decide(T0))).toEqual([
      ['t0', 'ana'],
      ['t1', 'ana'],
    ]);
    // The runtime carries the decisions out one by one. Another hub instance took t0 first, so the
    // lease is lost; the runtime re-reads Ana from agent_state, where t1's lease is not written yet.
    expect(e.apply({ type: 'offer.failed', taskId: 't0', agentId: 'ana' }, T0 + 1)).toBe(true);
    e.apply({ type: 'task.removed', taskId: 't0' }, T0 + 1);
    e.apply({ type: 'agent.upserted', agent: agent('ana', { capacity: 68, used: 0, idleSince: T0 - 900_000 }) }, T0 + 1);
    // Then the next decision: the lease for t1 is taken.
    expect(e.apply({ type: 'offer.created', offerId: 'o-1', taskId: 't1', agentId: 'ana' }, T0 + 2)).toBe(true);
    // Ana holds 34 of 68, so a 68-unit call must go to Bob (the database would refuse it for Ana).
    e.apply({ type: 'task.added', task: task('call', { channel: 'voice', cost: 68, enqueuedAt: T0 + 3 }) }, T0 + 3);
    expect(pairs(e.decide(T0 + 3))).toEqual([['call', 'bob']]);
  });

  it('offer.created naming another agent than the reservation is refused and leaves the reservation alone', () => {
    const e = engineWith([agent('ana'), agent('bob', { idleSince: T0 })], [task('t1')]);
    expect(pairs(e.decide(T0))).toEqual([['t1', 'ana']]);
    expect(e.apply({ type: 'offer.created', offerId: 'x', taskId: 't1', agentId: 'bob' }, T0)).toBe(false);
    expect(e.agent('bob')?.used).toBe(0);
    expect(e.agent('ana')?.used).toBe(34);
  });
});

// ---- queue order ----------------------------------------------------------------

describe('routing engine: queue order', () => {
  it('serves higher priority first, whatever the arrival order', () => {
    const e = engineWith([agent('ana', { capacity: 34 })], [
      task('old-low', { priority: 0, enqueuedAt: T0 - 600_000 }),
      task('new-high', { priority: 5, enqueuedAt: T0 }),
    ]);
    expect(pairs(e.decide(T0))).toEqual([['new-high', 'ana']]);
  });

  it('serves equal priority oldest first, by enqueuedAt rather than by arrival of the event or id', () => {
    const e = engineWith([agent('ana', { capacity: 34 })]);
    e.apply({ type: 'task.added', task: task('a-newest', { enqueuedAt: T0 + 30 }) }, T0);
    e.apply({ type: 'task.added', task: task('z-oldest', { enqueuedAt: T0 + 10 }) }, T0);
    e.apply({ type: 'task.added', task: task('m-middle', { enqueuedAt: T0 + 20 }) }, T0);
    const order: string[] = [];
    let now = T0 + 100;
    for (let i = 0; i < 3; i++) {
      const ds = e.decide(now);
      const [[taskId]] = pairs(ds) as [[string, string]];
      order.push(taskId);
      const id = createAll(e, ds, now).get(taskId)!;
      e.apply({ type: 'offer.accepted', offerId: id }, now + 1);
      e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, now + 2);
      now += 1_000;
    }
    expect(order).toEqual(['z-oldest', 'm-middle', 'a-newest']);
  });

  it('orders a whole batch by priority, then age, in one decide', () => {
    const e = engineWith([agent('ana', { capacity: 1_000 })], [
      task('p0-old', { priority: 0, enqueuedAt: T0 + 1 }),
      task('p1-new', { priority: 1, enqueuedAt: T0 + 9 }),
      task('p0-new', { priority: 0, enqueuedAt: T0 + 8 }),
      task('p1-old', { priority: 1, enqueuedAt: T0 + 2 }),
    ]);
    expect(pairs(e.decide(T0 + 10)).map(([t]) => t)).toEqual(['p1-old', 'p1-new', 'p0-old', 'p0-new']);
  });

  it('a rejected task keeps its place ahead of newer tasks', () => {
    const e = engineWith(
      [agent('ana', { capacity: 34, idleSince: T0 - 900_000 }), agent('bob', { capacity: 34, idleSince: T0 - 10_000 })],
      [task('first', { enqueuedAt: T0 })],
    );
    const o1 = offerOne(e, T0, ['first', 'ana']);
    e.apply({ type: 'task.added', task: task('second', { enqueuedAt: T0 + 1_000 }) }, T0 + 1_000);
    e.apply({ type: 'offer.rejected', offerId: o1 }, T0 + 2_000);
    // Bob frees up for one task: it must be the older, rejected one, not the newer one.
    expect(pairs(e.decide(T0 + 2_000))).toEqual([
      ['first', 'bob'],
      ['second', 'ana'],
    ]);
  });

  it('an expired task keeps its place ahead of newer tasks once the cooldown has passed', () => {
    const e = engineWith([agent('ana', { capacity: 34 })], [task('first', { enqueuedAt: T0 })]);
    const o1 = offerOne(e, T0, ['first', 'ana']);
    e.apply({ type: 'task.added', task: task('second', { enqueuedAt: T0 + 1_000 }) }, T0 + 1_000);
    e.apply({ type: 'offer.expired', offerId: o1 }, T0 + 20_000);
    // During the cooldown Ana may take the newer task…
    const o2 = offerOne(e, T0 + 20_000, ['second', 'ana']);
    e.apply({ type: 'offer.accepted', offerId: o2 }, T0 + 21_000);
    e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, T0 + 22_000);
    e.apply({ type: 'task.added', task: task('third', { enqueuedAt: T0 + 23_000 }) }, T0 + 23_000);
    // …but once it is over, the old task goes before the newer 'third'.
    expect(pairs(e.decide(T0 + 20_000 + COOLDOWN))).toEqual([['first', 'ana']]);
  });
});

// ---- robustness -----------------------------------------------------------------

describe('routing engine: unknown, late and duplicate events', () => {
  it('events about unknown agents, tasks or offers return false and never throw', () => {
    const e = engineWith([agent('ana')], [task('t1')]);
    const junk: EngineEvent[] = [
      { type: 'task.removed', taskId: 'nope' },
      { type: 'agent.removed', agentId: 'nope' },
      { type: 'offer.failed', taskId: 'nope', agentId: 'ana' },
      { type: 'offer.failed', taskId: 't1', agentId: 'ana' }, // t1 is not reserved
      { type: 'offer.created', offerId: 'o', taskId: 'nope', agentId: 'ana' },
      { type: 'offer.accepted', offerId: 'nope' },
      { type: 'offer.rejected', offerId: 'nope' },
      { type: 'offer.expired', offerId: 'nope' },
      { type: 'work.released', agentId: 'nope', cost: 34 },
    ];
    for (const ev of junk) {
      expect(() => e.apply(ev, T0), ev.type).not.toThrow();
      expect(e.apply(ev, T0), ev.type).toBe(false);
    }
    // Nothing was disturbed.
    expect(pairs(e.decide(T0))).toEqual([['t1', 'ana']]);
    expect(e.agent('ana')?.used).toBe(34);
  });

  it('a duplicate task.added is ignored and does not move the task or cancel its offer', () => {
    const e = engineWith([agent('ana', { capacity: 34 }), agent('bob', { capacity: 34, idleSince: T0 })], [
      task('t1', { enqueuedAt: T0 }),
      task('t2', { enqueuedAt: T0 + 5 }),
    ]);
    const ds = e.decide(T0);
    expect(pairs(ds)).toEqual([
      ['t1', 'ana'],
      ['t2', 'bob'],
    ]);
    const ids = createAll(e, ds, T0);
    expect(e.apply({ type: 'task.added', task: task('t1', { enqueuedAt: T0 + 99_000, priority: 9 }) }, T0 + 1)).toBe(false);
    expect(e.taskPhase('t1')).toBe('offered');
    expect(offersOf(e.decide(T0 + 2))).toEqual([]);
    expect(e.apply({ type: 'offer.accepted', offerId: ids.get('t1')! }, T0 + 3)).toBe(true);
    expect(e.waitingCount()).toBe(0);
  });

  it('answers to an offer that is already settled are ignored', () => {
    const e = engineWith([agent('ana', { capacity: 100 })], [task('t1')]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    expect(e.apply({ type: 'offer.accepted', offerId: o1 }, T0 + 1)).toBe(true);
    expect(e.apply({ type: 'offer.accepted', offerId: o1 }, T0 + 2)).toBe(false);
    expect(e.apply({ type: 'offer.expired', offerId: o1 }, T0 + 3)).toBe(false);
    expect(e.apply({ type: 'offer.rejected', offerId: o1 }, T0 + 4)).toBe(false);
    // The late expiry neither gave capacity back nor counted as a miss.
    expect(e.agent('ana')?.used).toBe(34);
    expect(e.agent('ana')?.missedOffers).toBe(0);
  });

  it('a late answer to an earlier offer does not touch the task’s current offer', () => {
    const e = engineWith([agent('ana', { idleSince: T0 - 900_000 }), agent('bob', { idleSince: T0 - 10_000 })], [task('t1')]);
    const o1 = offerOne(e, T0, ['t1', 'ana']);
    e.apply({ type: 'offer.expired', offerId: o1 }, T0 + 20_000);
    const o2 = offerOne(e, T0 + 20_000, ['t1', 'bob']);
    expect(e.apply({ type: 'offer.rejected', offerId: o1 }, T0 + 21_000)).toBe(false);
    expect(e.apply({ type: 'offer.accepted', offerId: o1 }, T0 + 21_000)).toBe(false);
    expect(e.taskPhase('t1')).toBe('offered');
    expect(e.agent('bob')?.used).toBe(34);
    expect(e.apply({ type: 'offer.accepted', offerId: o2 }, T0 + 22_000)).toBe(true);
  });

  it('a late duplicate offer.created for an offer that was already rejected does not bring it back', () => {
    // The engine promises that "a late or duplicated event can never break it".
    const e = engineWith([agent('ana', { capacity: 34 })], [task('t1')]);
    const ds = e.decide(T0);
    const created: EngineEvent = { type: 'offer.created', offerId: 'o-1', taskId: 't1', agentId: 'ana' };
    expect(pairs(ds)).toEqual([['t1', 'ana']]);
    e.apply(created, T0);
    e.apply({ type: 'offer.rejected', offerId: 'o-1' }, T0 + 1_000);
    // Redelivery of the old event:
    expect(e.apply(created, T0 + 1_500)).toBe(false);
    expect(e.taskPhase('t1')).toBe('waiting');
    // The customer is still served once Ana's cooldown passes.
    expect(pairs(e.decide(T0 + 1_000 + COOLDOWN))).toEqual([['t1', 'ana']]);
  });

  it('work.released for more than the agent holds never makes room beyond the capacity', () => {
    const e = engineWith([agent('ana', { capacity: 50 })], [task('t1', { cost: 50 }), task('t2', { cost: 50, enqueuedAt: T0 + 1 })]);
    e.apply({ type: 'work.released', agentId: 'ana', cost: 500 }, T0);
    expect(e.agent('ana')?.used).toBe(0);
    expect(pairs(e.decide(T0))).toEqual([['t1', 'ana']]);
  });
});

// ---- restart ----------------------------------------------------------------------

describe('routing engine: state restored after a restart', () => {
  // On start the runtime upserts each agent with `used` from agent_state (which counts pending offers
  // and assigned work), then replays waiting tasks and their pending offers.
  it('a replayed pending offer holds the agent’s capacity and the task is not offered a second time', () => {
    const e = new RoutingEngine({ redeclineCooldownMs: COOLDOWN });
    e.apply({ type: 'agent.upserted', agent: agent('ana', { capacity: 100, used: 60 }) }, T0);
    e.apply({ type: 'task.added', task: task('restored', { cost: 60 }) }, T0);
    expect(e.apply({ type: 'offer.created', offerId: 'o-db', taskId: 'restored', agentId: 'ana' }, T0)).toBe(true);
    expect(e.taskPhase('restored')).toBe('offered');
    expect(e.agent('ana')?.used).toBe(60);

    e.apply({ type: 'task.added', task: task('new', { cost: 60, enqueuedAt: T0 + 1 }) }, T0 + 1);
    expect(offersOf(e.decide(T0 + 1))).toEqual([]); // 60 + 60 > 100, and 'restored' is already on offer

    // The restored offer behaves like any other: when it expires, the capacity comes back.
    expect(e.apply({ type: 'offer.expired', offerId: 'o-db' }, T0 + 20_000)).toBe(true);
    expect(e.agent('ana')?.used).toBe(0);
    expect(e.agent('ana')?.missedOffers).toBe(1);
    // The older restored task is still first in line, but Ana is in its cooldown, so she gets the new one.
    expect(pairs(e.decide(T0 + 20_000))).toEqual([['new', 'ana']]);
  });

  it('a replayed pending offer can be accepted; the agent keeps its capacity until release', () => {
    const e = engineWith([agent('ana', { capacity: 100, used: 60 })], [task('restored', { cost: 60 })]);
    e.apply({ type: 'offer.created', offerId: 'o-db', taskId: 'restored', agentId: 'ana' }, T0);
    expect(offersOf(e.decide(T0))).toEqual([]);
    expect(e.apply({ type: 'offer.accepted', offerId: 'o-db' }, T0 + 1_000)).toBe(true);
    expect(e.taskPhase('restored')).toBeUndefined();
    e.apply({ type: 'task.added', task: task('next', { cost: 60, enqueuedAt: T0 + 2_000 }) }, T0 + 2_000);
    expect(offersOf(e.decide(T0 + 2_000))).toEqual([]);
    e.apply({ type: 'work.released', agentId: 'ana', cost: 60 }, T0 + 3_000);
    expect(pairs(e.decide(T0 + 3_000))).toEqual([['next', 'ana']]);
  });

  it('a second offer.created for a task already on offer is refused', () => {
    const e = engineWith([agent('ana', { used: 34 }), agent('bob')], [task('restored')]);
    expect(e.apply({ type: 'offer.created', offerId: 'o-1', taskId: 'restored', agentId: 'ana' }, T0)).toBe(true);
    expect(e.apply({ type: 'offer.created', offerId: 'o-2', taskId: 'restored', agentId: 'bob' }, T0)).toBe(false);
    expect(e.apply({ type: 'offer.accepted', offerId: 'o-2' }, T0 + 1)).toBe(false);
    expect(e.apply({ type: 'offer.accepted', offerId: 'o-1' }, T0 + 1)).toBe(true);
  });
});
