import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoutingEngine, meetsSkills } from '../../../src/routing/engine/index.js';
import type { Decision, EngineEvent, EngineTask, SkillRequirement } from '../../../src/routing/engine/index.js';
import type { PresenceStatus } from '../../../src/contracts/index.js';

// The harness below plays the runtime and the database around the engine. It keeps its own
// model of what is true (pending leases, assigned work, who declined what and when) and checks
// every decision against that model, not against the engine's own bookkeeping.

const T0 = 1_700_000_000_000;
const COOLDOWN = 10_000;
const MAX_MISSED = 3;

// Repeated entries weight the random picks towards a working floor.
const CAPACITIES = [10, 34, 50, 68, 100, 100, 100] as const;
const COSTS = [10, 10, 20, 34, 34, 50, 100] as const;
const SKILLS = ['en', 'fa', 'billing'] as const;
const STATUSES: PresenceStatus[] = ['available', 'away', 'offline'];
const STATUS_PICKS: PresenceStatus[] = ['available', 'available', 'available', 'away', 'offline'];

type Offer = Extract<Decision, { type: 'offer' }>;
const isOffer = (d: Decision): d is Offer => d.type === 'offer';

// ---- operations -----------------------------------------------------------------

type Op =
  | { op: 'addAgent'; cap: number; skills: number[]; connected: boolean; status: number }
  | { op: 'removeAgent'; i: number }
  | { op: 'readdAgent'; i: number }
  | { op: 'setStatus'; i: number; status: number }
  | { op: 'setConnected'; i: number; connected: boolean }
  | { op: 'setCapacity'; i: number; cap: number }
  | { op: 'addTask'; priority: number; cost: number; skills: number[]; age: number }
  | { op: 'removeTask'; i: number }
  | { op: 'decide' }
  | { op: 'confirm'; i: number; created: boolean }
  | { op: 'respond'; i: number; answer: Answer }
  | { op: 'release'; i: number }
  /** The runtime's expiry sweep: every pending offer lapses. */
  | { op: 'expireAll' }
  | { op: 'tick'; ms: number };

const idx = fc.nat({ max: 50 });
/** Per skill: 0 = absent, otherwise a level (agents) or minimum level (tasks). */
const skillLevels = fc.array(fc.nat({ max: 3 }), { minLength: SKILLS.length, maxLength: SKILLS.length });
/** Tasks mostly need no skill or a low level, so that work actually flows. */
const taskSkillLevels = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }), {
  minLength: SKILLS.length,
  maxLength: SKILLS.length,
});
const mostly = (b: boolean) => fc.oneof({ weight: 3, arbitrary: fc.constant(b) }, { weight: 1, arbitrary: fc.constant(!b) });

const addAgentArb = fc.record({
  op: fc.constant('addAgent' as const),
  cap: fc.nat({ max: CAPACITIES.length - 1 }),
  skills: skillLevels,
  connected: mostly(true),
  status: fc.nat({ max: STATUS_PICKS.length - 1 }),
});

type Answer = 'offer.accepted' | 'offer.rejected' | 'offer.expired';

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: addAgentArb },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeAgent' as const), i: idx }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('readdAgent' as const), i: idx }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setStatus' as const), i: idx, status: fc.nat({ max: STATUS_PICKS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setConnected' as const), i: idx, connected: mostly(true) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setCapacity' as const), i: idx, cap: fc.nat({ max: CAPACITIES.length - 1 }) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('addTask' as const),
      priority: fc.nat({ max: 2 }),
      cost: fc.nat({ max: COSTS.length - 1 }),
      skills: taskSkillLevels,
      age: fc.nat({ max: 5_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeTask' as const), i: idx }) },
  { weight: 8, arbitrary: fc.constant({ op: 'decide' as const }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constant('confirm' as const), i: idx, created: fc.boolean() }) },
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant('respond' as const), i: idx, answer: fc.constantFrom<Answer>('offer.accepted', 'offer.rejected', 'offer.expired') }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), i: idx }) },
  { weight: 1, arbitrary: fc.constant({ op: 'expireAll' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.oneof(fc.nat({ max: 15_000 }), fc.constant(COOLDOWN)) }) },
);

/** A small staffed floor first, then anything can happen. */
const opsArb = fc
  .tuple(fc.array(addAgentArb, { minLength: 1, maxLength: 4 }), fc.array(opArb, { minLength: 10, maxLength: 100, size: 'max' }))
  .map(([staff, ops]): Op[] => [...staff, ...ops]);

// ---- model --------------------------------------------------------------------------

interface MAgent {
  id: string;
  inEngine: boolean;
  status: PresenceStatus;
  connected: boolean;
  capacity: number;
  skills: Record<string, number>;
  missed: number;
}

interface MTask {
  task: EngineTask;
  /** inflight = the engine asked for a lease the harness has not confirmed yet; pending = lease exists. */
  state: 'waiting' | 'inflight' | 'pending' | 'gone';
  agentId: string | null;
  offerId: string | null;
  declined: Map<string, number>;
}

interface Work {
  agentId: string;
  cost: number;
}

/**
 * agent.upserted always reports `used` as the database holds it (pending leases + assigned work);
 * leases the runtime is still creating are not in it. The harness either
 * - 'serialized': finishes creating an agent's in-flight leases before it sends that agent's presence update, or
 * - 'racing': lets presence updates arrive while leases are still being created.
 */
type Mode = 'serialized' | 'racing';

class Harness {
  readonly engine = new RoutingEngine({ redeclineCooldownMs: COOLDOWN, maxMissedOffers: MAX_MISSED });
  now = T0;
  agents: MAgent[] = [];
  tasks: MTask[] = [];
  work: Work[] = [];
  private seq = 0;

  constructor(private readonly mode: Mode) {}

  committed(agentId: string): number {
    let n = 0;
    for (const t of this.tasks) if (t.state === 'pending' && t.agentId === agentId) n += t.task.cost;
    for (const w of this.work) if (w.agentId === agentId) n += w.cost;
    return n;
  }

  inflight(agentId: string): number {
    let n = 0;
    for (const t of this.tasks) if (t.state === 'inflight' && t.agentId === agentId) n += t.task.cost;
    return n;
  }

  /** A throw fails the property (fast-check reports it with the shrunk sequence). */
  private apply(ev: EngineEvent): boolean {
    return this.engine.apply(ev, this.now);
  }

  private upsert(a: MAgent): void {
    if (this.mode === 'serialized') for (const t of this.tasks.filter((x) => x.state === 'inflight' && x.agentId === a.id)) this.create(t);
    const used = this.committed(a.id);
    const idleSince = this.engine.agent(a.id)?.idleSince ?? this.now;
    expect(
      this.apply({
        type: 'agent.upserted',
        agent: { id: a.id, status: a.status, connected: a.connected, capacity: a.capacity, used, skills: { ...a.skills }, idleSince, missedOffers: a.missed },
      }),
    ).toBe(true);
    a.inEngine = true;
  }

  private pick<T>(xs: T[], i: number): T | undefined {
    return xs.length === 0 ? undefined : xs[i % xs.length];
  }

  step(op: Op): void {
    switch (op.op) {
      case 'addAgent': {
        const skills: Record<string, number> = {};
        op.skills.forEach((lvl, k) => {
          if (lvl > 0) skills[SKILLS[k]!] = lvl;
        });
        const a: MAgent = {
          id: `a${this.agents.length}`,
          inEngine: false,
          status: STATUS_PICKS[op.status]!,
          connected: op.connected,
          capacity: CAPACITIES[op.cap]!,
          skills,
          missed: 0,
        };
        this.agents.push(a);
        this.upsert(a);
        return;
      }
      case 'removeAgent': {
        const a = this.pick(this.agents.filter((x) => x.inEngine), op.i);
        if (!a) return;
        expect(this.apply({ type: 'agent.removed', agentId: a.id })).toBe(true);
        a.inEngine = false;
        return;
      }
      case 'readdAgent': {
        const a = this.pick(this.agents.filter((x) => !x.inEngine), op.i);
        if (a) this.upsert(a);
        return;
      }
      case 'setStatus': {
        const a = this.pick(this.agents.filter((x) => x.inEngine), op.i);
        if (!a) return;
        const status = STATUS_PICKS[op.status]!;
        // The runtime clears the miss counter when an agent makes themselves available again.
        if (status === 'available' && a.status !== 'available') a.missed = 0;
        a.status = status;
        this.upsert(a);
        return;
      }
      case 'setConnected': {
        const a = this.pick(this.agents.filter((x) => x.inEngine), op.i);
        if (!a) return;
        a.connected = op.connected;
        this.upsert(a);
        return;
      }
      case 'setCapacity': {
        const a = this.pick(this.agents.filter((x) => x.inEngine), op.i);
        if (!a) return;
        a.capacity = CAPACITIES[op.cap]!;
        this.upsert(a);
        return;
      }
      case 'addTask': {
        const requiredSkills: SkillRequirement[] = [];
        op.skills.forEach((lvl, k) => {
          if (lvl > 0) requiredSkills.push({ skill: SKILLS[k]!, minLevel: lvl });
        });
        const task: EngineTask = {
          id: `t${this.tasks.length}`,
          queueId: 'q',
          channel: 'webchat',
          priority: op.priority,
          cost: COSTS[op.cost]!,
          requiredSkills,
          enqueuedAt: this.now - op.age,
        };
        this.tasks.push({ task, state: 'waiting', agentId: null, offerId: null, declined: new Map() });
        expect(this.apply({ type: 'task.added', task })).toBe(true);
        return;
      }
      case 'removeTask': {
        const t = this.pick(this.tasks.filter((x) => x.state !== 'gone'), op.i);
        if (!t) return;
        expect(this.apply({ type: 'task.removed', taskId: t.task.id })).toBe(true);
        t.state = 'gone';
        return;
      }
      case 'decide':
        this.decide();
        return;
      case 'confirm': {
        const t = this.pick(this.tasks.filter((x) => x.state === 'inflight'), op.i);
        if (!t) return;
        if (op.created) {
          this.create(t);
        } else {
          expect(this.apply({ type: 'offer.failed', taskId: t.task.id, agentId: t.agentId! })).toBe(true);
          t.state = 'waiting';
          t.agentId = null;
        }
        return;
      }
      case 'respond': {
        const t = this.pick(this.tasks.filter((x) => x.state === 'pending'), op.i);
        if (t) this.answer(t, op.answer);
        return;
      }
      case 'expireAll':
        for (const t of this.tasks.filter((x) => x.state === 'pending')) this.answer(t, 'offer.expired');
        return;
      case 'release': {
        const w = this.pick(this.work, op.i);
        if (!w) return;
        this.work.splice(this.work.indexOf(w), 1);
        const known = this.apply({ type: 'work.released', agentId: w.agentId, cost: w.cost });
        expect(known).toBe(this.agents.find((x) => x.id === w.agentId)!.inEngine);
        return;
      }
      case 'tick':
        this.now += op.ms;
        return;
    }
  }

  private create(t: MTask): void {
    const offerId = `o${++this.seq}`;
    expect(this.apply({ type: 'offer.created', offerId, taskId: t.task.id, agentId: t.agentId! })).toBe(true);
    t.state = 'pending';
    t.offerId = offerId;
  }

  private answer(t: MTask, answer: Answer): void {
    expect(this.apply({ type: answer, offerId: t.offerId! })).toBe(true);
    const a = this.agents.find((x) => x.id === t.agentId)!;
    if (answer === 'offer.accepted') {
      this.work.push({ agentId: a.id, cost: t.task.cost });
      a.missed = 0;
      t.state = 'gone';
    } else {
      // Silence counts towards "away"; a rejection is an answer and ends the run of misses.
      a.missed = answer === 'offer.expired' ? a.missed + 1 : 0;
      t.declined.set(a.id, this.now);
      t.state = 'waiting';
      t.agentId = null;
      t.offerId = null;
    }
  }

  /** Asks the engine for decisions and checks every one of them against the model. */
  decide(): Decision[] {
    // Idle times are the engine's (it moves them when work ends); the ranking check below uses them as input.
    const idleSince = new Map(this.agents.filter((a) => a.inEngine).map((a) => [a.id, this.engine.agent(a.id)!.idleSince]));
    const ds = this.engine.decide(this.now);

    // Agents who missed MAX_MISSED offers in a row are turned away, exactly once.
    const expectedAway = this.agents.filter((a) => a.inEngine && a.status === 'available' && a.missed >= MAX_MISSED).map((a) => a.id);
    const away = ds.filter((d) => d.type === 'agent.away').map((d) => d.agentId);
    expect(away.sort()).toEqual(expectedAway.sort());
    for (const id of away) this.agents.find((a) => a.id === id)!.status = 'away';

    // Replay the queue in the engine's promised order: priority, then enqueuedAt (then id).
    const offers = ds.filter(isOffer);
    const byTask = new Map(offers.map((o) => [o.taskId, o]));
    expect(byTask.size).toBe(offers.length); // never two offers for one task in one round
    const waiting = this.tasks
      .filter((t) => t.state === 'waiting')
      .sort((a, b) => b.task.priority - a.task.priority || a.task.enqueuedAt - b.task.enqueuedAt || (a.task.id < b.task.id ? -1 : 1));
    for (const o of offers) {
      // Only a waiting task can be offered: never a second live offer, never an accepted or removed task.
      const t = this.tasks.find((x) => x.task.id === o.taskId);
      expect(t?.state, `offer for ${o.taskId}`).toBe('waiting');
    }
    expect(offers.map((o) => o.taskId)).toEqual(waiting.filter((t) => byTask.has(t.task.id)).map((t) => t.task.id));

    const reservedNow = new Map<string, number>();
    for (const t of waiting) {
      const eligible = this.agents.filter((a) => {
        if (!a.inEngine || a.status !== 'available' || !a.connected) return false;
        const load = this.committed(a.id) + this.inflight(a.id) + (reservedNow.get(a.id) ?? 0);
        if (a.capacity - load < t.task.cost) return false;
        const declinedAt = t.declined.get(a.id);
        if (declinedAt !== undefined && this.now - declinedAt < COOLDOWN) return false;
        return meetsSkills(a, t.task.requiredSkills);
      });
      const o = byTask.get(t.task.id);
      if (!o) {
        // A task is only left waiting when nobody could take it at its turn.
        expect(eligible.map((a) => a.id), `${t.task.id} skipped`).toEqual([]);
        continue;
      }
      const chosen = this.agents.find((a) => a.id === o.agentId)!;
      const load = this.committed(chosen.id) + this.inflight(chosen.id) + (reservedNow.get(chosen.id) ?? 0);
      expect(load + o.cost, `${t.task.id} would put ${chosen.id} over capacity ${chosen.capacity}`).toBeLessThanOrEqual(chosen.capacity);
      const ranked = [...eligible].sort((a, b) => idleSince.get(a.id)! - idleSince.get(b.id)! || (a.id < b.id ? -1 : 1));
      expect(o.why.candidates).toBe(eligible.length);
      expect(o.agentId, `${t.task.id} went to the wrong agent`).toBe(ranked[0]?.id);
      expect(o.cost).toBe(t.task.cost);
      reservedNow.set(o.agentId, (reservedNow.get(o.agentId) ?? 0) + o.cost);
    }

    // The runtime now holds these as leases being created. Never over capacity: for every agent who
    // got work this round, pending leases + assigned work + leases being created fit the capacity.
    for (const o of offers) {
      const a = this.agents.find((x) => x.id === o.agentId)!;
      const t = this.tasks.find((x) => x.task.id === o.taskId)!;
      t.state = 'inflight';
      t.agentId = a.id;
    }
    for (const a of this.agents) {
      if (!offers.some((o) => o.agentId === a.id)) continue;
      expect(this.committed(a.id) + this.inflight(a.id), `${a.id} over capacity`).toBeLessThanOrEqual(a.capacity);
    }
    return ds;
  }

  /** The engine's own view of capacity and task phases agrees with the model. */
  checkConsistency(): void {
    const phase = { waiting: 'waiting', inflight: 'reserved', pending: 'offered', gone: undefined } as const;
    const mismatches: string[] = [];
    for (const a of this.agents) {
      const want = this.committed(a.id) + this.inflight(a.id);
      const got = this.engine.agent(a.id)?.used;
      if (a.inEngine && got !== want) mismatches.push(`${a.id}.used is ${got}, holds ${want}`);
    }
    for (const t of this.tasks) {
      const got = this.engine.taskPhase(t.task.id);
      if (got !== phase[t.state]) mismatches.push(`${t.task.id} is ${got}, should be ${phase[t.state]}`);
    }
    if (mismatches.length > 0) expect(mismatches).toEqual([]);
  }
}

// ---- properties ------------------------------------------------------------------------

describe('routing engine properties (harness plays runtime and database)', () => {
  it('never over capacity, never two live offers per task, strict queue order, nobody skipped, consistent bookkeeping', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const h = new Harness('serialized');
        for (const op of ops) {
          h.step(op);
          h.checkConsistency();
        }
        h.decide();
        h.checkConsistency();
      }),
      { numRuns: 300 },
    );
  });

  it('turns an agent away exactly when they have missed the allowed number of offers in a row, and offers them nothing after', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        // Per round: answers for the offers made (cycled), time to the next round, and whether a turned-away agent comes back.
        fc.array(
          fc.record({
            answers: fc.array(fc.constantFrom<Answer>('offer.expired', 'offer.expired', 'offer.rejected', 'offer.accepted'), { minLength: 1, maxLength: 4 }),
            dt: fc.nat({ max: 2 * COOLDOWN }),
            comeBack: fc.nat({ max: 3 }),
            newTasks: fc.nat({ max: 2 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (agentCount, rounds) => {
          const e = new RoutingEngine({ redeclineCooldownMs: COOLDOWN, maxMissedOffers: MAX_MISSED });
          let now = T0;
          const ids = Array.from({ length: agentCount }, (_, i) => `a${i}`);
          const missed = new Map(ids.map((id) => [id, 0]));
          const away = new Set<string>();
          const up = (id: string) =>
            e.apply({ type: 'agent.upserted', agent: { id, status: 'available', connected: true, capacity: 1_000, used: 0, skills: {}, idleSince: T0, missedOffers: 0 } }, now);
          ids.forEach(up);
          let k = 0;
          let n = 0;
          const addTask = () =>
            e.apply({ type: 'task.added', task: { id: `t${k}`, queueId: 'q', channel: 'sms', priority: 0, cost: 10, requiredSkills: [], enqueuedAt: T0 + k++ } }, now);
          addTask();
          for (const r of rounds) {
            for (let j = 0; j < r.newTasks; j++) addTask();
            const ds = e.decide(now);
            const expectedAway = ids.filter((id) => !away.has(id) && missed.get(id)! >= MAX_MISSED);
            expect(ds.filter((d) => d.type === 'agent.away').map((d) => d.agentId)).toEqual(expectedAway);
            for (const id of expectedAway) away.add(id);
            ds.filter(isOffer).forEach((d, i) => {
              expect(away.has(d.agentId), `offer to ${d.agentId}, who is away`).toBe(false);
              const offerId = `o${++n}`;
              e.apply({ type: 'offer.created', offerId, taskId: d.taskId, agentId: d.agentId }, now);
              const answer = r.answers[i % r.answers.length]!;
              e.apply({ type: answer, offerId }, now + 1);
              if (answer === 'offer.accepted') {
                missed.set(d.agentId, 0);
                e.apply({ type: 'work.released', agentId: d.agentId, cost: d.cost }, now + 2);
              }
              if (answer === 'offer.expired') missed.set(d.agentId, missed.get(d.agentId)! + 1);
              if (answer === 'offer.rejected') missed.set(d.agentId, 0);
            });
            now += r.dt + 3;
            const back = ids[r.comeBack];
            if (back && away.has(back)) {
              // The agent makes themselves available again; the runtime clears their miss count.
              away.delete(back);
              missed.set(back, 0);
              up(back);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('agent refreshes that arrive while leases are being created keep the capacity right: no lease the database would refuse', () => {
    // The runtime can only report what agent_state holds; leases it is still creating are not there yet.
    fc.assert(
      fc.property(opsArb, (ops) => {
        const h = new Harness('racing');
        for (const op of ops) {
          h.step(op);
          h.checkConsistency();
        }
        h.decide();
      }),
      { numRuns: 300 },
    );
  });

  it('FIFO: one skill-free queue, equal priority and cost, every offer accepted: offers follow enqueuedAt order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.constantFrom(...CAPACITIES), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 20 })), { maxLength: 60 }),
        (ages, caps, script) => {
          const e = new RoutingEngine({ redeclineCooldownMs: COOLDOWN });
          let now = T0 + 200_000;
          caps.forEach((capacity, i) =>
            e.apply({ type: 'agent.upserted', agent: { id: `a${i}`, status: 'available', connected: true, capacity, used: 0, skills: {}, idleSince: T0, missedOffers: 0 } }, now),
          );
          // Tasks arrive in random order with random enqueuedAt (e.g. replayed after a restart).
          const tasks = ages.map((age, i): EngineTask => ({ id: `t${i}`, queueId: 'q', channel: 'email', priority: 0, cost: 10, requiredSkills: [], enqueuedAt: T0 + age }));
          for (const t of tasks) e.apply({ type: 'task.added', task: t }, now);
          const expected = [...tasks].sort((a, b) => a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1)).map((t) => t.id);

          const offered: string[] = [];
          const held: { agentId: string; cost: number }[] = [];
          let n = 0;
          const round = () => {
            for (const d of e.decide(now).filter(isOffer)) {
              offered.push(d.taskId);
              const offerId = `o${++n}`;
              e.apply({ type: 'offer.created', offerId, taskId: d.taskId, agentId: d.agentId }, now);
              e.apply({ type: 'offer.accepted', offerId }, now);
              held.push({ agentId: d.agentId, cost: d.cost });
            }
          };
          for (const [release, k] of script) {
            now += 1_000;
            if (release && held.length > 0) {
              const [w] = held.splice(k % held.length, 1);
              e.apply({ type: 'work.released', agentId: w!.agentId, cost: w!.cost }, now);
            }
            round();
          }
          expect(offered).toEqual(expected.slice(0, offered.length));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('no starvation: once arrivals stop, every feasible task is offered within a bounded number of rounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ skills: skillLevels }), { minLength: 1, maxLength: 4 }),
        // Per arriving task: round of arrival, priority, cost, which agent's skills it asks for, and how long the work lasts.
        fc.array(
          fc.record({ round: fc.nat({ max: 10 }), priority: fc.nat({ max: 2 }), cost: fc.constantFrom(...COSTS), skillOf: fc.nat(), hold: fc.nat({ max: 2 }) }),
          { minLength: 1, maxLength: 30 },
        ),
        (agentSpecs, arrivals) => {
          const e = new RoutingEngine({ redeclineCooldownMs: COOLDOWN });
          const agents = agentSpecs.map((s, i) => {
            const skills: Record<string, number> = {};
            s.skills.forEach((lvl, k) => {
              if (lvl > 0) skills[SKILLS[k]!] = lvl;
            });
            return { id: `a${i}`, skills };
          });
          for (const a of agents)
            e.apply({ type: 'agent.upserted', agent: { id: a.id, status: 'available', connected: true, capacity: 100, used: 0, skills: a.skills, idleSince: T0, missedOffers: 0 } }, T0);

          // Every task asks for skills some agent has and fits an empty agent, so each one is feasible.
          const tasks = arrivals.map((x, i) => {
            const owner = agents[x.skillOf % agents.length]!;
            const requiredSkills = Object.entries(owner.skills).map(([skill, minLevel]) => ({ skill, minLevel }));
            return { ...x, task: { id: `t${i}`, queueId: 'q', channel: 'webchat', priority: x.priority, cost: x.cost, requiredSkills, enqueuedAt: 0 } as EngineTask };
          });
          const lastArrival = Math.max(...arrivals.map((x) => x.round));
          const maxHold = 2;
          const bound = lastArrival + tasks.length * (maxHold + 1) + 1;

          const offeredAt = new Map<string, number>();
          const holding: { agentId: string; cost: number; until: number }[] = [];
          let n = 0;
          for (let r = 0; r <= bound; r++) {
            const now = T0 + (r + 1) * 1_000;
            for (const w of holding.filter((h) => h.until === r)) e.apply({ type: 'work.released', agentId: w.agentId, cost: w.cost }, now);
            for (const t of tasks.filter((x) => x.round === r)) e.apply({ type: 'task.added', task: { ...t.task, enqueuedAt: now } }, now);
            for (const d of e.decide(now)) {
              expect(d.type).toBe('offer'); // nobody misses an offer here, so nobody is turned away
              if (!isOffer(d)) continue;
              expect(offeredAt.has(d.taskId)).toBe(false);
              offeredAt.set(d.taskId, r);
              const offerId = `o${++n}`;
              expect(e.apply({ type: 'offer.created', offerId, taskId: d.taskId, agentId: d.agentId }, now)).toBe(true);
              expect(e.apply({ type: 'offer.accepted', offerId }, now)).toBe(true);
              const hold = tasks.find((t) => t.task.id === d.taskId)!.hold;
              holding.push({ agentId: d.agentId, cost: d.cost, until: r + 1 + hold });
            }
          }
          const notServed = tasks.filter((t) => !offeredAt.has(t.task.id)).map((t) => t.task.id);
          expect(notServed).toEqual([]);
          expect(e.waitingCount()).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('no starvation under continuous arrivals for equal priority and cost: the wait is bounded by the queue ahead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(10, 34, 50),
        // Per round: how many tasks arrive; per task, how many extra rounds the work lasts.
        fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 10 }),
        (agentCount, cost, arrivalsPerRound, holds) => {
          const e = new RoutingEngine();
          for (let i = 0; i < agentCount; i++)
            e.apply({ type: 'agent.upserted', agent: { id: `a${i}`, status: 'available', connected: true, capacity: 100, used: 0, skills: {}, idleSince: T0, missedOffers: 0 } }, T0);
          const maxHold = 2;
          const arrivedAt = new Map<string, { round: number; ahead: number }>();
          const holding: { agentId: string; until: number }[] = [];
          const waiting = new Set<string>();
          let n = 0;
          let k = 0;
          const total = arrivalsPerRound.reduce((x, y) => x + y, 0);
          const rounds = arrivalsPerRound.length + (total + 1) * (maxHold + 1);
          for (let r = 0; r < rounds; r++) {
            const now = T0 + (r + 1) * 1_000;
            for (const w of holding.filter((h) => h.until === r)) e.apply({ type: 'work.released', agentId: w.agentId, cost }, now);
            for (let j = 0; j < (arrivalsPerRound[r] ?? 0); j++) {
              const id = `t${String(k++).padStart(4, '0')}`; // ids sort like arrival order
              arrivedAt.set(id, { round: r, ahead: waiting.size });
              waiting.add(id);
              e.apply({ type: 'task.added', task: { id, queueId: 'q', channel: 'webchat', priority: 0, cost, requiredSkills: [], enqueuedAt: now } }, now);
            }
            for (const d of e.decide(now).filter(isOffer)) {
              const a = arrivedAt.get(d.taskId)!;
              // Each `maxHold + 1` rounds at least one slot frees and goes to the head of the queue.
              expect(r - a.round, `${d.taskId} waited too long`).toBeLessThanOrEqual((a.ahead + 1) * (maxHold + 1));
              waiting.delete(d.taskId);
              const offerId = `o${++n}`;
              e.apply({ type: 'offer.created', offerId, taskId: d.taskId, agentId: d.agentId }, now);
              e.apply({ type: 'offer.accepted', offerId }, now);
              holding.push({ agentId: d.agentId, until: r + 1 + holds[n % holds.length]! });
            }
          }
          expect([...waiting]).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never throws, and answers with a boolean, on any event sequence including garbage ids and replays', () => {
    const id = fc.constantFrom('a0', 'a1', 't0', 't1', 'o1', 'o2', '', 'nope', '__proto__', 'constructor');
    const num = fc.oneof(fc.integer({ min: -100, max: 200 }), fc.constantFrom(0, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER));
    const agentArb = fc.record({
      id,
      status: fc.constantFrom(...STATUSES),
      connected: fc.boolean(),
      capacity: num,
      used: num,
      skills: fc.dictionary(fc.constantFrom(...SKILLS), num),
      idleSince: num,
      missedOffers: num,
    });
    const taskArb = fc.record({
      id,
      queueId: fc.constant('q'),
      channel: fc.constantFrom('webchat' as const, 'sms' as const, 'email' as const, 'voice' as const),
      priority: num,
      cost: num,
      requiredSkills: fc.array(fc.record({ skill: fc.constantFrom(...SKILLS, 'x'), minLevel: num }), { maxLength: 2 }),
      enqueuedAt: num,
    });
    const eventArb: fc.Arbitrary<EngineEvent> = fc.oneof(
      fc.record({ type: fc.constant('task.added' as const), task: taskArb }),
      fc.record({ type: fc.constant('task.removed' as const), taskId: id }),
      fc.record({ type: fc.constant('agent.upserted' as const), agent: agentArb }),
      fc.record({ type: fc.constant('agent.removed' as const), agentId: id }),
      fc.record({ type: fc.constant('offer.failed' as const), taskId: id, agentId: id }),
      fc.record({ type: fc.constant('offer.created' as const), offerId: id, taskId: id, agentId: id }),
      fc.record({ type: fc.constant('offer.accepted' as const), offerId: id }),
      fc.record({ type: fc.constant('offer.rejected' as const), offerId: id }),
      fc.record({ type: fc.constant('offer.expired' as const), offerId: id }),
      fc.record({ type: fc.constant('work.released' as const), agentId: id, cost: num }),
    );
    type Step = { kind: 'event'; ev: EngineEvent } | { kind: 'decide' } | { kind: 'replay'; i: number };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      { weight: 6, arbitrary: eventArb.map((ev) => ({ kind: 'event' as const, ev })) },
      { weight: 2, arbitrary: fc.constant({ kind: 'decide' as const }) },
      { weight: 1, arbitrary: fc.nat().map((i) => ({ kind: 'replay' as const, i })) },
    );
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), fc.array(fc.integer({ min: -1_000, max: 60_000 }), { maxLength: 60 }), (steps, dts) => {
        const e = new RoutingEngine({ redeclineCooldownMs: COOLDOWN });
        const seen: EngineEvent[] = [];
        let now = T0;
        steps.forEach((s, i) => {
          now += dts[i] ?? 0; // time may even step backwards here
          if (s.kind === 'decide') {
            let ds: Decision[] = [];
            expect(() => (ds = e.decide(now))).not.toThrow();
            expect(Array.isArray(ds)).toBe(true);
            return;
          }
          const ev = s.kind === 'event' ? s.ev : seen[s.i % Math.max(1, seen.length)];
          if (!ev) return;
          seen.push(ev);
          let r: unknown;
          expect(() => (r = e.apply(ev, now))).not.toThrow();
          expect(typeof r).toBe('boolean');
        });
        expect(() => e.decide(now)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
