/**
 * The naive router the engine is measured against: the same decisions for the benchmark's
 * configuration (queues with skill expressions, longest idle first, FIFO, capacity in cost units;
 * no escalation, aging, stickiness or wrap-up), and no indexes. Every `decide` walks every waiting
 * task in FIFO order and, for each, scans every agent for the longest-idle one that is available,
 * has room and meets the queue's requirement — what a first implementation looks like. Its only
 * shortcut: it first lists the agents with room for the smallest task (one pass over all agents) and
 * checks each task against that list, stopping when nobody is left with room.
 */
import { meetsExpr } from '../../src/routing/engine/index.js';
import type { Decision, EngineAgent, EngineEvent, EngineTask, QueueConfig, SkillExpr } from '../../src/routing/engine/index.js';

interface NaiveAgent {
  a: EngineAgent;
  ready: boolean;
}

interface NaiveTask {
  t: EngineTask;
  req: SkillExpr | null;
  phase: 'waiting' | 'reserved' | 'offered';
  agentId: string | null;
}

export class NaiveRouter {
  private readonly agents: NaiveAgent[] = [];
  private readonly agentById = new Map<string, NaiveAgent>();
  /** Waiting tasks in FIFO order (all one priority in this benchmark): a plain array. */
  private waiting: NaiveTask[] = [];
  private readonly tasks = new Map<string, NaiveTask>();
  private readonly offers = new Map<string, NaiveTask>();
  private readonly queues = new Map<string, QueueConfig>();
  private minCost = Number.POSITIVE_INFINITY;

  apply(e: EngineEvent, now: number): boolean {
    switch (e.type) {
      case 'queue.upserted':
        this.queues.set(e.queue.id, e.queue);
        return true;
      case 'agent.upserted': {
        const a = { ...e.agent, skills: { ...e.agent.skills } };
        const s = this.agentById.get(a.id);
        if (s) s.a = a;
        else {
          const n = { a, ready: false };
          this.agents.push(n);
          this.agentById.set(a.id, n);
        }
        const x = this.agentById.get(a.id)!;
        x.ready = a.status === 'available' && a.connected;
        return true;
      }
      case 'task.added': {
        const q = this.queues.get(e.task.queueId);
        const t: NaiveTask = { t: { ...e.task }, req: q ? q.requirement : null, phase: 'waiting', agentId: null };
        this.tasks.set(t.t.id, t);
        this.waiting.push(t);
        this.minCost = Math.min(this.minCost, t.t.cost);
        return true;
      }
      case 'offer.created': {
        const t = this.tasks.get(e.taskId);
        if (!t || t.phase !== 'reserved') return false;
        t.phase = 'offered';
        this.offers.set(e.offerId, t);
        return true;
      }
      case 'offer.accepted': {
        const t = this.offers.get(e.offerId);
        if (!t) return false;
        this.offers.delete(e.offerId);
        this.tasks.delete(t.t.id);
        const s = t.agentId ? this.agentById.get(t.agentId) : undefined;
        if (s) s.a.idleSince = now;
        return true;
      }
      case 'work.released': {
        const s = this.agentById.get(e.agentId);
        if (!s) return false;
        s.a.used = Math.max(0, s.a.used - e.cost);
        if (s.a.used === 0) s.a.idleSince = now;
        return true;
      }
      default:
        return false;
    }
  }

  decide(_now: number): Decision[] {
    const ds: Decision[] = [];
    // Agents with room for at least the smallest task: one pass over every agent.
    let free = this.agents.filter((s) => s.ready && s.a.capacity - s.a.used >= this.minCost);
    if (free.length === 0) return ds;
    const keep: NaiveTask[] = [];
    let i = 0;
    // Every waiting task in FIFO order, each checked against every agent with room.
    for (; i < this.waiting.length && free.length > 0; i++) {
      const t = this.waiting[i]!;
      let best: NaiveAgent | null = null;
      let candidates = 0;
      for (const s of free) {
        if (s.a.capacity - s.a.used < t.t.cost || !meetsExpr(s.a.skills, t.req)) continue;
        candidates += 1;
        if (!best || s.a.idleSince < best.a.idleSince || (s.a.idleSince === best.a.idleSince && s.a.id < best.a.id)) best = s;
      }
      if (!best) {
        keep.push(t);
        continue;
      }
      best.a.used += t.t.cost;
      t.phase = 'reserved';
      t.agentId = best.a.id;
      ds.push({
        type: 'offer',
        taskId: t.t.id,
        agentId: best.a.id,
        cost: t.t.cost,
        why: { rule: 'longest-idle', candidates, ranked: [best.a.id], summary: 'naive scan' },
      });
      if (best.a.capacity - best.a.used < this.minCost) free = free.filter((s) => s !== best);
    }
    if (ds.length > 0) this.waiting = keep.concat(this.waiting.slice(i));
    return ds;
  }

  waitingCount(): number {
    return this.waiting.length;
  }
}
