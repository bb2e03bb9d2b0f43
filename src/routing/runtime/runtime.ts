import type { AgentSelfDto, AgentServerToClient, ConversationDto, OfferDto, PresenceStatus } from '../../contracts/index.js';
import { conversationDto } from '../../conversations/dto.js';
import type { Db } from '../../db/index.js';
import type { ConversationClosed } from '../../events.js';
import type { Logger } from '../../logger.js';
import { RoutingEngine, type Decision, type EngineOptions } from '../engine/index.js';
import { loadQueueConfigs } from './queues.js';
import * as store from './store.js';

/** Sends an event to every console an agent has open, on any hub process. */
export interface AgentNotifier {
  notify<E extends keyof AgentServerToClient>(agentId: string, event: E, ...args: Parameters<AgentServerToClient[E]>): void;
}

export interface PresenceView {
  /** Agents with at least one console connected, on any hub process (among `only`, when given). */
  connectedAgents(only?: string[]): Promise<Set<string>>;
}

export interface RoutingMetrics {
  offer(outcome: 'offered' | 'accepted' | 'rejected' | 'expired' | 'lease_lost'): void;
  decision(seconds: number): void;
}

/** Something changed that the active engine must learn about. */
export type RoutingPoke = { kind: 'task'; id: string } | { kind: 'agent'; id: string } | { kind: 'queues' };

/**
 * Carries pokes from any hub process to the one whose engine is active.
 * In a single process it is a direct call; across processes, Redis pub/sub.
 */
export interface PokeBus {
  publish(poke: RoutingPoke): void;
}

export interface RoutingRuntimeOptions {
  db: Db;
  log: Logger;
  notifier: AgentNotifier;
  presence: PresenceView;
  metrics?: RoutingMetrics;
  offerTimeoutMs: number;
  /** How often the active engine expires lapsed offers and reconciles with Postgres. */
  tickMs?: number;
  engine?: EngineOptions;
  now?: () => number;
  /** Where pokes go when this process's engine is not the active one. */
  bus?: PokeBus;
  /** Called after any change supervisors would want to see (throttled by the listener). */
  onChange?: () => void;
  /** Called once an agent owns a task (after commit). */
  onAssigned?: (a: { taskId: string; conversationId: string; agentId: string; channel: ConversationDto['channel']; previousAgentId: string | null }) => void;
  /**
   * Called once per close that changed something (after commit), whoever closed: the route, a
   * hang-up, the dialer. Announcing here rather than in each caller is what keeps a new close path
   * from forgetting the holder's console and the chat widget; a repeat close announces nothing.
   */
  onClosed?: (c: ConversationClosed) => void;
}

export type RoutingResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/**
 * What the next routing step will take in. Pokes and this process's own changes that arrive while
 * a step runs wait here and are handled together by the step after it: one read per kind of row,
 * one engine pass, one round trip for all the leases it decides. An idle runtime starts a step at
 * once, so batching adds no wait; under load, batches grow instead of the backlog.
 */
interface Batch {
  tasks: Set<string>;
  agents: Set<string>;
  queues: boolean;
  /** Engine events for changes already committed here (accept, reject, close), in arrival order. */
  events: ((now: number, refresh: Set<string>) => void)[];
  done: Promise<void>;
}

/**
 * Feeds the pure engine from Postgres and the sockets and carries out its
 * decisions. All engine work runs one step at a time on an internal chain;
 * what arrives while a step runs is batched into the next one (see Batch).
 *
 * Several hub processes each have a runtime; one is *active* (it holds the
 * leader lease) and routes, the others stand by. Every runtime serves its own
 * agents' accept / reject / presence requests directly against Postgres — the
 * offer leases there are what keeps things correct — and pokes the active one
 * so its engine learns the change. The active runtime also reconciles with
 * Postgres on every tick, so a lost poke only delays, never strands, work.
 */
export class RoutingRuntime {
  private engine: RoutingEngine;
  private chain: Promise<unknown> = Promise.resolve();
  private batch: Batch | null = null;
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly o: RoutingRuntimeOptions) {
    this.engine = new RoutingEngine(o.engine);
    this.now = o.now ?? Date.now;
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Becomes the active engine: rebuilds from Postgres, then keeps in step on a timer. */
  async activate(): Promise<void> {
    this.stopped = false;
    if (this.active) return;
    this.active = true;
    await this.serial(() => this.rebuild());
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 1000);
    this.timer.unref();
    this.o.log.info('routing engine active');
  }

  /** Stands by: another process routes. Requests are still served against Postgres. */
  async deactivate(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    if (this.timer) clearInterval(this.timer);
    await this.chain.catch(() => undefined);
    this.engine = new RoutingEngine(this.o.engine);
    this.o.log.info('routing engine standing by');
  }

  /** Single-process start: active at once. */
  start(): Promise<void> {
    return this.activate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.deactivate();
    await this.chain.catch(() => undefined);
  }

  /** Applies a change that happened anywhere (this process or, via the bus, another). */
  poke(p: RoutingPoke): Promise<void> {
    if (!this.active) {
      this.o.bus?.publish(p);
      return Promise.resolve();
    }
    return this.enqueue((b) => {
      if (p.kind === 'task') b.tasks.add(p.id);
      else if (p.kind === 'agent') b.agents.add(p.id);
      else b.queues = true;
    });
  }

  taskCreated(taskId: string): Promise<void> {
    return this.poke({ kind: 'task', id: taskId });
  }

  /** A console connected or disconnected somewhere: refresh the agent and route. */
  agentChanged(agentId: string): Promise<void> {
    return this.poke({ kind: 'agent', id: agentId });
  }

  /** Queue configuration changed (admin API): apply without restart. */
  queuesChanged(): Promise<void> {
    return this.poke({ kind: 'queues' });
  }

  async setPresence(agentId: string, status: PresenceStatus): Promise<RoutingResult<AgentSelfDto>> {
    await store.setStatus(this.o.db, agentId, status);
    await this.agentChanged(agentId);
    const self = await this.agentSelf(agentId);
    return self ? { ok: true, value: self } : { ok: false, code: 'not_an_agent', message: 'this user has no agent state' };
  }

  async accept(agentId: string, offerId: string): Promise<RoutingResult<ConversationDto>> {
    const outcome = await store.acceptOffer(this.o.db, offerId, agentId);
    if (!outcome.ok) return outcome;
    this.o.metrics?.offer('accepted');
    let learned = Promise.resolve();
    if (this.active) learned = this.learn((now) => void this.engine.apply({ type: 'offer.accepted', offerId }, now));
    else this.o.bus?.publish({ kind: 'task', id: outcome.taskId });
    // The engine step and this read are independent: wait for both at once.
    const [, conversation] = await Promise.all([learned, conversationDto(this.o.db, outcome.conversationId)]);
    if (!conversation) return { ok: false, code: 'not_found', message: 'conversation not found' };
    this.o.notifier.notify(agentId, 'conversation:assigned', conversation);
    this.o.notifier.notify(agentId, 'presence', outcome.self);
    this.o.onAssigned?.({ taskId: outcome.taskId, conversationId: conversation.id, agentId, channel: conversation.channel, previousAgentId: null });
    this.o.onChange?.();
    return { ok: true, value: conversation };
  }

  /**
   * Takes an assigned task back into the queue at its original place (the
   * agent's call leg was not answered, the agent dropped): the agent's capacity
   * is freed and the task is offered again.
   */
  async requeue(conversationId: string, reason: string, opts: { queueId?: string } = {}): Promise<boolean> {
    const moved = await store.requeueAssigned(this.o.db, conversationId, opts.queueId);
    if (!moved) return false;
    await store.recordEvent(this.o.db, 'requeued', { taskId: moved.taskId, agentId: moved.agentId }, opts.queueId ? { reason, queueId: opts.queueId } : { reason });
    this.o.notifier.notify(moved.agentId, 'conversation:closed', { conversationId });
    await this.pushSelf(moved.agentId);
    await this.poke({ kind: 'task', id: moved.taskId });
    this.o.onChange?.();
    return true;
  }

  async reject(agentId: string, offerId: string): Promise<RoutingResult<null>> {
    const outcome = await store.endOffer(this.o.db, offerId, 'rejected', agentId);
    if (!outcome.ok) return outcome;
    this.o.metrics?.offer('rejected');
    if (this.active) await this.learn((now) => void this.engine.apply({ type: 'offer.rejected', offerId }, now));
    else this.o.bus?.publish({ kind: 'task', id: outcome.taskId });
    return { ok: true, value: null };
  }

  /**
   * The conversation ended: close its task, give capacity back (after wrap-up), route the next one.
   * actorUserId: the person closing, audited as `conversation.close` in the same statement.
   */
  async closeConversation(conversationId: string, opts: { actorUserId?: string } = {}): Promise<boolean> {
    const released = await store.completeConversation(this.o.db, conversationId, opts.actorUserId ?? null);
    if (!released) return false;
    if (this.active) {
      await this.learn((now, refresh) => {
        if (released.agentId) {
          this.engine.apply({ type: 'work.released', agentId: released.agentId, cost: released.cost, wrapUpMs: released.wrapUpMs }, now);
        } else if (released.taskId && this.engine.taskPhase(released.taskId) !== undefined) {
          // Closed before anyone took it: out of the queue, and any ringing offer's capacity back.
          this.engine.apply({ type: 'task.removed', taskId: released.taskId }, now);
          for (const id of released.offerAgentIds) refresh.add(id);
        }
      });
    } else if (released.agentId) this.o.bus?.publish({ kind: 'agent', id: released.agentId });
    else if (released.taskId) this.o.bus?.publish({ kind: 'task', id: released.taskId });
    if (released.self) this.o.notifier.notify(released.self.id, 'presence', released.self);
    else if (released.agentId) await this.pushSelf(released.agentId);
    this.o.onChange?.();
    this.o.onClosed?.(released.closed);
    return true;
  }

  /** A supervisor gives the conversation to an agent now; both consoles and the engine follow. */
  async reassign(conversationId: string, toAgentId: string): Promise<RoutingResult<ConversationDto>> {
    const outcome = await store.reassign(this.o.db, conversationId, toAgentId);
    if (!outcome.ok) return outcome;
    if (outcome.cancelledOfferAgentId) {
      const offer = await this.o.db.selectFrom('offers').select('id').where('task_id', '=', outcome.taskId).where('status', '=', 'cancelled').orderBy('decided_at', 'desc').executeTakeFirst();
      if (offer) this.o.notifier.notify(outcome.cancelledOfferAgentId, 'offer:revoked', { offerId: offer.id, reason: 'cancelled' });
    }
    if (outcome.fromAgentId && outcome.fromAgentId !== toAgentId) {
      this.o.notifier.notify(outcome.fromAgentId, 'conversation:closed', { conversationId });
      await this.pushSelf(outcome.fromAgentId);
    }
    if (outcome.cancelledOfferAgentId) await this.pushSelf(outcome.cancelledOfferAgentId);
    await this.pushSelf(toAgentId);
    await this.poke({ kind: 'task', id: outcome.taskId });
    const conversation = await conversationDto(this.o.db, conversationId);
    if (!conversation) return { ok: false, code: 'not_found', message: 'conversation not found' };
    this.o.notifier.notify(toAgentId, 'conversation:assigned', conversation);
    this.o.onAssigned?.({ taskId: outcome.taskId, conversationId, agentId: toAgentId, channel: conversation.channel, previousAgentId: outcome.fromAgentId });
    this.o.onChange?.();
    return { ok: true, value: conversation };
  }

  /**
   * The dialer bridged a live answer to this agent: the conversation's task is theirs now, through
   * the same capacity check as any assignment (an agent without room is refused). Unlike `reassign`
   * the agent must be available. Emits `task.assigned` like any assignment.
   */
  async assignDirect(conversationId: string, agentId: string): Promise<RoutingResult<ConversationDto>> {
    const agent = await this.o.db.selectFrom('agent_state').select('status').where('user_id', '=', agentId).executeTakeFirst();
    if (agent?.status !== 'available') return { ok: false, code: 'not_available', message: 'that agent is not available' };
    return this.reassign(conversationId, agentId);
  }

  /** Re-sends live offers to an agent whose console just (re)connected. */
  async pendingOffersFor(agentId: string): Promise<OfferDto[]> {
    const rows = await this.o.db
      .selectFrom('offers')
      .select(['id', 'task_id', 'expires_at'])
      .where('agent_id', '=', agentId)
      .where('status', '=', 'pending')
      .where('expires_at', '>', new Date())
      .execute();
    return store.offerViews(
      this.o.db,
      rows.map((r) => ({ offerId: r.id, taskId: r.task_id, expiresAt: r.expires_at })),
    );
  }

  async agentSelf(agentId: string): Promise<AgentSelfDto | null> {
    const row = await this.o.db
      .selectFrom('agent_state')
      .innerJoin('users', 'users.id', 'agent_state.user_id')
      .select(['users.id', 'users.email', 'users.name', 'users.role', 'agent_state.status', 'agent_state.capacity', 'agent_state.used'])
      .where('users.id', '=', agentId)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Tells the agent's consoles their load and status changed. */
  async pushSelf(agentId: string): Promise<void> {
    const self = await this.agentSelf(agentId);
    if (self) this.o.notifier.notify(agentId, 'presence', self);
  }

  /** Waits until every step queued so far has run (tests and shutdown). */
  idle(): Promise<void> {
    return this.serial(async () => undefined);
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step, step);
    this.chain = run.catch((err: unknown) => this.o.log.error({ err }, 'routing step failed'));
    return run;
  }

  /**
   * Adds to the batch the next step will take (starting that step if none is queued); resolves when
   * it has run. A failed step is logged, not passed on: what the callers changed is committed
   * already, and the next tick reconciles the engine with it.
   */
  private enqueue(fill: (b: Batch) => void): Promise<void> {
    let b = this.batch;
    if (!b) {
      const fresh: Batch = { tasks: new Set(), agents: new Set(), queues: false, events: [], done: Promise.resolve() };
      fresh.done = this.serial(async () => {
        // From here on, arrivals go to the next batch: this one's reads may already be under way.
        if (this.batch === fresh) this.batch = null;
        try {
          await this.flush(fresh);
        } catch (err) {
          this.o.log.error({ err }, 'routing step failed');
        }
      });
      this.batch = fresh;
      b = fresh;
    }
    fill(b);
    return b.done;
  }

  /**
   * Hands the engine a change this process committed (accept, reject, close) in the next step and
   * resolves once that step, with the offers that follow from it, has run, as before batching.
   * (Answering the caller before those offers was tried and measured no better under load.)
   */
  private learn(apply: (now: number, refresh: Set<string>) => void): Promise<void> {
    return this.enqueue((b) => b.events.push(apply));
  }

  /**
   * One routing step for a batch. Engine events first: they describe changes committed before they
   * were queued, and the reads that follow are at least as recent, so they can only confirm or
   * correct them, never be undone by them.
   */
  private async flush(b: Batch): Promise<void> {
    const now = this.now();
    const refresh = new Set(b.agents);
    for (const apply of b.events) apply(now, refresh);
    if (b.queues) await this.loadQueues();
    if (b.tasks.size > 0) for (const id of await this.reconcileTasks([...b.tasks])) refresh.add(id);
    if (refresh.size > 0) await this.refreshAgents([...refresh]);
    await this.pump();
  }

  private async tick(): Promise<void> {
    if (this.stopped || !this.active) return;
    await this.serial(async () => {
      await this.expireOverdue();
      await this.resyncTasks();
      await this.refreshAgents();
      await this.pump();
    }).catch(() => undefined);
  }

  private async rebuild(): Promise<void> {
    this.engine = new RoutingEngine(this.o.engine);
    await this.loadQueues();
    await this.refreshAgents();
    await this.resyncTasks();
    await this.expireOverdue();
    await this.pump();
  }

  private async loadQueues(): Promise<void> {
    const now = this.now();
    for (const queue of await loadQueueConfigs(this.o.db)) this.engine.apply({ type: 'queue.upserted', queue }, now);
  }

  /**
   * Agents as Postgres and presence see them now. Postgres' `used` counts every
   * pending offer and assignment, so it replaces the engine's figure (the engine
   * adds leases it is still taking itself).
   */
  private async refreshAgents(ids?: string[]): Promise<void> {
    const connected = await this.o.presence.connectedAgents(ids);
    const now = this.now();
    for (const a of await store.loadAgents(this.o.db, ids)) {
      const agent = store.toEngineAgent(a, connected.has(a.id));
      const known = this.engine.agent(a.id);
      if (known) agent.idleSince = Math.max(agent.idleSince, known.idleSince);
      this.engine.apply({ type: 'agent.upserted', agent }, now);
    }
  }

  /**
   * Brings tasks in the engine in line with Postgres (pokes: a new task, a change on another
   * process, a mismatch). Returns the agents whose capacity these tasks held or hold: only they
   * need Postgres' figures again.
   */
  private async reconcileTasks(ids: string[]): Promise<Set<string>> {
    const rows = new Map((await store.loadOpenTasks(this.o.db, ids)).map((t) => [t.id, t]));
    const now = this.now();
    const involved = new Set<string>();
    const left: string[] = [];
    for (const taskId of ids) {
      const row = rows.get(taskId);
      const phase = this.engine.taskPhase(taskId);
      if (phase === 'reserved') continue; // our own lease is being taken; its outcome will settle it
      const inStep = row ? (phase === 'waiting' && !row.pendingOffer) || (phase === 'offered' && row.pendingOffer !== null) : phase === undefined;
      if (inStep) continue;
      const before = this.engine.task(taskId)?.agentId;
      if (before) involved.add(before);
      if (row?.pendingOffer) involved.add(row.pendingOffer.agentId);
      if (phase !== undefined) this.engine.apply({ type: 'task.removed', taskId }, now);
      if (row) {
        this.engine.apply({ type: 'task.added', task: row }, now);
        if (row.pendingOffer) this.engine.apply({ type: 'offer.created', offerId: row.pendingOffer.offerId, taskId, agentId: row.pendingOffer.agentId }, now);
      }
      if (!row && phase !== undefined) left.push(taskId);
    }
    // A task that left on an accepted offer stays on its agent; a poke about it is about that agent too.
    if (left.length > 0) {
      const assigned = await this.o.db.selectFrom('routing_tasks').select('assigned_agent_id').where('id', 'in', left).execute();
      for (const a of assigned) if (a.assigned_agent_id) involved.add(a.assigned_agent_id);
    }
    return involved;
  }

  /** Learns tasks other processes created or changed, and forgets tasks no longer open. */
  private async resyncTasks(): Promise<void> {
    const open = await store.loadOpenTasks(this.o.db);
    const now = this.now();
    const openIds = new Set(open.map((t) => t.id));
    let changed = false;
    for (const id of this.engine.taskIds()) {
      if (!openIds.has(id) && this.engine.taskPhase(id) !== 'reserved') {
        this.engine.apply({ type: 'task.removed', taskId: id }, now);
        changed = true;
      }
    }
    for (const t of open) {
      const phase = this.engine.taskPhase(t.id);
      if (phase === 'reserved') continue;
      const inStep = (phase === 'waiting' && !t.pendingOffer) || (phase === 'offered' && t.pendingOffer !== null);
      if (inStep) continue;
      if (phase !== undefined) this.engine.apply({ type: 'task.removed', taskId: t.id }, now);
      this.engine.apply({ type: 'task.added', task: t }, now);
      if (t.pendingOffer) this.engine.apply({ type: 'offer.created', offerId: t.pendingOffer.offerId, taskId: t.id, agentId: t.pendingOffer.agentId }, now);
      changed = true;
    }
    if (changed) await this.refreshAgents();
  }

  private async expireOverdue(): Promise<void> {
    for (const o of await store.overdueOffers(this.o.db)) {
      const outcome = await store.endOffer(this.o.db, o.id, 'expired');
      if (!outcome.ok) continue;
      this.engine.apply({ type: 'offer.expired', offerId: o.id }, this.now());
      this.o.metrics?.offer('expired');
      this.o.notifier.notify(o.agent_id, 'offer:revoked', { offerId: o.id, reason: 'expired' });
      this.o.log.info({ offerId: o.id, agentId: o.agent_id, taskId: outcome.taskId }, 'offer expired');
      this.o.onChange?.();
    }
  }

  /**
   * Asks the engine what to do and does it; a lost lease is handed back to the engine. Every offer
   * of one pass is leased in one round trip and described in one more; the other decisions (rare:
   * away, escalation, overflow) go first, in order, so an overflowed task is offered from its new queue.
   */
  private async pump(): Promise<void> {
    if (this.stopped || !this.active) return;
    const started = performance.now();
    const decisions = this.engine.decide(this.now());
    this.o.metrics?.decision((performance.now() - started) / 1000);
    const offers = decisions.filter((d): d is OfferDecision => d.type === 'offer');
    try {
      for (const d of decisions) if (d.type !== 'offer') await this.carryOut(d);
    } catch (err) {
      this.unreserve(offers);
      throw err;
    }
    const lostAgents = await this.offer(offers);
    // Learn the truth only after the whole batch: earlier refreshes would not see leases still being taken.
    if (lostAgents.size > 0) await this.refreshAgents([...lostAgents]);
    if (decisions.length > 0) this.o.onChange?.();
  }

  private async carryOut(d: Exclude<Decision, OfferDecision>): Promise<void> {
    switch (d.type) {
      case 'task.overflowed':
        await this.o.db.updateTable('routing_tasks').set({ queue_id: d.toQueueId }).where('id', '=', d.taskId).execute();
        await store.recordEvent(this.o.db, 'overflowed', { taskId: d.taskId }, { from: d.fromQueueId, to: d.toQueueId });
        this.o.log.info({ taskId: d.taskId, from: d.fromQueueId, to: d.toQueueId }, 'task overflowed');
        return;
      case 'task.escalated':
        // A rebuilt engine replays steps already applied before a restart: record each step once.
        if (await store.hasEvent(this.o.db, d.taskId, 'escalated', { queueId: d.queueId, step: d.step })) return;
        await store.recordEvent(this.o.db, 'escalated', { taskId: d.taskId }, { queueId: d.queueId, step: d.step, reason: d.reason });
        this.o.log.info({ taskId: d.taskId, queueId: d.queueId, step: d.step, reason: d.reason }, 'task escalated');
        return;
      case 'agent.away': {
        await store.setStatus(this.o.db, d.agentId, 'away');
        await store.recordEvent(this.o.db, 'agent-away', { agentId: d.agentId }, { reason: d.reason, missed: d.missed });
        this.o.log.info({ agentId: d.agentId, missed: d.missed }, 'agent set away after missed offers');
        const self = await this.agentSelf(d.agentId);
        if (self) this.o.notifier.notify(d.agentId, 'presence', self);
        return;
      }
    }
  }

  /** Never leave the engine holding reservations after a failure: whatever did commit, the tick finds in Postgres. */
  private unreserve(ds: readonly OfferDecision[]): void {
    const now = this.now();
    for (const d of ds) this.engine.apply({ type: 'offer.failed', taskId: d.taskId, agentId: d.agentId }, now);
  }

  /** Takes the leases, tells the engine each outcome and the agents their offers. Returns the agents whose lease was lost. */
  private async offer(ds: readonly OfferDecision[]): Promise<Set<string>> {
    const lost = new Set<string>();
    if (ds.length === 0) return lost;
    // What the offers will show does not depend on who gets them: read it while the leases are taken.
    const detailsRead = store.offerDetails(
      this.o.db,
      ds.map((d) => d.taskId),
    ).catch((err: unknown) => {
      this.o.log.warn({ err }, 'offer details not read; reading them again');
      return null;
    });
    let leases: (store.LeaseResult | null)[];
    try {
      leases = await store.takeLeases(this.o.db, ds, this.o.offerTimeoutMs);
    } catch (err) {
      this.unreserve(ds);
      throw err;
    }
    const now = this.now();
    const failed: string[] = [];
    const made: (store.LeaseMade & { agentId: string })[] = [];
    ds.forEach((d, i) => {
      const lease = leases[i];
      if (!lease) {
        this.engine.apply({ type: 'offer.failed', taskId: d.taskId, agentId: d.agentId }, now);
        this.o.metrics?.offer('lease_lost');
        lost.add(d.agentId);
        failed.push(d.taskId);
        return;
      }
      this.engine.apply({ type: 'offer.created', offerId: lease.offerId, taskId: d.taskId, agentId: d.agentId }, now);
      this.o.metrics?.offer('offered');
      this.o.log.info({ offerId: lease.offerId, taskId: d.taskId, agentId: d.agentId, why: d.why.summary }, 'offer made');
      made.push({ offerId: lease.offerId, taskId: d.taskId, expiresAt: lease.expiresAt, agentId: d.agentId });
    });
    if (made.length > 0) {
      const details =
        (await detailsRead) ??
        (await store.offerDetails(
          this.o.db,
          made.map((m) => m.taskId),
        ));
      for (const m of made) {
        const shown = details.get(m.taskId);
        if (shown) this.o.notifier.notify(m.agentId, 'offer', store.toOfferDto(m, shown));
      }
    }
    if (failed.length > 0) {
      // Someone else moved first (another runtime, a closed conversation): forget tasks no longer open.
      const open = new Set((await store.loadOpenTasks(this.o.db, failed)).map((t) => t.id));
      for (const taskId of failed) if (!open.has(taskId)) this.engine.apply({ type: 'task.removed', taskId }, now);
    }
    return lost;
  }
}

type OfferDecision = Extract<Decision, { type: 'offer' }>;
