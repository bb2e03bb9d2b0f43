/**
 * A deterministic discrete-event simulation of a contact center around a routing engine.
 *
 * Simulated time only (milliseconds from 0; the engine sees epochMs + t), seeded randomness only:
 * the same inputs and seed give the same result. The simulator plays both the outside world and the
 * routing runtime:
 *
 * - contacts arrive (recorded or generated) → `task.added` (with the customer's last agent as the
 *   sticky agent), then `decide`;
 * - every offer decision is confirmed at once with `offer.created` (the runtime's lease), and the
 *   agent accepts after the accept delay → `offer.accepted`;
 * - the contact is handled for its handle time → `work.released` with the wrap-up; the agent takes no
 *   new work until the wrap-up ends;
 * - a customer whose patience runs out before an agent accepts hangs up → `task.removed`;
 * - agents log in and out with their shifts → `agent.upserted` (available / offline);
 * - a periodic tick (the runtime's timer) calls `decide` while work is waiting, so escalation
 *   steps, re-decline cooldowns and sticky budgets fire on time.
 *
 * After every event the engine is asked to `decide`, as the runtime does after every poke.
 */
import type { Channel } from '../../contracts/index.js';
import { CHANNEL_COST, DEFAULT_AGENT_CAPACITY } from '../../domain/capacity.js';
import type { Decision, QueueConfig } from '../engine/types.js';
import { EventHeap } from './heap.js';
import { Rng, sample } from './rng.js';
import { SIM_DEFINITIONS } from './types.js';
import type { SimAgent, SimAgentStats, SimArrival, SimGroupStats, SimOptions, SimResult, SimTaskRecord } from './types.js';

const DEFAULT_EPOCH_MS = 1_700_000_000_000;
const S = 1000;

type Status = 'waiting' | 'offered' | 'handling' | 'done' | 'abandoned';

interface TaskSim {
  readonly idx: number;
  readonly id: string;
  readonly arrival: SimArrival;
  readonly arriveMs: number;
  readonly cost: number;
  readonly thresholdMs: number;
  readonly counted: boolean;
  queueId: string;
  status: Status;
  agent: AgentSim | null;
  offerId: string | null;
  waitMs: number;
}

interface AgentSim {
  readonly spec: SimAgent;
  readonly capacity: number;
  readonly startMs: number;
  readonly endMs: number;
  onShift: boolean;
  /** Cost the engine counts against the agent: offered + handling. */
  used: number;
  /** Cost being worked on: handling + wrap-up (for occupancy). */
  load: number;
  lastMs: number;
  staffedMs: number;
  /** Time with at least one contact in hand or in wrap-up. */
  busyMs: number;
  /** Cost-weighted busy time: ∫ min(1, load / capacity) dt. */
  usedMs: number;
  handled: number;
}

type Ev =
  | { at: number; seq: number; kind: 'accept'; t: TaskSim; offerId: string }
  | { at: number; seq: number; kind: 'done'; t: TaskSim }
  | { at: number; seq: number; kind: 'abandon'; t: TaskSim }
  | { at: number; seq: number; kind: 'wrapEnd'; a: AgentSim; cost: number }
  | { at: number; seq: number; kind: 'shiftStart' | 'shiftEnd'; a: AgentSim }
  | { at: number; seq: number; kind: 'tick' };

type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** Runs one simulation to the end and returns its measurements. */
export function simulate(o: SimOptions): SimResult {
  return new Simulation(o).run();
}

class Simulation {
  private readonly engine: SimOptions['engine'];
  private readonly epoch: number;
  private readonly rngAccept: Rng;
  private readonly rngPatience: Rng;
  private readonly heap = new EventHeap<Ev>();
  private readonly queues = new Map<string, QueueConfig>();
  private readonly agents = new Map<string, AgentSim>();
  private readonly tasks = new Map<string, TaskSim>();
  private readonly arrivals: SimArrival[];
  private readonly costs: Record<Channel, number>;
  private readonly lastAgentOf = new Map<string, string>();
  private readonly warmupMs: number;
  private readonly horizonMs: number;
  private readonly stopMs: number;
  private readonly tickMs: number;
  private seq = 0;
  private offerSeq = 0;
  private now = 0;
  private waiting = 0;
  private unresolvedCounted = 0;
  private engineCalls = 0;
  private offers = 0;
  private overflows = 0;
  private escalations = { timer: 0, predicted: 0 };
  private agentsSetAway = 0;
  private readonly records: TaskSim[] = [];

  constructor(private readonly o: SimOptions) {
    this.engine = o.engine;
    this.epoch = o.epochMs ?? DEFAULT_EPOCH_MS;
    const seed = o.seed ?? 1;
    this.rngAccept = new Rng(`${String(seed)}/accept`);
    this.rngPatience = new Rng(`${String(seed)}/patience`);
    this.costs = { ...CHANNEL_COST, ...(o.costs ?? {}) };
    for (const q of o.queues ?? []) this.queues.set(q.id, q);
    // Stable sort: equal times keep their given order.
    this.arrivals = o.arrivals.map((a, i) => ({ a, i })).sort((x, y) => x.a.at - y.a.at || x.i - y.i).map((x) => x.a);
    const last = this.arrivals.length > 0 ? this.arrivals[this.arrivals.length - 1]!.at : 0;
    this.warmupMs = Math.max(0, (o.warmupSeconds ?? 0) * S);
    this.horizonMs = Math.max(this.warmupMs, (o.horizonSeconds ?? last) * S);
    this.stopMs = this.horizonMs + Math.max(0, o.drainSeconds ?? 4 * 3600) * S;
    this.tickMs = Math.max(1, (o.tickSeconds ?? 1) * S);
    for (const spec of o.agents) {
      if (this.agents.has(spec.id)) throw new Error(`simulate: duplicate agent id "${spec.id}"`);
      const startMs = (spec.shift?.start ?? 0) * S;
      const endMs = spec.shift ? spec.shift.end * S : Number.POSITIVE_INFINITY;
      this.agents.set(spec.id, {
        spec,
        capacity: spec.capacity ?? DEFAULT_AGENT_CAPACITY,
        startMs,
        endMs,
        onShift: false,
        used: 0,
        load: 0,
        lastMs: 0,
        staffedMs: 0,
        busyMs: 0,
        usedMs: 0,
        handled: 0,
      });
    }
  }

  run(): SimResult {
    for (const q of this.queues.values()) this.apply({ type: 'queue.upserted', queue: q });
    for (const a of this.agents.values()) {
      this.push({ at: a.startMs, kind: 'shiftStart', a });
      if (Number.isFinite(a.endMs)) this.push({ at: a.endMs, kind: 'shiftEnd', a });
    }
    this.push({ at: 0, kind: 'tick' });
    let next = 0;
    for (;;) {
      const ev = this.heap.peek();
      const arrival = this.arrivals[next];
      const arrivalMs = arrival ? arrival.at * S : Number.POSITIVE_INFINITY;
      const at = Math.min(ev?.at ?? Number.POSITIVE_INFINITY, arrivalMs);
      if (!Number.isFinite(at) || at > this.stopMs) break;
      if (at > this.horizonMs && this.unresolvedCounted === 0) break;
      this.advance(at);
      if (ev && ev.at <= arrivalMs) {
        this.heap.pop();
        this.handle(ev);
      } else if (arrival) {
        this.arrive(arrival, next);
        next += 1;
      }
      if (this.heap.size === 0 && next >= this.arrivals.length) break;
    }
    return this.result();
  }

  // ---- events -------------------------------------------------------------------------------

  private push(e: Unsequenced<Ev>): void {
    const ev = e as Ev;
    ev.seq = ++this.seq;
    this.heap.push(ev);
  }

  private handle(ev: Ev): void {
    switch (ev.kind) {
      case 'tick':
        if (this.waiting > 0) this.decide();
        this.push({ at: ev.at + this.tickMs, kind: 'tick' });
        return;
      case 'shiftStart': {
        const a = ev.a;
        this.touch(a);
        a.onShift = true;
        this.upsert(a, 'available', this.now);
        this.decide();
        return;
      }
      case 'shiftEnd': {
        const a = ev.a;
        this.touch(a);
        a.onShift = false;
        const idleSince = this.engine.agent?.(a.spec.id)?.idleSince ?? this.epoch + this.now;
        this.upsert(a, 'offline', idleSince - this.epoch);
        this.decide();
        return;
      }
      case 'accept': {
        const t = ev.t;
        if (t.status !== 'offered' || t.offerId !== ev.offerId || !t.agent) return;
        this.apply({ type: 'offer.accepted', offerId: ev.offerId });
        t.status = 'handling';
        t.offerId = null;
        t.waitMs = this.now - t.arriveMs;
        this.resolve(t);
        const a = t.agent;
        this.touch(a);
        a.load += t.cost;
        a.handled += 1;
        if (t.arrival.customerId !== undefined) this.lastAgentOf.set(t.arrival.customerId, a.spec.id);
        const factor = this.o.handleFactor ? this.o.handleFactor(t.arrival, a.spec) : 1;
        const handle = Math.max(0, t.arrival.handleSeconds * (Number.isFinite(factor) && factor > 0 ? factor : 1));
        this.push({ at: this.now + handle * S, kind: 'done', t });
        this.decide();
        return;
      }
      case 'done': {
        const t = ev.t;
        const a = t.agent!;
        t.status = 'done';
        this.tasks.delete(t.id);
        const wrapMs = Math.max(0, this.o.wrapUpSeconds ?? this.queues.get(t.queueId)?.wrapUpSeconds ?? 0) * S;
        this.apply({ type: 'work.released', agentId: a.spec.id, cost: t.cost, wrapUpMs: wrapMs, queueId: t.queueId });
        this.touch(a);
        a.used -= t.cost;
        a.load -= t.cost;
        if (wrapMs > 0) {
          a.load += t.cost;
          this.push({ at: this.now + wrapMs, kind: 'wrapEnd', a, cost: t.cost });
        }
        this.decide();
        return;
      }
      case 'wrapEnd':
        this.touch(ev.a);
        ev.a.load -= ev.cost;
        this.decide();
        return;
      case 'abandon': {
        const t = ev.t;
        if (t.status !== 'waiting' && t.status !== 'offered') return;
        this.apply({ type: 'task.removed', taskId: t.id });
        if (t.status === 'waiting') this.waiting -= 1;
        if (t.status === 'offered' && t.agent) t.agent.used -= t.cost;
        t.status = 'abandoned';
        this.tasks.delete(t.id);
        t.offerId = null;
        t.agent = null;
        t.waitMs = this.now - t.arriveMs;
        this.resolve(t);
        this.decide();
        return;
      }
    }
  }

  private arrive(arrival: SimArrival, idx: number): void {
    const q = this.queues.get(arrival.queueId);
    const arriveMs = arrival.at * S;
    const counted = arriveMs >= this.warmupMs && arriveMs <= this.horizonMs;
    const t: TaskSim = {
      idx,
      id: `t${idx + 1}`,
      arrival,
      arriveMs,
      cost: this.costs[arrival.channel] ?? 0,
      thresholdMs: (q?.serviceLevel.thresholdSeconds ?? this.o.defaultThresholdSeconds ?? 20) * S,
      counted,
      queueId: arrival.queueId,
      status: 'waiting',
      agent: null,
      offerId: null,
      waitMs: 0,
    };
    this.tasks.set(t.id, t);
    if (counted) {
      this.unresolvedCounted += 1;
      this.records.push(t);
    }
    this.waiting += 1;
    const sticky = this.o.sticky !== false && arrival.customerId !== undefined ? this.lastAgentOf.get(arrival.customerId) : undefined;
    this.apply({
      type: 'task.added',
      task: {
        id: t.id,
        queueId: arrival.queueId,
        channel: arrival.channel,
        priority: arrival.priority ?? 0,
        cost: t.cost,
        requiredSkills: arrival.requiredSkills ?? [],
        enqueuedAt: this.epoch + arriveMs,
        ...(arrival.customerId !== undefined ? { customerId: arrival.customerId } : {}),
        ...(sticky !== undefined ? { stickyAgentId: sticky } : {}),
      },
    });
    const patience = arrival.patienceSeconds ?? (this.o.patience != null ? sample(this.rngPatience, this.o.patience) : undefined);
    if (patience !== undefined && Number.isFinite(patience)) this.push({ at: arriveMs + Math.max(0, patience) * S, kind: 'abandon', t });
    this.decide();
  }

  // ---- the runtime's side -------------------------------------------------------------------

  private apply(event: Parameters<SimOptions['engine']['apply']>[0]): boolean {
    this.engineCalls += 1;
    return this.engine.apply(event, this.epoch + this.now);
  }

  private decide(): void {
    this.engineCalls += 1;
    const ds = this.engine.decide(this.epoch + this.now);
    for (const d of ds) this.carryOut(d);
  }

  private carryOut(d: Decision): void {
    switch (d.type) {
      case 'offer': {
        const t = this.tasks.get(d.taskId);
        const a = this.agents.get(d.agentId);
        if (!t || !a || t.status !== 'waiting' || !a.onShift) {
          this.apply({ type: 'offer.failed', taskId: d.taskId, agentId: d.agentId });
          return;
        }
        const offerId = `o${++this.offerSeq}`;
        this.apply({ type: 'offer.created', offerId, taskId: t.id, agentId: a.spec.id });
        this.offers += 1;
        this.waiting -= 1;
        t.status = 'offered';
        t.agent = a;
        t.offerId = offerId;
        a.used += t.cost;
        const delay = this.o.acceptDelay === undefined ? 1 : Math.max(0, sample(this.rngAccept, this.o.acceptDelay));
        this.push({ at: this.now + delay * S, kind: 'accept', t, offerId });
        return;
      }
      case 'task.overflowed': {
        const t = this.tasks.get(d.taskId);
        if (t) t.queueId = d.toQueueId;
        this.overflows += 1;
        return;
      }
      case 'task.escalated':
        if (d.reason === 'timer') this.escalations.timer += 1;
        else this.escalations.predicted += 1;
        return;
      case 'agent.away':
        this.agentsSetAway += 1;
        return;
    }
  }

  private upsert(a: AgentSim, status: 'available' | 'offline', idleSinceMs: number): void {
    this.apply({
      type: 'agent.upserted',
      agent: {
        id: a.spec.id,
        status,
        connected: status === 'available',
        capacity: a.capacity,
        used: a.used,
        skills: { ...a.spec.skills },
        idleSince: this.epoch + idleSinceMs,
        missedOffers: 0,
      },
    });
  }

  private resolve(t: TaskSim): void {
    if (t.counted) this.unresolvedCounted -= 1;
  }

  // ---- measurement --------------------------------------------------------------------------

  private advance(to: number): void {
    if (to > this.now) this.now = to;
  }

  /**
   * Integrates an agent's staffed and busy time, inside the measurement window, up to now. Called
   * before anything that changes the agent's load or shift, so each agent costs O(1) per event.
   */
  private touch(a: AgentSim): void {
    const from = Math.max(a.lastMs, this.warmupMs);
    const until = Math.min(this.now, this.horizonMs);
    a.lastMs = this.now;
    if (!(until > from) || !a.onShift) return;
    const dt = until - from;
    a.staffedMs += dt;
    if (a.load > 0) {
      a.busyMs += dt;
      if (a.capacity > 0) a.usedMs += dt * Math.min(1, a.load / a.capacity);
    }
  }

  private result(): SimResult {
    this.advance(Math.max(this.now, this.horizonMs));
    for (const a of this.agents.values()) this.touch(a);
    const all = this.records;
    const overall = groupStats(all);
    const answeredWaits = all.filter((t) => isAnswered(t)).map((t) => t.waitMs / S).sort((x, y) => x - y);
    const abandoned = all.filter((t) => t.status === 'abandoned');
    const answered = all.filter(isAnswered);
    const within = (t: TaskSim) => t.waitMs <= t.thresholdMs;
    const sl2Den = answered.length + abandoned.length;
    const perQueue: Record<string, SimGroupStats> = {};
    const perChannel: Partial<Record<Channel, SimGroupStats>> = {};
    const byQueue = new Map<string, TaskSim[]>();
    const byChannel = new Map<Channel, TaskSim[]>();
    for (const t of all) {
      push(byQueue, t.arrival.queueId, t);
      push(byChannel, t.arrival.channel, t);
    }
    for (const [k, ts] of [...byQueue].sort((x, y) => (x[0] < y[0] ? -1 : 1))) perQueue[k] = groupStats(ts);
    for (const [k, ts] of [...byChannel].sort((x, y) => (x[0] < y[0] ? -1 : 1))) perChannel[k] = groupStats(ts);
    const perAgent: SimAgentStats[] = [...this.agents.values()].map((a) => ({
      id: a.spec.id,
      staffedSeconds: a.staffedMs / S,
      busySeconds: a.busyMs / S,
      occupancy: a.staffedMs > 0 ? a.usedMs / a.staffedMs : 0,
      busyFraction: a.staffedMs > 0 ? a.busyMs / a.staffedMs : 0,
      handled: a.handled,
    }));
    const staffed = perAgent.filter((a) => a.staffedSeconds > 0);
    const occs = staffed.map((a) => a.occupancy);
    const totalStaffed = staffed.reduce((s, a) => s + a.staffedSeconds, 0);
    const totalBusy = staffed.reduce((s, a) => s + a.busySeconds, 0);
    const totalUsed = staffed.reduce((s, a) => s + a.occupancy * a.staffedSeconds, 0);
    const occMin = occs.length > 0 ? Math.min(...occs) : 0;
    const occMax = occs.length > 0 ? Math.max(...occs) : 0;
    const res: SimResult = {
      definitions: SIM_DEFINITIONS,
      arrivals: overall.arrivals,
      answered: overall.answered,
      abandoned: overall.abandoned,
      waitingAtEnd: overall.waitingAtEnd,
      answeredWithinThreshold: answered.filter(within).length,
      sl: overall.sl,
      sl2: sl2Den > 0 ? (answered.filter(within).length + abandoned.filter(within).length) / sl2Den : 1,
      asaSeconds: overall.asaSeconds,
      p50WaitSeconds: quantile(answeredWaits, 0.5),
      p90WaitSeconds: quantile(answeredWaits, 0.9),
      maxWaitSeconds: answeredWaits.length > 0 ? answeredWaits[answeredWaits.length - 1]! : 0,
      abandonRate: overall.abandonRate,
      occupancy: totalStaffed > 0 ? totalUsed / totalStaffed : 0,
      busyFraction: totalStaffed > 0 ? totalBusy / totalStaffed : 0,
      occupancySpread: occMax - occMin,
      occupancyMin: occMin,
      occupancyMax: occMax,
      offers: this.offers,
      escalations: { ...this.escalations },
      overflows: this.overflows,
      agentsSetAway: this.agentsSetAway,
      perQueue,
      perChannel,
      perAgent,
      simulatedSeconds: this.now / S,
      engineCalls: this.engineCalls,
    };
    if (this.o.recordTasks) res.tasks = all.map((t) => taskRecord(t, this.now));
    return res;
  }
}

function isAnswered(t: TaskSim): boolean {
  return t.status === 'handling' || t.status === 'done';
}

function groupStats(ts: readonly TaskSim[]): SimGroupStats {
  let answered = 0;
  let abandoned = 0;
  let waiting = 0;
  let inTime = 0;
  let waitSum = 0;
  for (const t of ts) {
    if (isAnswered(t)) {
      answered += 1;
      waitSum += t.waitMs;
      if (t.waitMs <= t.thresholdMs) inTime += 1;
    } else if (t.status === 'abandoned') abandoned += 1;
    else waiting += 1;
  }
  return {
    arrivals: ts.length,
    answered,
    abandoned,
    waitingAtEnd: waiting,
    sl: answered > 0 ? inTime / answered : ts.length === 0 ? 1 : 0,
    asaSeconds: answered > 0 ? waitSum / answered / S : 0,
    abandonRate: ts.length > 0 ? abandoned / ts.length : 0,
  };
}

function taskRecord(t: TaskSim, endMs: number): SimTaskRecord {
  const answered = isAnswered(t);
  const outcome = answered ? 'answered' : t.status === 'abandoned' ? 'abandoned' : 'waiting';
  return {
    id: t.id,
    queueId: t.arrival.queueId,
    finalQueueId: t.queueId,
    channel: t.arrival.channel,
    arrivedAt: t.arrival.at,
    outcome,
    waitSeconds: (outcome === 'waiting' ? endMs - t.arriveMs : t.waitMs) / S,
    agentId: answered ? (t.agent?.spec.id ?? null) : null,
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Nearest-rank quantile of a sorted list (0 for an empty one). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}
