import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangC } from '../../src/domain/erlang.js';
import { RoutingEngine } from '../../src/routing/engine/index.js';
import type { Decision, EngineEvent, QueueConfig } from '../../src/routing/engine/index.js';
import { Rng, generateArrivals, sample, simulate } from '../../src/routing/sim/index.js';
import type { SimAgent, SimArrival, SimEngine, SimOptions } from '../../src/routing/sim/index.js';

function queue(id: string, over: Partial<QueueConfig> = {}): QueueConfig {
  return {
    id,
    channel: 'voice',
    requirement: null,
    priority: 0,
    serviceLevel: { targetFraction: 0.8, thresholdSeconds: 20 },
    strategy: 'longest-idle',
    escalation: [],
    predictiveEscalation: false,
    agingPerMinute: 0,
    stickyWaitSeconds: 0,
    wrapUpSeconds: 0,
    ...over,
  };
}

const agentsN = (n: number, skills: Record<string, number> = {}): SimAgent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `a${String(i + 1).padStart(3, '0')}`, skills }));

const voice = (at: number, handleSeconds: number, over: Partial<SimArrival> = {}): SimArrival => ({ at, queueId: 'q', channel: 'voice', handleSeconds, ...over });

/** Wraps an engine and checks, from the decisions it makes, that no agent is ever offered past capacity. */
function checked(engine: RoutingEngine, capacity: Map<string, number>): SimEngine & { violations: string[] } {
  const load = new Map<string, number>();
  const offerCost = new Map<string, { agentId: string; cost: number }>();
  const taskOffer = new Map<string, string>();
  const pending = new Map<string, { agentId: string; cost: number }>();
  const violations: string[] = [];
  const add = (id: string, d: number) => load.set(id, (load.get(id) ?? 0) + d);
  return {
    violations,
    apply(event: EngineEvent, now: number) {
      const ok = engine.apply(event, now);
      if (!ok) return ok;
      if (event.type === 'offer.created') {
        const p = pending.get(event.taskId)!;
        pending.delete(event.taskId);
        offerCost.set(event.offerId, p);
        taskOffer.set(event.taskId, event.offerId);
      } else if (event.type === 'offer.failed') {
        const p = pending.get(event.taskId);
        if (p) add(p.agentId, -p.cost);
        pending.delete(event.taskId);
      } else if (event.type === 'task.removed') {
        const o = taskOffer.get(event.taskId);
        const p = o ? offerCost.get(o) : undefined;
        if (o && p) {
          add(p.agentId, -p.cost);
          offerCost.delete(o);
        }
      } else if (event.type === 'work.released') add(event.agentId, -event.cost);
      return ok;
    },
    decide(now: number): Decision[] {
      const ds = engine.decide(now);
      for (const d of ds) {
        if (d.type !== 'offer') continue;
        add(d.agentId, d.cost);
        pending.set(d.taskId, { agentId: d.agentId, cost: d.cost });
        if ((load.get(d.agentId) ?? 0) > (capacity.get(d.agentId) ?? 100)) violations.push(`${d.agentId} over capacity at ${now}`);
      }
      return ds;
    },
    agent: (id: string) => engine.agent(id),
  };
}

describe('simulator: exact small cases (recorded arrivals)', () => {
  it('a second caller waits for the only agent to finish', () => {
    const r = simulate({
      engine: new RoutingEngine(),
      queues: [queue('q')],
      agents: agentsN(1),
      arrivals: [voice(0, 10), voice(1, 10)],
      acceptDelay: 0,
      recordTasks: true,
    });
    expect(r.tasks?.map((t) => [t.id, t.outcome, t.waitSeconds])).toEqual([
      ['t1', 'answered', 0],
      ['t2', 'answered', 9],
    ]);
    expect(r.answered).toBe(2);
    expect(r.asaSeconds).toBeCloseTo(4.5, 9);
    expect(r.sl).toBe(1); // both within 20 s
    // Busy from 0 to 20 s, measured over the window [0, last arrival = 1 s].
    expect(r.occupancy).toBe(1);
  });

  it('counts the accept delay as waiting', () => {
    const r = simulate({ engine: new RoutingEngine(), queues: [queue('q')], agents: agentsN(1), arrivals: [voice(0, 5)], acceptDelay: 2.5 });
    expect(r.asaSeconds).toBeCloseTo(2.5, 9);
  });

  it('a caller out of patience hangs up (task.removed) and counts as abandoned', () => {
    const r = simulate({
      engine: new RoutingEngine(),
      queues: [queue('q')],
      agents: agentsN(1),
      arrivals: [voice(0, 60), voice(1, 60, { patienceSeconds: 5 }), voice(2, 10)],
      acceptDelay: 0,
      recordTasks: true,
    });
    expect(r.tasks?.map((t) => [t.outcome, t.waitSeconds])).toEqual([
      ['answered', 0],
      ['abandoned', 5],
      ['answered', 58],
    ]);
    expect(r.abandonRate).toBeCloseTo(1 / 3, 9);
    expect(r.sl).toBe(0.5); // answered within 20 s / answered
    expect(r.sl2).toBeCloseTo(2 / 3, 9); // the abandon within 20 s counts as good
  });

  it('wrap-up keeps the agent from new work and counts as busy', () => {
    const r = simulate({
      engine: new RoutingEngine(),
      queues: [queue('q', { wrapUpSeconds: 5 })],
      agents: agentsN(1),
      arrivals: [voice(0, 2), voice(1, 2), voice(20, 1)],
      acceptDelay: 0,
      recordTasks: true,
    });
    expect(r.tasks?.map((t) => t.waitSeconds)).toEqual([0, 6, 0]);
    // Busy: 0–7 (talk + wrap), 7–14, 20–(window end 20): 14 of 20 s.
    expect(r.occupancy).toBeCloseTo(14 / 20, 9);
  });

  it('agents work their shifts only', () => {
    const r = simulate({
      engine: new RoutingEngine(),
      queues: [queue('q')],
      agents: [{ id: 'late', skills: {}, shift: { start: 30, end: 100 } }],
      arrivals: [voice(0, 10), voice(120, 10)],
      acceptDelay: 0,
      drainSeconds: 60,
      recordTasks: true,
    });
    expect(r.tasks?.map((t) => [t.outcome, t.waitSeconds])).toEqual([
      ['answered', 30],
      ['waiting', 60],
    ]);
    expect(r.waitingAtEnd).toBe(1);
    expect(r.perAgent[0]).toMatchObject({ staffedSeconds: 70, busySeconds: 10, handled: 1 });
  });

  it('routes by skill: a task only reaches an agent who meets its queue', () => {
    const r = simulate({
      engine: new RoutingEngine(),
      queues: [queue('fa', { requirement: { skill: 'fa', minLevel: 3 } }), queue('en', { requirement: { skill: 'en' } })],
      agents: [
        { id: 'farsi', skills: { fa: 5 } },
        { id: 'english', skills: { en: 2 } },
      ],
      arrivals: [
        { at: 0, queueId: 'fa', channel: 'voice', handleSeconds: 10 },
        { at: 1, queueId: 'fa', channel: 'voice', handleSeconds: 10 },
      ],
      acceptDelay: 0,
      recordTasks: true,
    });
    expect(r.tasks?.map((t) => [t.agentId, t.waitSeconds])).toEqual([
      ['farsi', 0],
      ['farsi', 9],
    ]);
    expect(r.perAgent.find((a) => a.id === 'english')?.handled).toBe(0);
  });

  it('tells the engine the customer\'s last agent (sticky routing)', () => {
    const r = simulate({
      engine: new RoutingEngine(),
      queues: [queue('q', { stickyWaitSeconds: 30 })],
      agents: agentsN(3),
      arrivals: [voice(0, 5, { customerId: 'c1' }), voice(10, 5, { customerId: 'c1' }), voice(10, 5, { customerId: 'c2' })],
      acceptDelay: 0,
      recordTasks: true,
    });
    const [first, second] = r.tasks!;
    expect(second?.agentId).toBe(first?.agentId);
  });
});

describe('simulator: properties', () => {
  const base = (seed: number): SimOptions => ({
    engine: new RoutingEngine(),
    queues: [queue('q', { wrapUpSeconds: 3 })],
    agents: agentsN(6),
    arrivals: generateArrivals({ seed, durationSeconds: 2 * 3600, streams: [{ queueId: 'q', channel: 'voice', ratePerHour: 70, handle: { kind: 'exponential', mean: 240 } }] }),
    patience: { kind: 'exponential', mean: 90 },
    acceptDelay: { kind: 'exponential', mean: 2 },
    warmupSeconds: 600,
    seed,
    recordTasks: true,
  });

  it('same seed ⇒ identical results; another seed ⇒ different ones', () => {
    const a = simulate(base(7));
    const b = simulate(base(7));
    const c = simulate(base(8));
    expect(b).toEqual(a);
    expect(JSON.stringify(c)).not.toEqual(JSON.stringify(a));
  });

  it('generated arrivals repeat exactly per seed and follow the rate', () => {
    const g = (seed: number) => generateArrivals({ seed, durationSeconds: 100 * 3600, streams: [{ queueId: 'q', channel: 'voice', ratePerHour: 60, handle: 100 }], customers: 50 });
    expect(g(3)).toEqual(g(3));
    const n = g(3).length;
    expect(Math.abs(n - 6000)).toBeLessThan(4 * Math.sqrt(6000));
    expect(g(3).every((x, i, xs) => i === 0 || xs[i - 1]!.at <= x.at)).toBe(true);
  });

  it('a trivially overstaffed queue answers everyone at once: SL 1, ASA 0', () => {
    const arrivals = generateArrivals({ seed: 11, durationSeconds: 4 * 3600, streams: [{ queueId: 'q', channel: 'voice', ratePerHour: 30, handle: { kind: 'exponential', mean: 120 } }] });
    const r = simulate({ engine: new RoutingEngine(), queues: [queue('q')], agents: agentsN(40), arrivals, acceptDelay: 0 });
    expect(r.arrivals).toBeGreaterThan(80);
    expect(r.answered).toBe(r.arrivals);
    expect(r.sl).toBe(1);
    expect(r.asaSeconds).toBe(0);
    expect(r.abandonRate).toBe(0);
    expect(r.occupancy).toBeLessThan(0.05);
  });

  it('conservation: every counted arrival is answered, abandoned or still waiting; nobody over capacity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 5, max: 400, noNaN: true }),
        fc.constantFrom<'voice' | 'webchat' | 'email'>('voice', 'webchat', 'email'),
        fc.boolean(),
        fc.integer({ min: 0, max: 600 }),
        (seed, n, rate, channel, patient, drain) => {
          const agents = agentsN(n);
          const engine = checked(new RoutingEngine(), new Map(agents.map((a) => [a.id, 100])));
          const r = simulate({
            engine,
            queues: [queue('q', { channel, wrapUpSeconds: 2 })],
            agents,
            arrivals: generateArrivals({ seed, durationSeconds: 1800, streams: [{ queueId: 'q', channel, ratePerHour: rate, handle: { kind: 'exponential', mean: 200 } }] }),
            patience: patient ? null : { kind: 'exponential', mean: 60 },
            drainSeconds: drain,
            seed,
            recordTasks: true,
          });
          expect(r.answered + r.abandoned + r.waitingAtEnd).toBe(r.arrivals);
          expect(r.tasks).toHaveLength(r.arrivals);
          expect(engine.violations).toEqual([]);
          if (patient && drain === 600 && r.arrivals > 0) expect(r.answered).toBeGreaterThan(0);
          for (const a of r.perAgent) expect(a.occupancy).toBeLessThanOrEqual(1 + 1e-9);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('M/M/N lands near Erlang C (fixed seed, loose bound; the benchmark runs the long version)', () => {
    const lambda = 0.1;
    const aht = 60;
    const n = 8;
    const arrivals = generateArrivals({ seed: 5, durationSeconds: 100 * 3600, streams: [{ queueId: 'q', channel: 'voice', ratePerHour: lambda * 3600, handle: { kind: 'exponential', mean: aht } }] });
    const r = simulate({ engine: new RoutingEngine(), queues: [queue('q', { serviceLevel: { targetFraction: 0.8, thresholdSeconds: 10 } })], agents: agentsN(n), arrivals, acceptDelay: 0, warmupSeconds: 3600, tickSeconds: 3600 });
    const e = erlangC({ arrivalsPerSecond: lambda, ahtSeconds: aht, agents: n, thresholdSeconds: 10 });
    // 100 simulated hours of one seed: the noise is about ±1.5 points of SL and ±10 % of ASA (1σ).
    expect(Math.abs(r.sl - e.serviceLevel)).toBeLessThan(0.03);
    expect(Math.abs(r.asaSeconds - e.asaSeconds) / e.asaSeconds).toBeLessThan(0.2);
    expect(Math.abs(r.occupancy - e.occupancy)).toBeLessThan(0.015);
  });
});

describe('seeded randomness', () => {
  it('xoshiro128** repeats per seed, stays in [0, 1) and has the right exponential mean', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const r = new Rng('exp');
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += r.exponential(3);
    expect(Math.abs(sum / 100_000 - 3)).toBeLessThan(0.05);
    const ln = new Rng(1);
    let s2 = 0;
    for (let i = 0; i < 100_000; i++) s2 += sample(ln, { kind: 'lognormal', mean: 10, sd: 4 });
    expect(Math.abs(s2 / 100_000 - 10)).toBeLessThan(0.1);
  });
});
