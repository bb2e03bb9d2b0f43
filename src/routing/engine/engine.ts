import { longestIdle } from './policies.js';
import { meetsSkills } from './skills.js';
import type { Decision, EngineAgent, EngineEvent, EngineOptions, EngineTask, SelectionPolicy } from './types.js';

interface TaskState {
  task: EngineTask;
  /** 'reserved' = the engine asked for a lease and waits for offer.created / offer.failed. */
  phase: 'waiting' | 'reserved' | 'offered';
  agentId: string | null;
  offerId: string | null;
  /** agentId → time of their last reject/miss of this task. */
  declined: Map<string, number>;
}

/**
 * The routing state machine. It holds no clock and does no I/O: callers feed
 * events with `apply`, then ask `decide(now)` for the offers to make. Unknown
 * agents, tasks and offers in events are ignored (reported by `apply`'s return)
 * so a late or duplicated event can never break it.
 */
export class RoutingEngine {
  private readonly agents = new Map<string, EngineAgent>();
  private readonly tasks = new Map<string, TaskState>();
  private readonly offers = new Map<string, string>(); // offerId → taskId
  private readonly settled = new Set<string>();
  private readonly policy: SelectionPolicy;
  private readonly cooldownMs: number;
  private readonly maxMissed: number;

  constructor(options: EngineOptions = {}) {
    this.policy = options.policy ?? longestIdle;
    this.cooldownMs = options.redeclineCooldownMs ?? 10_000;
    this.maxMissed = options.maxMissedOffers ?? 3;
  }

  /** Applies one event. Returns false when the event referred to something unknown and was ignored. */
  apply(event: EngineEvent, now: number): boolean {
    switch (event.type) {
      case 'task.added': {
        if (this.tasks.has(event.task.id)) return false;
        this.tasks.set(event.task.id, { task: event.task, phase: 'waiting', agentId: null, offerId: null, declined: new Map() });
        return true;
      }
      case 'task.removed': {
        const t = this.tasks.get(event.taskId);
        if (!t) return false;
        // A task that is still on offer gives its reservation back.
        // The customer left while it rang: the agent gets the room back but keeps their place in line.
        if (t.phase !== 'waiting' && t.agentId) this.release(t.agentId, t.task.cost, now, false);
        if (t.offerId) {
          this.offers.delete(t.offerId);
          this.settle(t.offerId);
        }
        this.tasks.delete(event.taskId);
        return true;
      }
      case 'agent.upserted': {
        const prev = this.agents.get(event.agent.id);
        const becameAvailable = prev && prev.status !== 'available' && event.agent.status === 'available';
        this.agents.set(event.agent.id, {
          ...event.agent,
          // The caller's `used` cannot know of leases still being taken for this agent: keep those.
          used: event.agent.used + this.reservedFor(event.agent.id),
          skills: { ...event.agent.skills },
          idleSince: becameAvailable ? Math.max(event.agent.idleSince, now) : event.agent.idleSince,
        });
        return true;
      }
      case 'agent.removed':
        return this.agents.delete(event.agentId);
      case 'offer.failed': {
        const t = this.tasks.get(event.taskId);
        if (!t || t.phase !== 'reserved' || t.agentId !== event.agentId) return false;
        this.release(event.agentId, t.task.cost, now, false);
        t.phase = 'waiting';
        t.agentId = null;
        return true;
      }
      case 'offer.created': {
        const t = this.tasks.get(event.taskId);
        if (!t) return false;
        // On a waiting task this adopts an offer made earlier (restart, another runtime):
        // the agent's `used`, as supplied by agent.upserted, already counts it.
        if (t.phase === 'reserved' && t.agentId !== event.agentId) return false;
        if (t.phase === 'offered' || this.settled.has(event.offerId)) return false;
        t.phase = 'offered';
        t.agentId = event.agentId;
        t.offerId = event.offerId;
        this.offers.set(event.offerId, event.taskId);
        return true;
      }
      case 'offer.accepted': {
        const t = this.takeOffer(event.offerId);
        if (!t) return false;
        const agent = t.agentId ? this.agents.get(t.agentId) : undefined;
        if (agent) {
          agent.missedOffers = 0;
          agent.idleSince = now; // took work: behind agents who have waited longer
        }
        // The task leaves the queue; the agent keeps the capacity until work.released.
        this.tasks.delete(t.task.id);
        return true;
      }
      case 'offer.rejected':
      case 'offer.expired': {
        const t = this.takeOffer(event.offerId);
        if (!t || !t.agentId) return false;
        const agentId = t.agentId;
        this.release(agentId, t.task.cost, now, false);
        t.declined.set(agentId, now);
        // Back to its original place: enqueuedAt is unchanged, so FIFO order holds.
        t.phase = 'waiting';
        t.agentId = null;
        // Only silence counts towards "away": a rejection is an answer, and ends the run of misses.
        const agent = this.agents.get(agentId);
        if (agent) agent.missedOffers = event.type === 'offer.expired' ? agent.missedOffers + 1 : 0;
        return true;
      }
      case 'work.released': {
        if (!this.agents.has(event.agentId)) return false;
        this.release(event.agentId, event.cost, now);
        return true;
      }
      case 'queue.upserted':
      case 'queue.removed':
        return false; // queue configuration is not used by this first policy
    }
  }

  /**
   * Offers to make now, highest priority then oldest first. Each chosen agent's
   * capacity is reserved at once so one call never overfills anyone; the caller
   * confirms each with offer.created or offer.failed.
   */
  decide(now: number): Decision[] {
    const decisions: Decision[] = [];
    for (const agent of this.agents.values()) {
      if (agent.status === 'available' && agent.missedOffers >= this.maxMissed) {
        agent.status = 'away';
        decisions.push({ type: 'agent.away', agentId: agent.id, reason: 'missed-offers', missed: agent.missedOffers });
      }
    }
    const waiting = [...this.tasks.values()].filter((t) => t.phase === 'waiting');
    if (waiting.length === 0) return decisions;
    waiting.sort(
      (a, b) => b.task.priority - a.task.priority || a.task.enqueuedAt - b.task.enqueuedAt || (a.task.id < b.task.id ? -1 : 1),
    );
    for (const t of waiting) {
      const candidates: EngineAgent[] = [];
      for (const a of this.agents.values()) {
        if (!this.eligible(a, t, now)) continue;
        candidates.push(a);
      }
      if (candidates.length === 0) continue;
      const ranked = this.policy.rank(t.task, candidates, now);
      const chosen = ranked[0]!;
      chosen.used += t.task.cost;
      t.phase = 'reserved';
      t.agentId = chosen.id;
      decisions.push({
        type: 'offer',
        taskId: t.task.id,
        agentId: chosen.id,
        cost: t.task.cost,
        why: {
          rule: this.policy.name,
          candidates: candidates.length,
          ranked: ranked.slice(0, 5).map((a) => a.id),
          summary: `${this.policy.name}: chosen among ${candidates.length} eligible agent(s)`,
        },
      });
    }
    return decisions;
  }

  /** Read-only views for statistics and tests. */
  agent(id: string): Readonly<EngineAgent> | undefined {
    return this.agents.get(id);
  }

  taskPhase(id: string): TaskState['phase'] | undefined {
    return this.tasks.get(id)?.phase;
  }

  taskIds(): string[] {
    return [...this.tasks.keys()];
  }

  waitingCount(): number {
    let n = 0;
    for (const t of this.tasks.values()) if (t.phase === 'waiting') n += 1;
    return n;
  }

  private eligible(a: EngineAgent, t: TaskState, now: number): boolean {
    if (a.status !== 'available' || !a.connected) return false;
    if (a.capacity - a.used < t.task.cost) return false;
    const declinedAt = t.declined.get(a.id);
    if (declinedAt !== undefined && now - declinedAt < this.cooldownMs) return false;
    return meetsSkills(a, t.task.requiredSkills);
  }

  private reservedFor(agentId: string): number {
    let sum = 0;
    for (const t of this.tasks.values()) if (t.phase === 'reserved' && t.agentId === agentId) sum += t.task.cost;
    return sum;
  }

  private takeOffer(offerId: string): TaskState | undefined {
    const taskId = this.offers.get(offerId);
    if (!taskId) return undefined;
    this.offers.delete(offerId);
    this.settle(offerId);
    const t = this.tasks.get(taskId);
    if (!t || t.offerId !== offerId) return undefined;
    t.offerId = null;
    return t;
  }

  /** Remembers recent settled offers so a late duplicate offer.created cannot revive one. */
  private settle(offerId: string): void {
    this.settled.add(offerId);
    if (this.settled.size > 10_000) {
      const oldest = this.settled.values().next().value;
      if (oldest !== undefined) this.settled.delete(oldest);
    }
  }

  private release(agentId: string, cost: number, now: number, resetIdle = true): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.used = Math.max(0, agent.used - cost);
    if (resetIdle && agent.used === 0) agent.idleSince = now;
  }
}
