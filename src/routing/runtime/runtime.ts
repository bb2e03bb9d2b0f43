import type { AgentSelfDto, AgentServerToClient, ConversationDto, OfferDto, PresenceStatus } from '../../contracts/index.js';
import { conversationDto } from '../../conversations/dto.js';
import type { Db } from '../../db/index.js';
import type { Logger } from '../../logger.js';
import { RoutingEngine, type Decision, type EngineOptions } from '../engine/index.js';
import * as store from './store.js';

/** Sends an event to every console an agent has open, on any hub process. */
export interface AgentNotifier {
  notify<E extends keyof AgentServerToClient>(agentId: string, event: E, ...args: Parameters<AgentServerToClient[E]>): void;
}

export interface PresenceView {
  /** Agents with at least one console connected, on any hub process. */
  connectedAgents(): Promise<Set<string>>;
}

export interface RoutingMetrics {
  offer(outcome: 'offered' | 'accepted' | 'rejected' | 'expired' | 'lease_lost'): void;
  decision(seconds: number): void;
}

export interface RoutingRuntimeOptions {
  db: Db;
  log: Logger;
  notifier: AgentNotifier;
  presence: PresenceView;
  metrics?: RoutingMetrics;
  offerTimeoutMs: number;
  /** How often to expire lapsed offers and pick up work other processes created. */
  tickMs?: number;
  engine?: EngineOptions;
  now?: () => number;
}

export type RoutingResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/**
 * Feeds the pure engine from Postgres and the sockets and carries out its
 * decisions. All work runs one step at a time on an internal chain, so the
 * engine never sees interleaved events; Postgres leases keep several runtimes
 * (or a runtime and a stale view) from ever double-offering.
 */
export class RoutingRuntime {
  private engine: RoutingEngine;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly o: RoutingRuntimeOptions) {
    this.engine = new RoutingEngine(o.engine);
    this.now = o.now ?? Date.now;
  }

  /** Rebuilds the engine from Postgres, then keeps it in step on a timer. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.serial(() => this.rebuild());
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 1000);
    this.timer.unref();
  }

  /** Stops taking new steps and waits for the one under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain.catch(() => undefined);
  }

  taskCreated(taskId: string): Promise<void> {
    return this.serial(async () => {
      const [task] = await store.loadOpenTasks(this.o.db, [taskId]);
      if (task) this.engine.apply({ type: 'task.added', task }, this.now());
      await this.pump();
    });
  }

  /** A console connected or disconnected somewhere: refresh the agent and route. */
  agentChanged(agentId: string): Promise<void> {
    return this.serial(async () => {
      await this.refreshAgents([agentId]);
      await this.pump();
    });
  }

  setPresence(agentId: string, status: PresenceStatus): Promise<RoutingResult<AgentSelfDto>> {
    return this.serial(async () => {
      await store.setStatus(this.o.db, agentId, status);
      await this.refreshAgents([agentId]);
      await this.pump();
      const self = await this.agentSelf(agentId);
      return self ? { ok: true as const, value: self } : { ok: false as const, code: 'not_an_agent', message: 'this user has no agent state' };
    });
  }

  accept(agentId: string, offerId: string): Promise<RoutingResult<ConversationDto>> {
    return this.serial(async () => {
      const outcome = await store.acceptOffer(this.o.db, offerId, agentId);
      if (!outcome.ok) return outcome;
      this.engine.apply({ type: 'offer.accepted', offerId }, this.now());
      this.o.metrics?.offer('accepted');
      const conversation = await conversationDto(this.o.db, outcome.conversationId);
      if (!conversation) return { ok: false as const, code: 'not_found', message: 'conversation not found' };
      this.o.notifier.notify(agentId, 'conversation:assigned', conversation);
      return { ok: true as const, value: conversation };
    });
  }

  reject(agentId: string, offerId: string): Promise<RoutingResult<null>> {
    return this.serial(async () => {
      const outcome = await store.endOffer(this.o.db, offerId, 'rejected', agentId);
      if (!outcome.ok) return outcome;
      this.engine.apply({ type: 'offer.rejected', offerId }, this.now());
      this.o.metrics?.offer('rejected');
      await this.pump();
      return { ok: true as const, value: null };
    });
  }

  /** The conversation ended: close its task, give capacity back, route the next one. */
  closeConversation(conversationId: string): Promise<boolean> {
    return this.serial(async () => {
      const released = await store.completeConversation(this.o.db, conversationId);
      if (!released) return false;
      if (released.agentId) {
        this.engine.apply({ type: 'work.released', agentId: released.agentId, cost: released.cost }, this.now());
      }
      await this.resyncTasks();
      await this.pump();
      return true;
    });
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
    const offers: OfferDto[] = [];
    for (const r of rows) {
      const dto = await this.offerDto(r.id, r.task_id, r.expires_at);
      if (dto) offers.push(dto);
    }
    return offers;
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

  /** Waits until every step queued so far has run (tests and shutdown). */
  idle(): Promise<void> {
    return this.serial(async () => undefined);
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step, step);
    this.chain = run.catch((err: unknown) => this.o.log.error({ err }, 'routing step failed'));
    return run;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    await this.serial(async () => {
      await this.expireOverdue();
      await this.resyncTasks();
      await this.refreshAgents();
      await this.pump();
    }).catch(() => undefined);
  }

  private async rebuild(): Promise<void> {
    const engine = new RoutingEngine(this.o.engine);
    const now = this.now();
    const tasks = await store.loadOpenTasks(this.o.db);
    const connected = await this.o.presence.connectedAgents();
    for (const a of await store.loadAgents(this.o.db)) {
      engine.apply({ type: 'agent.upserted', agent: store.toEngineAgent(a, connected.has(a.id)) }, now);
    }
    for (const t of tasks) {
      engine.apply({ type: 'task.added', task: t }, now);
      if (t.pendingOffer) engine.apply({ type: 'offer.created', offerId: t.pendingOffer.offerId, taskId: t.id, agentId: t.pendingOffer.agentId }, now);
    }
    this.engine = engine;
    await this.expireOverdue();
    await this.pump();
  }

  /**
   * Agents as Postgres and presence see them now. Postgres' `used` counts every
   * pending offer and assignment, so it replaces the engine's figure; steps run
   * one at a time, so no unconfirmed reservation is in flight here.
   */
  private async refreshAgents(ids?: string[]): Promise<void> {
    const connected = await this.o.presence.connectedAgents();
    const now = this.now();
    for (const a of await store.loadAgents(this.o.db, ids)) {
      const agent = store.toEngineAgent(a, connected.has(a.id));
      const known = this.engine.agent(a.id);
      if (known) agent.idleSince = Math.max(agent.idleSince, known.idleSince);
      this.engine.apply({ type: 'agent.upserted', agent }, now);
    }
  }

  /** Learns tasks other processes created or released, and forgets tasks no longer open. */
  private async resyncTasks(): Promise<void> {
    const open = await store.loadOpenTasks(this.o.db);
    const now = this.now();
    const openIds = new Set(open.map((t) => t.id));
    for (const id of this.engine.taskIds()) if (!openIds.has(id)) this.engine.apply({ type: 'task.removed', taskId: id }, now);
    for (const t of open) {
      const phase = this.engine.taskPhase(t.id);
      if (phase === undefined) {
        this.engine.apply({ type: 'task.added', task: t }, now);
        if (t.pendingOffer) this.engine.apply({ type: 'offer.created', offerId: t.pendingOffer.offerId, taskId: t.id, agentId: t.pendingOffer.agentId }, now);
      }
    }
  }

  private async expireOverdue(): Promise<void> {
    for (const o of await store.overdueOffers(this.o.db)) {
      const outcome = await store.endOffer(this.o.db, o.id, 'expired');
      if (!outcome.ok) continue;
      this.engine.apply({ type: 'offer.expired', offerId: o.id }, this.now());
      this.o.metrics?.offer('expired');
      this.o.notifier.notify(o.agent_id, 'offer:revoked', { offerId: o.id, reason: 'expired' });
      this.o.log.info({ offerId: o.id, agentId: o.agent_id, taskId: outcome.taskId }, 'offer expired');
    }
  }

  /** Asks the engine what to do and does it; a lost lease is handed back to the engine. */
  private async pump(): Promise<void> {
    if (this.stopped) return;
    const started = performance.now();
    const decisions = this.engine.decide(this.now());
    this.o.metrics?.decision((performance.now() - started) / 1000);
    for (const d of decisions) await this.carryOut(d);
  }

  private async carryOut(d: Decision): Promise<void> {
    if (d.type === 'task.overflowed') {
      await this.o.db.updateTable('routing_tasks').set({ queue_id: d.toQueueId }).where('id', '=', d.taskId).execute();
      this.o.log.info({ taskId: d.taskId, from: d.fromQueueId, to: d.toQueueId }, 'task overflowed');
      return;
    }
    if (d.type === 'task.escalated') {
      this.o.log.info({ taskId: d.taskId, queueId: d.queueId, step: d.step, reason: d.reason }, 'task escalated');
      return;
    }
    if (d.type === 'agent.away') {
      await store.setStatus(this.o.db, d.agentId, 'away');
      this.o.log.info({ agentId: d.agentId, missed: d.missed }, 'agent set away after missed offers');
      const self = await this.agentSelf(d.agentId);
      if (self) this.o.notifier.notify(d.agentId, 'presence', self);
      return;
    }
    const lease = await store.takeLease(this.o.db, d.taskId, d.agentId, d.cost, this.o.offerTimeoutMs, d.why);
    const now = this.now();
    if (!lease) {
      this.engine.apply({ type: 'offer.failed', taskId: d.taskId, agentId: d.agentId }, now);
      this.o.metrics?.offer('lease_lost');
      // Someone else moved first: learn the truth for this agent and task.
      await this.refreshAgents([d.agentId]);
      const [task] = await store.loadOpenTasks(this.o.db, [d.taskId]);
      if (!task) this.engine.apply({ type: 'task.removed', taskId: d.taskId }, now);
      return;
    }
    this.engine.apply({ type: 'offer.created', offerId: lease.offerId, taskId: d.taskId, agentId: d.agentId }, now);
    this.o.metrics?.offer('offered');
    this.o.log.info({ offerId: lease.offerId, taskId: d.taskId, agentId: d.agentId, why: d.why.summary }, 'offer made');
    const dto = await this.offerDto(lease.offerId, d.taskId, lease.expiresAt);
    if (dto) this.o.notifier.notify(d.agentId, 'offer', dto);
  }

  private async offerDto(offerId: string, taskId: string, expiresAt: Date): Promise<OfferDto | null> {
    const task = await this.o.db
      .selectFrom('routing_tasks')
      .innerJoin('queues', 'queues.id', 'routing_tasks.queue_id')
      .select(['routing_tasks.conversation_id', 'routing_tasks.channel', 'queues.name as queue'])
      .where('routing_tasks.id', '=', taskId)
      .executeTakeFirst();
    if (!task) return null;
    const conversation = await conversationDto(this.o.db, task.conversation_id);
    if (!conversation) return null;
    const last = await this.o.db
      .selectFrom('messages')
      .select('body')
      .where('conversation_id', '=', task.conversation_id)
      .where('direction', '=', 'in')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return {
      offerId,
      taskId,
      conversationId: task.conversation_id,
      channel: task.channel,
      queue: task.queue,
      customer: conversation.customer,
      expiresAt: expiresAt.toISOString(),
      preview: last ? last.body.slice(0, 140) : null,
    };
  }
}
