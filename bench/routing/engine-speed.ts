/**
 * routing-engine: decision latency of the pure engine with a large floor and a deep backlog,
 * next to the naive router (naive.ts) run on the same event stream in the same process.
 *
 * Setup: 24 queues (3 channels × 2 languages × 4 topics, each needing a language at level ≥ 2 and
 * the topic at level ≥ 3, longest idle), N agents with random skills, every agent full (a call, or
 * two chats and three emails…), 50,000 waiting tasks. Then a stream of events, alternating:
 *   - an agent finishes one piece of work (`work.released`) — the engine finds the first tasks in
 *     FIFO order that agent can take;
 *   - a task arrives (`task.added`) — the engine looks for an agent for it.
 * Latency = one event + the `decide` that follows (what the runtime does per poke). Offers are then
 * confirmed (offer.created + offer.accepted) outside the timed section, identically for both.
 * The first offers of both routers are compared, to show they make the same decisions. SL thresholds
 * are a day long so the engine's drain rule (not in the naive router) never applies.
 */
import { RoutingEngine } from '../../src/routing/engine/index.js';
import type { Channel } from '../../src/contracts/index.js';
import type { Decision, EngineEvent, QueueConfig } from '../../src/routing/engine/index.js';
import { Rng } from '../../src/routing/sim/index.js';
import { emit, log } from '../lib/out.js';
import { percentile } from '../lib/stats.js';
import { NaiveRouter } from './naive.js';

interface Router {
  apply(e: EngineEvent, now: number): boolean;
  decide(now: number): Decision[];
}

const T0 = 1_700_000_000_000;
const CHANNELS: { channel: Channel; cost: number; weight: number }[] = [
  { channel: 'voice', cost: 100, weight: 0.4 },
  { channel: 'webchat', cost: 34, weight: 0.35 },
  { channel: 'email', cost: 10, weight: 0.25 },
];
const LANGS = ['fa', 'en'];
const TOPICS = ['billing', 'tech', 'sales', 'general'];

function queues(): QueueConfig[] {
  const out: QueueConfig[] = [];
  for (const c of CHANNELS) {
    for (const lang of LANGS) {
      for (const topic of TOPICS) {
        out.push({
          id: `${c.channel}-${lang}-${topic}`,
          channel: c.channel,
          requirement: { all: [{ skill: lang, minLevel: 2 }, { skill: topic, minLevel: 3 }] },
          priority: 0,
          // A day: the engine's drain rule (keep an agent free for a big task past its SL threshold),
          // which the naive router does not have, stays out of this comparison.
          serviceLevel: { targetFraction: 0.8, thresholdSeconds: 86_400 },
          strategy: 'longest-idle',
          escalation: [],
          predictiveEscalation: false,
          agingPerMinute: 0,
          stickyWaitSeconds: 0,
          wrapUpSeconds: 0,
        });
      }
    }
  }
  return out;
}

/** What every agent holds at the start: full (room < the smallest cost). */
const FULL_LOADS = [[100], [34, 34, 10, 10, 10], [34, 34, 34], [34, 10, 10, 10, 10, 10, 10]];

interface Workload {
  queues: QueueConfig[];
  agents: { id: string; skills: Record<string, number>; held: number[] }[];
  tasks: { id: string; queueId: string; channel: Channel; cost: number }[];
}

export function workload(nAgents: number, nTasks: number, seed: number): Workload {
  const rng = new Rng(`engine-bench/${seed}/${nAgents}`);
  const qs = queues();
  const agents: Workload['agents'] = [];
  for (let i = 0; i < nAgents; i++) {
    const skills: Record<string, number> = {};
    if (rng.next() < 0.8) skills['fa'] = 1 + rng.int(5);
    if (rng.next() < 0.5 || skills['fa'] === undefined) skills['en'] = 1 + rng.int(5);
    for (const t of TOPICS) if (rng.next() < 0.6) skills[t] = 1 + rng.int(5);
    agents.push({ id: `agent-${String(i).padStart(5, '0')}`, skills, held: [...FULL_LOADS[rng.int(FULL_LOADS.length)]!] });
  }
  const tasks: Workload['tasks'] = [];
  for (let i = 0; i < nTasks; i++) tasks.push(newTask(rng, qs, i));
  return { queues: qs, agents, tasks };
}

function newTask(rng: Rng, qs: QueueConfig[], i: number): Workload['tasks'][number] {
  const c = rng.pick(CHANNELS, (x) => x.weight);
  const lang = rng.next() < 0.7 ? 'fa' : 'en';
  const topic = TOPICS[rng.int(TOPICS.length)]!;
  const q = qs.find((x) => x.id === `${c.channel}-${lang}-${topic}`)!;
  return { id: `task-${i}`, queueId: q.id, channel: c.channel, cost: c.cost };
}

interface RunOut {
  latenciesMs: number[];
  offers: number;
  events: number;
  offerLog: string[];
  setupMs: number;
  waitingAtStart: number;
  stoppedEarly: boolean;
  wallMs: number;
  /** CPU time this process got / wall time while timing: well below 1 means other work shared the cores. */
  cpuShare: number;
}

/**
 * Plays the workload into a router: setup, then `events` timed events (after `warmup` untimed
 * ones), or until `budgetMs` of wall time is spent.
 */
export function play(make: () => Router, w: Workload, opts: { events: number; warmup: number; budgetMs: number; logOffers: number }): RunOut {
  const router = make();
  const rng = new Rng('engine-bench/events');
  const setupStart = performance.now();
  let now = T0;
  for (const q of w.queues) router.apply({ type: 'queue.upserted', queue: q }, now);
  const held = new Map<string, number[]>();
  for (const [i, a] of w.agents.entries()) {
    held.set(a.id, [...a.held]);
    router.apply(
      {
        type: 'agent.upserted',
        agent: { id: a.id, status: 'available', connected: true, capacity: 100, used: a.held.reduce((s, x) => s + x, 0), skills: a.skills, idleSince: T0 - 1_000_000 + i, missedOffers: 0 },
      },
      now,
    );
  }
  for (const [i, t] of w.tasks.entries()) {
    router.apply({ type: 'task.added', task: { id: t.id, queueId: t.queueId, channel: t.channel, priority: 0, cost: t.cost, requiredSkills: [], enqueuedAt: T0 - 10_000_000 + i } }, now);
  }
  const initial = router.decide(now);
  if (initial.length > 0) throw new Error(`setup left ${initial.length} offers: agents were meant to be full`);
  const setupMs = performance.now() - setupStart;
  const waitingAtStart = w.tasks.length;

  const busy = w.agents.map((a) => a.id);
  const latencies: number[] = [];
  const offerLog: string[] = [];
  let offers = 0;
  let offerSeq = 0;
  let taskSeq = w.tasks.length;
  const total = opts.events + opts.warmup;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let stoppedEarly = false;
  let i = 0;
  for (; i < total; i++) {
    if (performance.now() - started > opts.budgetMs) {
      stoppedEarly = true;
      break;
    }
    now += 10;
    let event: EngineEvent;
    if (i % 2 === 0) {
      // An agent finishes one piece of their work.
      let id = busy[rng.int(busy.length)]!;
      let h = held.get(id)!;
      for (let tries = 0; h.length === 0 && tries < 100; tries++) {
        id = busy[rng.int(busy.length)]!;
        h = held.get(id)!;
      }
      const cost = h.splice(rng.int(h.length), 1)[0] ?? 0;
      event = { type: 'work.released', agentId: id, cost };
    } else {
      const t = newTask(rng, w.queues, taskSeq++);
      event = { type: 'task.added', task: { id: t.id, queueId: t.queueId, channel: t.channel, priority: 0, cost: t.cost, requiredSkills: [], enqueuedAt: now } };
    }
    const t0 = process.hrtime.bigint();
    router.apply(event, now);
    const ds = router.decide(now);
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= opts.warmup) latencies.push(dt);
    for (const d of ds) {
      if (d.type !== 'offer') continue;
      offers += 1;
      if (offerLog.length < opts.logOffers) offerLog.push(`${d.taskId}→${d.agentId}`);
      const offerId = `offer-${++offerSeq}`;
      router.apply({ type: 'offer.created', offerId, taskId: d.taskId, agentId: d.agentId }, now);
      router.apply({ type: 'offer.accepted', offerId }, now);
      held.get(d.agentId)!.push(d.cost);
    }
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  return { latenciesMs: latencies, offers, events: latencies.length, offerLog, setupMs, waitingAtStart, stoppedEarly, wallMs, cpuShare: (cpu.user + cpu.system) / 1000 / wallMs };
}

export async function runEngineSpeedBench(opts: { events?: number; sizes?: number } = {}): Promise<void> {
  const sizes = opts.sizes ? [opts.sizes] : [1_000, 10_000];
  const waiting = 50_000;
  for (const n of sizes) {
    const w = workload(n, waiting, 1);
    const events = opts.events ?? 20_000;
    const eng = play(() => new RoutingEngine(), w, { events, warmup: 2_000, budgetMs: 120_000, logOffers: 200 });
    log(`routing-engine ${n} agents: engine setup ${eng.setupMs.toFixed(0)} ms (${n} agents + ${waiting} tasks), ${eng.events} timed events, ${eng.offers} offers`);
    const naive = play(() => new NaiveRouter(), w, { events: Math.min(events, 4_000), warmup: 50, budgetMs: 30_000, logOffers: 200 });
    log(
      `routing-engine ${n} agents: naive ${naive.events} timed events in ${(naive.wallMs / 1000).toFixed(1)} s${naive.stoppedEarly ? ' (stopped at its time budget)' : ''}, ${naive.offers} offers`,
    );
    const compared = Math.min(eng.offerLog.length, naive.offerLog.length);
    let same = 0;
    while (same < compared && eng.offerLog[same] === naive.offerLog[same]) same += 1;
    if (same < compared) log(`routing-engine ${n} agents: decisions differ from offer #${same + 1}: engine ${eng.offerLog[same]} vs naive ${naive.offerLog[same]}`);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const engRate = 1000 / mean(eng.latenciesMs);
    const naiveRate = 1000 / mean(naive.latenciesMs);
    emit({
      bench: 'routing-engine',
      agents: n,
      waiting,
      p50_ms: percentile(eng.latenciesMs, 0.5),
      p99_ms: percentile(eng.latenciesMs, 0.99),
      max_ms: Math.max(...eng.latenciesMs),
      decisions_per_s: engRate,
      naive_decisions_per_s: naiveRate,
      speedup: engRate / naiveRate,
      naive_p50_ms: percentile(naive.latenciesMs, 0.5),
      naive_p99_ms: percentile(naive.latenciesMs, 0.99),
      events: eng.events,
      naive_events: naive.events,
      offers: eng.offers,
      same_decisions: `${same}/${compared}`,
      setup_ms: eng.setupMs,
      cpu_share: eng.cpuShare,
      decision_definition: 'one event (agent frees capacity, or task arrives; alternating) + the decide that follows',
    });
  }
}
