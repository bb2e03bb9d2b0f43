import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meetsExpr, meetsSkills, RoutingEngine, stepRequirement, STRATEGIES } from '../../../src/routing/engine/index.js';
import type { AgentStatus, Decision, EngineEvent, EngineOptions, EngineTask, QueueConfig, SkillExpr } from '../../../src/routing/engine/index.js';
import { isOffer, queue, T0 } from './fixtures.js';

// The harness plays the runtime and the database around two engines fed the same events: the
// incremental one and a full-scan reference (`fullScan: true`, which re-examines every waiting task
// on every decide). Their decisions must be identical — so the dirty tracking never misses work —
// and every decision is checked against the harness's own model of the floor.

const COOLDOWN = 10_000;
const MAX_MISSED = 3;
const SKILLS = ['billing', 'sales', 'lang.fa', 'lang.en'] as const;
const CAPACITIES = [34, 68, 100, 100] as const;
const COSTS = [10, 20, 34, 34, 100] as const;
const STATUS_PICKS: AgentStatus[] = ['available', 'available', 'available', 'away', 'offline', 'break'];

// ---- configuration arbitraries ---------------------------------------------------------------------

const leafArb = fc.record({ skill: fc.constantFrom(...SKILLS), minLevel: fc.integer({ min: 1, max: 3 }) });
const exprArb: fc.Arbitrary<SkillExpr> = fc.oneof(
  { weight: 3, arbitrary: leafArb },
  { weight: 1, arbitrary: fc.record({ all: fc.array(leafArb, { minLength: 1, maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ any: fc.array(leafArb, { minLength: 1, maxLength: 2 }) }) },
);

const stepArb = fc.record({
  gap: fc.integer({ min: 1, max: 30 }),
  kind: fc.constantFrom('lower', 'also', 'overflow', 'lower+also'),
  also: leafArb,
  to: fc.nat(2),
});

const queueArb = (id: string) =>
  fc
    .record({
      requirement: fc.option(exprArb, { nil: null, freq: 3 }),
      priority: fc.integer({ min: 0, max: 3 }),
      strategy: fc.constantFrom(...STRATEGIES),
      steps: fc.array(stepArb, { maxLength: 3 }),
      predictive: fc.boolean(),
      aging: fc.constantFrom(0, 1, 2),
      sticky: fc.constantFrom(0, 0, 10, 30),
      wrapUp: fc.constantFrom(0, 0, 5),
      threshold: fc.constantFrom(5, 20, 60),
    })
    .map((s): QueueConfig => {
      let after = 0;
      return queue(id, {
        requirement: s.requirement,
        priority: s.priority,
        strategy: s.strategy,
        // Any overflow target, cycles included: the engine must cope with unvalidated configurations.
        escalation: s.steps.map((st) => {
          after += st.gap;
          if (st.kind === 'overflow') return { afterSeconds: after, overflowToQueueId: `q${st.to}` };
          if (st.kind === 'also') return { afterSeconds: after, alsoAccept: st.also };
          if (st.kind === 'lower') return { afterSeconds: after, lowerMinLevelBy: 1 };
          return { afterSeconds: after, lowerMinLevelBy: 1, alsoAccept: st.also };
        }),
        predictiveEscalation: s.predictive,
        agingPerMinute: s.aging,
        stickyWaitSeconds: s.sticky,
        wrapUpSeconds: s.wrapUp,
        serviceLevel: { targetFraction: 0.8, thresholdSeconds: s.threshold },
      });
    });

const queuesArb = fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => queueArb(`q${i}`))));

// ---- operations -----------------------------------------------------------------------------------------

type Answer = 'offer.accepted' | 'offer.rejected' | 'offer.expired';

type Op =
  | { op: 'addAgent'; cap: number; skills: number[]; connected: boolean; status: number }
  | { op: 'removeAgent'; i: number }
  | { op: 'readdAgent'; i: number }
  | { op: 'setStatus'; i: number; status: number }
  | { op: 'setConnected'; i: number; connected: boolean }
  | { op: 'setCapacity'; i: number; cap: number }
  | { op: 'setSkills'; i: number; skills: number[] }
  | { op: 'addTask'; queue: number; priority: number; cost: number; skills: number[]; age: number; sticky: number | null }
  | { op: 'removeTask'; i: number }
  | { op: 'decide' }
  | { op: 'confirm'; i: number; created: boolean }
  | { op: 'respond'; i: number; answer: Answer }
  | { op: 'release'; i: number; wrap: number }
  | { op: 'expireAll' }
  | { op: 'tick'; ms: number }
  | { op: 'reconfigure'; i: number; config: QueueConfig };

const idx = fc.nat({ max: 50 });
const levels = fc.array(fc.nat({ max: 4 }), { minLength: SKILLS.length, maxLength: SKILLS.length });
const mostly = (b: boolean) => fc.oneof({ weight: 4, arbitrary: fc.constant(b) }, { weight: 1, arbitrary: fc.constant(!b) });
const addAgentArb = fc.record({
  op: fc.constant('addAgent' as const),
  cap: fc.nat({ max: CAPACITIES.length - 1 }),
  skills: levels,
  connected: mostly(true),
  status: fc.nat({ max: STATUS_PICKS.length - 1 }),
});

const opArb = (queueCount: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 1, arbitrary: addAgentArb },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('removeAgent' as const), i: idx }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('readdAgent' as const), i: idx }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('setStatus' as const), i: idx, status: fc.nat({ max: STATUS_PICKS.length - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('setConnected' as const), i: idx, connected: mostly(true) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('setCapacity' as const), i: idx, cap: fc.nat({ max: CAPACITIES.length - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('setSkills' as const), i: idx, skills: levels }) },
    {
      weight: 8,
      arbitrary: fc.record({
        op: fc.constant('addTask' as const),
        // queueCount = a task of a queue the engine does not know (legacy rules)
        queue: fc.nat({ max: queueCount }),
        priority: fc.nat({ max: 2 }),
        cost: fc.nat({ max: COSTS.length - 1 }),
        skills: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }), {
          minLength: SKILLS.length,
          maxLength: SKILLS.length,
        }),
        age: fc.nat({ max: 40_000 }),
        sticky: fc.option(idx, { nil: null }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('removeTask' as const), i: idx }) },
    { weight: 8, arbitrary: fc.constant({ op: 'decide' as const }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant('confirm' as const), i: idx, created: mostly(true) }) },
    {
      weight: 8,
      arbitrary: fc.record({ op: fc.constant('respond' as const), i: idx, answer: fc.constantFrom<Answer>('offer.accepted', 'offer.accepted', 'offer.rejected', 'offer.expired') }),
    },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('release' as const), i: idx, wrap: fc.constantFrom(0, 0, 3_000, -1) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'expireAll' as const }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.oneof(fc.nat({ max: 15_000 }), fc.constantFrom(COOLDOWN, 5_000, 30_000)) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('reconfigure' as const), i: fc.nat({ max: queueCount - 1 }), config: queueArb('x') }) },
  );

// A blended floor for the reserve rule: a high-priority queue that sees big work, and 'reserve'
// queues of lower priority (with or without skills and escalation) whose small work must not use up
// the agents ready for it.
const blendedArb = fc
  .tuple(queueArb('q0'), queueArb('q1'), queueArb('q2'), fc.constantFrom(20, 60), fc.boolean())
  .map(([hi, lo, low2, threshold, open]): QueueConfig[] => {
    const requirement = open ? null : hi.requirement;
    return [
      { ...hi, requirement, priority: 3, strategy: hi.strategy === 'reserve' ? 'most-proficient' : hi.strategy },
      { ...lo, requirement: open ? null : lo.requirement, priority: 1, strategy: 'reserve', serviceLevel: { targetFraction: 0.8, thresholdSeconds: threshold } },
      { ...low2, priority: 0, strategy: 'reserve' },
    ];
  });

const freshTask = (queue: fc.Arbitrary<number>, cost: fc.Arbitrary<number>) =>
  fc.record({
    op: fc.constant('addTask' as const),
    queue,
    priority: fc.constant(0),
    cost,
    skills: fc.constant(SKILLS.map(() => 0)),
    age: fc.nat({ max: 3_000 }),
    sticky: fc.constant(null),
  });

// Fresh big work for the high-priority queue and fresh small work for the others, between the usual operations.
const blendedOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: opArb(3) },
  { weight: 1, arbitrary: freshTask(fc.constant(0), fc.constant(COSTS.length - 1)) },
  { weight: 1, arbitrary: freshTask(fc.constantFrom(1, 2), fc.nat({ max: COSTS.length - 2 })) },
);

const blendedScenarioArb = blendedArb.chain((queues) =>
  fc.record({
    queues: fc.constant(queues),
    // Whole agents (capacity 100), the ones a call needs.
    staff: fc.array(addAgentArb.map((a) => ({ ...a, cap: 2 + (a.cap % 2) })), { minLength: 2, maxLength: 6 }),
    ops: fc.array(blendedOpArb, { minLength: 10, maxLength: 120, size: 'max' }),
  }),
);

const scenarioArb = queuesArb.chain((queues) =>
  fc.record({
    queues: fc.constant(queues),
    staff: fc.array(addAgentArb, { minLength: 1, maxLength: 4 }),
    ops: fc.array(opArb(queues.length), { minLength: 10, maxLength: 120, size: 'max' }),
  }),
);

// ---- model ---------------------------------------------------------------------------------------------

interface MAgent {
  id: string;
  inEngine: boolean;
  status: AgentStatus;
  connected: boolean;
  capacity: number;
  skills: Record<string, number>;
  missed: number;
  wrapUpUntil: number | undefined;
}

interface MTask {
  task: EngineTask;
  state: 'waiting' | 'inflight' | 'pending' | 'gone';
  agentId: string | null;
  offerId: string | null;
  declined: Map<string, number>;
  queueId: string;
  step: number;
}

const skillMap = (lv: number[]) => {
  const out: Record<string, number> = {};
  lv.forEach((l, k) => {
    if (l > 0) out[SKILLS[k]!] = l;
  });
  return out;
};

class Harness {
  readonly inc: RoutingEngine;
  readonly ref: RoutingEngine;
  now = T0 + 100_000;
  agents: MAgent[] = [];
  tasks: MTask[] = [];
  work: { agentId: string; cost: number; queueId: string }[] = [];
  readonly queues = new Map<string, QueueConfig>();
  private seq = 0;
  offers = 0;
  escalations = 0;
  holds = 0;
  reserveHolds = 0;

  constructor(configs: QueueConfig[], options: EngineOptions = {}) {
    const base: EngineOptions = { redeclineCooldownMs: COOLDOWN, maxMissedOffers: MAX_MISSED, defaultHandleMs: 20_000, ...options };
    this.inc = new RoutingEngine(base);
    this.ref = new RoutingEngine({ ...base, fullScan: true });
    for (const q of configs) this.configure(q);
  }

  private apply(ev: EngineEvent): boolean {
    const a = this.inc.apply(ev, this.now);
    const b = this.ref.apply(ev, this.now);
    expect(a, `${ev.type}: incremental and reference answer alike`).toBe(b);
    return a;
  }

  private configure(q: QueueConfig): void {
    this.queues.set(q.id, q);
    expect(this.apply({ type: 'queue.upserted', queue: q })).toBe(true);
    for (const t of this.tasks) if (t.queueId === q.id) t.step = Math.min(t.step, q.escalation.length);
  }

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

  private upsert(a: MAgent): void {
    const idleSince = this.inc.agent(a.id)?.idleSince ?? this.now;
    expect(this.ref.agent(a.id)?.idleSince ?? this.now).toBe(idleSince);
    this.apply({
      type: 'agent.upserted',
      agent: {
        id: a.id,
        status: a.status,
        connected: a.connected,
        capacity: a.capacity,
        used: this.committed(a.id), // racing: leases still being created are not in it
        skills: { ...a.skills },
        idleSince,
        missedOffers: a.missed,
        ...(a.wrapUpUntil !== undefined ? { wrapUpUntil: a.wrapUpUntil } : {}),
      },
    });
    a.inEngine = true;
  }

  private pick<T>(xs: T[], i: number): T | undefined {
    return xs.length === 0 ? undefined : xs[i % xs.length];
  }

  private live(i: number): MAgent | undefined {
    return this.pick(
      this.agents.filter((x) => x.inEngine),
      i,
    );
  }

  step(op: Op): void {
    switch (op.op) {
      case 'addAgent': {
        const a: MAgent = {
          id: `a${this.agents.length}`,
          inEngine: false,
          status: STATUS_PICKS[op.status]!,
          connected: op.connected,
          capacity: CAPACITIES[op.cap]!,
          skills: skillMap(op.skills),
          missed: 0,
          wrapUpUntil: undefined,
        };
        this.agents.push(a);
        this.upsert(a);
        return;
      }
      case 'removeAgent': {
        const a = this.live(op.i);
        if (!a) return;
        expect(this.apply({ type: 'agent.removed', agentId: a.id })).toBe(true);
        a.inEngine = false;
        return;
      }
      case 'readdAgent': {
        const a = this.pick(
          this.agents.filter((x) => !x.inEngine),
          op.i,
        );
        if (a) this.upsert(a);
        return;
      }
      case 'setStatus': {
        const a = this.live(op.i);
        if (!a) return;
        const status = STATUS_PICKS[op.status]!;
        if (status === 'available' && a.status !== 'available') a.missed = 0;
        a.status = status;
        this.upsert(a);
        return;
      }
      case 'setConnected': {
        const a = this.live(op.i);
        if (!a) return;
        a.connected = op.connected;
        this.upsert(a);
        return;
      }
      case 'setCapacity': {
        const a = this.live(op.i);
        if (!a) return;
        a.capacity = CAPACITIES[op.cap]!;
        this.upsert(a);
        return;
      }
      case 'setSkills': {
        const a = this.live(op.i);
        if (!a) return;
        a.skills = skillMap(op.skills);
        this.upsert(a);
        return;
      }
      case 'addTask': {
        const queueId = op.queue < this.queues.size ? `q${op.queue}` : 'legacy';
        const sticky = op.sticky === null ? null : (this.pick(this.agents, op.sticky)?.id ?? null);
        const task: EngineTask = {
          id: `t${this.tasks.length}`,
          queueId,
          channel: 'webchat',
          priority: op.priority,
          cost: COSTS[op.cost]!,
          requiredSkills: op.skills.flatMap((lvl, k) => (lvl > 0 ? [{ skill: SKILLS[k]!, minLevel: lvl }] : [])),
          enqueuedAt: this.now - op.age,
          customerId: `c${this.tasks.length % 5}`,
          stickyAgentId: sticky,
        };
        this.tasks.push({ task, state: 'waiting', agentId: null, offerId: null, declined: new Map(), queueId, step: 0 });
        expect(this.apply({ type: 'task.added', task })).toBe(true);
        return;
      }
      case 'removeTask': {
        const t = this.pick(
          this.tasks.filter((x) => x.state !== 'gone'),
          op.i,
        );
        if (!t) return;
        expect(this.apply({ type: 'task.removed', taskId: t.task.id })).toBe(true);
        t.state = 'gone';
        return;
      }
      case 'decide':
        this.decide();
        return;
      case 'confirm': {
        const t = this.pick(
          this.tasks.filter((x) => x.state === 'inflight'),
          op.i,
        );
        if (!t) return;
        if (op.created) {
          const offerId = `o${++this.seq}`;
          expect(this.apply({ type: 'offer.created', offerId, taskId: t.task.id, agentId: t.agentId! })).toBe(true);
          t.state = 'pending';
          t.offerId = offerId;
        } else {
          expect(this.apply({ type: 'offer.failed', taskId: t.task.id, agentId: t.agentId! })).toBe(true);
          t.state = 'waiting';
          t.agentId = null;
        }
        return;
      }
      case 'respond': {
        const t = this.pick(
          this.tasks.filter((x) => x.state === 'pending'),
          op.i,
        );
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
        const a = this.agents.find((x) => x.id === w.agentId)!;
        // wrap: 0 = none, -1 = the queue's own wrap-up (by queueId), else explicit ms.
        const q = this.queues.get(w.queueId);
        const wrapMs = op.wrap === -1 ? (q ? q.wrapUpSeconds * 1000 : 0) : op.wrap;
        const ev: EngineEvent =
          op.wrap === -1 ? { type: 'work.released', agentId: w.agentId, cost: w.cost, queueId: w.queueId } : { type: 'work.released', agentId: w.agentId, cost: w.cost, wrapUpMs: op.wrap };
        expect(this.apply(ev)).toBe(a.inEngine);
        if (a.inEngine && wrapMs > 0) a.wrapUpUntil = Math.max(a.wrapUpUntil ?? 0, this.now + wrapMs);
        return;
      }
      case 'tick':
        this.now += op.ms;
        return;
      case 'reconfigure': {
        const id = `q${op.i % this.queues.size}`;
        this.configure({ ...op.config, id });
        return;
      }
    }
  }

  private answer(t: MTask, answer: Answer): void {
    expect(this.apply({ type: answer, offerId: t.offerId! })).toBe(true);
    const a = this.agents.find((x) => x.id === t.agentId)!;
    if (answer === 'offer.accepted') {
      this.work.push({ agentId: a.id, cost: t.task.cost, queueId: t.queueId });
      a.missed = 0;
      t.state = 'gone';
    } else {
      a.missed = answer === 'offer.expired' ? a.missed + 1 : 0;
      t.declined.set(a.id, this.now);
      t.state = 'waiting';
      t.agentId = null;
      t.offerId = null;
    }
  }

  private requirementMet(a: MAgent, t: MTask): boolean {
    const q = this.queues.get(t.queueId);
    if (!q) return meetsSkills(a, t.task.requiredSkills);
    return meetsExpr(a.skills, stepRequirement(q.requirement, q.escalation, t.step));
  }

  private online(a: MAgent): boolean {
    return a.inEngine && a.status === 'available' && a.connected;
  }

  /** Could take the task now, by the model: online, out of wrap-up, room, skills, no cooldown. */
  private eligible(a: MAgent, t: MTask, extraLoad = 0): boolean {
    if (!this.online(a)) return false;
    if (a.wrapUpUntil !== undefined && a.wrapUpUntil > this.now) return false;
    if (a.capacity - this.committed(a.id) - this.inflight(a.id) - extraLoad < t.task.cost) return false;
    const at = t.declined.get(a.id);
    if (at !== undefined && this.now - at < COOLDOWN) return false;
    return this.requirementMet(a, t);
  }

  decide(): void {
    const ds = this.inc.decide(this.now);
    const rs = this.ref.decide(this.now);
    expect(ds, 'incremental decisions equal the full scan').toEqual(rs);

    const away = ds.filter((d) => d.type === 'agent.away').map((d) => d.agentId);
    const expectedAway = this.agents.filter((a) => a.inEngine && a.status === 'available' && a.missed >= MAX_MISSED).map((a) => a.id);
    expect(away.sort()).toEqual(expectedAway.sort());
    for (const id of away) this.agents.find((a) => a.id === id)!.status = 'away';

    const reservedNow = new Map<string, number>();
    const offeredNow = new Set<string>();
    for (const d of ds) this.check(d, reservedNow, offeredNow);
    for (const d of ds.filter(isOffer)) {
      const t = this.tasks.find((x) => x.task.id === d.taskId)!;
      t.state = 'inflight';
      t.agentId = d.agentId;
    }
    this.checkStable();
  }

  private check(d: Decision, reservedNow: Map<string, number>, offeredNow: Set<string>): void {
    if (d.type === 'agent.away') return;
    const t = this.tasks.find((x) => x.task.id === d.taskId)!;
    if (d.type === 'task.escalated') {
      // Steps of a queue fire in order, each once, never before their time.
      this.escalations += 1;
      expect(t.state, `${t.task.id} escalated while ${t.state}`).toBe('waiting');
      expect(d.queueId).toBe(t.queueId);
      expect(d.step, `${t.task.id} step order`).toBe(t.step + 1);
      const q = this.queues.get(t.queueId)!;
      const step = q.escalation[t.step]!;
      if (d.reason === 'timer') expect(this.now - t.task.enqueuedAt).toBeGreaterThanOrEqual(step.afterSeconds * 1000);
      else expect(q.predictiveEscalation).toBe(true);
      t.step += 1;
      return;
    }
    if (d.type === 'task.overflowed') {
      expect(d.fromQueueId).toBe(t.queueId);
      expect(this.queues.get(t.queueId)!.escalation[t.step - 1]?.overflowToQueueId).toBe(d.toQueueId);
      t.queueId = d.toQueueId;
      t.step = 0;
      return;
    }
    // An offer: a waiting task, once per round, to an agent who can take it, within capacity.
    this.offers += 1;
    expect(t.state, `offer for ${t.task.id}`).toBe('waiting');
    expect(offeredNow.has(t.task.id)).toBe(false);
    offeredNow.add(t.task.id);
    const a = this.agents.find((x) => x.id === d.agentId)!;
    expect(this.eligible(a, t, reservedNow.get(a.id) ?? 0), `${t.task.id} → ${a.id} is not eligible`).toBe(true);
    expect(d.cost).toBe(t.task.cost);
    reservedNow.set(a.id, (reservedNow.get(a.id) ?? 0) + d.cost);
    expect(this.committed(a.id) + this.inflight(a.id) + reservedNow.get(a.id)!).toBeLessThanOrEqual(a.capacity);
  }

  private keptForHigher(a: MAgent, t: MTask, q: QueueConfig): boolean {
    const room = a.capacity - this.committed(a.id) - this.inflight(a.id);
    const cost = t.task.cost;
    return [...this.queues.values()].some(
      (h) => h.priority > q.priority && meetsExpr(a.skills, h.requirement) && COSTS.some((c) => c > cost && c <= room && room - cost < c),
    );
  }

  /** After a decide: every waiting task is either without an eligible agent or held by a documented rule. */
  private checkStable(): void {
    const draining = new Set<string>();
    for (const t of this.tasks) if (t.state !== 'gone') {
      const v = this.inc.task(t.task.id)!;
      if (v.drainingAgent) draining.add(v.drainingAgent);
    }
    for (const t of this.tasks) {
      if (t.state !== 'waiting') continue;
      const v = this.inc.task(t.task.id)!;
      expect(v).toMatchObject({ phase: 'waiting', queueId: t.queueId, step: t.step });
      const q = this.queues.get(t.queueId);
      // Every step due by now has been applied (unless the queue predicts, which only applies them sooner).
      if (q) {
        const due = q.escalation.filter((s) => s.afterSeconds * 1000 <= this.now - t.task.enqueuedAt).length;
        expect(t.step, `${t.task.id}: ${due} steps due`).toBeGreaterThanOrEqual(due);
      }
      if (v.heldFor !== null) {
        // Sticky: only for the task's own agent, online, within the budget.
        this.holds += 1;
        expect(v.heldFor).toBe(t.task.stickyAgentId);
        expect(this.now, `${t.task.id} held past its sticky budget`).toBeLessThan(t.task.enqueuedAt + q!.stickyWaitSeconds * 1000);
        const s = this.agents.find((a) => a.id === v.heldFor)!;
        expect(this.online(s), `${t.task.id} held for ${s.id}, who is not online`).toBe(true);
        expect(this.eligible(s, t) && !draining.has(s.id), `${t.task.id} held though ${s.id} could take it`).toBe(false);
        continue;
      }
      let free = this.agents.filter((a) => this.eligible(a, t) && (!draining.has(a.id) || this.inc.task(t.task.id)!.drainingAgent === a.id));
      if (free.length > 0 && q?.strategy === 'reserve') {
        // Reserve rule: only while young, and only agents a higher-priority queue could use for work
        // bigger than this task that taking it would leave them without room for.
        const young = this.now < t.task.enqueuedAt + Math.min((q.serviceLevel.thresholdSeconds * 1000) / 2, 60_000);
        const kept = free.filter((a) => young && this.keptForHigher(a, t, q));
        if (kept.length > 0) this.reserveHolds += 1;
        free = free.filter((a) => !kept.includes(a));
      }
      expect(
        free.map((a) => a.id),
        `${t.task.id} left waiting`,
      ).toEqual([]);
    }
    // Bookkeeping agrees with the model.
    for (const a of this.agents) if (a.inEngine) expect(this.inc.agent(a.id)?.used, `${a.id}.used`).toBe(this.committed(a.id) + this.inflight(a.id));
    expect(this.inc.waitingCount()).toBe(this.tasks.filter((t) => t.state === 'waiting').length);
  }
}



describe('routing engine with queues: properties (harness plays runtime and database)', () => {
  it('matches a full scan; offers only eligible agents within capacity; steps in order, once, on time; sticky within budget; nobody left waiting without a rule', () => {
    const totals = { offers: 0, escalations: 0, holds: 0 };
    fc.assert(
      fc.property(scenarioArb, ({ queues, staff, ops }) => {
        const h = new Harness(queues);
        for (const op of [...staff, ...ops]) h.step(op);
        h.decide();
        totals.offers += h.offers;
        totals.escalations += h.escalations;
        totals.holds += h.holds;
      }),
      { numRuns: 160 },
    );
    // The scenarios really exercise the rules.
    expect(totals.offers).toBeGreaterThan(600);
    expect(totals.escalations).toBeGreaterThan(60);
    expect(totals.holds).toBeGreaterThan(10);
  });

  it('reserve: the same on a blended floor, and small work is held back only while young, only from agents a higher-priority queue could use for bigger work', () => {
    const totals = { offers: 0, reserveHolds: 0 };
    fc.assert(
      fc.property(blendedScenarioArb, fc.constantFrom(0.1, 0.5, 0.9), ({ queues, staff, ops }, reserveFraction) => {
        const h = new Harness(queues, { reserveFraction });
        for (const op of [...staff, ...ops]) h.step(op);
        h.decide();
        totals.offers += h.offers;
        totals.reserveHolds += h.reserveHolds;
      }),
      { numRuns: 160 },
    );
    expect(totals.offers).toBeGreaterThan(600);
    expect(totals.reserveHolds).toBeGreaterThan(5);
  });
});
