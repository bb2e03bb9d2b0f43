import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { SkillRequirement, TaskStatus } from '../../db/schema.js';
import type { EngineAgent, EngineTask, Explanation } from '../engine/index.js';
import type { PresenceStatus } from '../../contracts/index.js';

/** Postgres side of routing: every state change is one short transaction whose constraints make leases safe across runtimes. */

export interface AgentRecord {
  id: string;
  status: PresenceStatus;
  capacity: number;
  used: number;
  lastAssignedAt: Date | null;
  statusSince: Date;
  missedOffers: number;
  wrapUpUntil: Date | null;
  skills: Record<string, number>;
}

export interface LeaseResult {
  offerId: string;
  expiresAt: Date;
}

export type OfferOutcome = { ok: true; taskId: string; agentId: string; cost: number; conversationId: string } | { ok: false; code: string; message: string };

const isConstraintViolation = (err: unknown) => {
  const code = (err as { code?: string }).code;
  return code === '23514' || code === '23505';
};

export async function loadAgents(db: Db, ids?: string[]): Promise<AgentRecord[]> {
  let q = db
    .selectFrom('agent_state')
    .innerJoin('users', 'users.id', 'agent_state.user_id')
    .selectAll('agent_state')
    .where('users.disabled', '=', false);
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('agent_state.user_id', 'in', ids);
  }
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const skills = await db
    .selectFrom('agent_skills')
    .select(['user_id', 'skill', 'level'])
    .where(
      'user_id',
      'in',
      rows.map((r) => r.user_id),
    )
    .execute();
  return rows.map((r) => ({
    id: r.user_id,
    status: r.status,
    capacity: r.capacity,
    used: r.used,
    lastAssignedAt: r.last_assigned_at,
    statusSince: r.status_since,
    missedOffers: r.missed_offers,
    wrapUpUntil: r.wrap_up_until,
    skills: Object.fromEntries(skills.filter((s) => s.user_id === r.user_id).map((s) => [s.skill, s.level])),
  }));
}

export function toEngineAgent(a: AgentRecord, connected: boolean): EngineAgent {
  return {
    id: a.id,
    status: a.status,
    connected,
    capacity: a.capacity,
    used: a.used,
    skills: a.skills,
    idleSince: Math.max(a.lastAssignedAt?.getTime() ?? 0, a.statusSince.getTime()),
    missedOffers: a.missedOffers,
    ...(a.wrapUpUntil ? { wrapUpUntil: a.wrapUpUntil.getTime() } : {}),
  };
}

export interface OpenTask extends EngineTask {
  status: 'waiting' | 'offered';
  pendingOffer: { offerId: string; agentId: string; expiresAt: Date } | null;
}

/** Tasks still in the queue (waiting or on offer), with their live offer. */
export async function loadOpenTasks(db: Db, ids?: string[]): Promise<OpenTask[]> {
  let q = db
    .selectFrom('routing_tasks')
    .leftJoin('offers', (j) => j.onRef('offers.task_id', '=', 'routing_tasks.id').on('offers.status', '=', 'pending'))
    .select([
      'routing_tasks.id',
      'routing_tasks.queue_id',
      'routing_tasks.channel',
      'routing_tasks.priority',
      'routing_tasks.cost',
      'routing_tasks.required_skills',
      'routing_tasks.enqueued_at',
      'routing_tasks.status',
      'offers.id as offer_id',
      'offers.agent_id',
      'offers.expires_at',
      'routing_tasks.customer_id',
      // Sticky routing is keyed by the customer across channels: the agent who last took their work.
      (eb) =>
        eb
          .selectFrom('routing_tasks as prev')
          .select('prev.assigned_agent_id')
          .whereRef('prev.customer_id', '=', 'routing_tasks.customer_id')
          .where('prev.assigned_agent_id', 'is not', null)
          .orderBy('prev.assigned_at', 'desc')
          .limit(1)
          .as('sticky_agent_id'),
    ])
    .where('routing_tasks.status', 'in', ['waiting', 'offered']);
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('routing_tasks.id', 'in', ids);
  }
  const rows = await q.orderBy('routing_tasks.enqueued_at').execute();
  return rows.map((r) => ({
    id: r.id,
    queueId: r.queue_id,
    channel: r.channel,
    priority: r.priority,
    cost: r.cost,
    requiredSkills: r.required_skills as SkillRequirement[],
    enqueuedAt: r.enqueued_at.getTime(),
    ...(r.customer_id ? { customerId: r.customer_id } : {}),
    stickyAgentId: r.sticky_agent_id ?? null,
    status: r.status as 'waiting' | 'offered',
    pendingOffer: r.offer_id && r.agent_id && r.expires_at ? { offerId: r.offer_id, agentId: r.agent_id, expiresAt: r.expires_at } : null,
  }));
}

/**
 * Takes the offer lease: the task must still be waiting, the agent available
 * with room (the capacity check constraint), and no other pending offer may
 * exist for the task (partial unique index). Any of these failing → null.
 */
export async function takeLease(db: Db, taskId: string, agentId: string, cost: number, timeoutMs: number, why: Explanation): Promise<LeaseResult | null> {
  try {
    return await db.transaction().execute(async (tx) => {
      const task = await tx
        .updateTable('routing_tasks')
        .set({ status: 'offered' })
        .where('id', '=', taskId)
        .where('status', '=', 'waiting')
        .returning('id')
        .executeTakeFirst();
      if (!task) return null;
      const agent = await tx
        .updateTable('agent_state')
        .set((eb) => ({ used: eb('used', '+', cost) }))
        .where('user_id', '=', agentId)
        .where('status', '=', 'available')
        .returning('user_id')
        .executeTakeFirst();
      if (!agent) throw new LeaseLost();
      const offer = await tx
        .insertInto('offers')
        .values({
          task_id: taskId,
          agent_id: agentId,
          cost,
          reason: JSON.stringify(why),
          expires_at: sql<Date>`now() + ${`${timeoutMs} milliseconds`}::interval`,
          decided_at: null,
        })
        .returning(['id', 'expires_at'])
        .executeTakeFirstOrThrow();
      return { offerId: offer.id, expiresAt: offer.expires_at };
    });
  } catch (err) {
    if (err instanceof LeaseLost || isConstraintViolation(err)) return null;
    throw err;
  }
}

class LeaseLost extends Error {}

/** Accepts a pending, unexpired offer held by this agent; the task becomes assigned in the same transaction. */
export async function acceptOffer(db: Db, offerId: string, agentId: string): Promise<OfferOutcome> {
  return db.transaction().execute(async (tx) => {
    const offer = await tx
      .updateTable('offers')
      .set({ status: 'accepted', decided_at: sql<Date>`now()` })
      .where('id', '=', offerId)
      .where('agent_id', '=', agentId)
      .where('status', '=', 'pending')
      .where('expires_at', '>', sql<Date>`clock_timestamp()`)
      .returning(['task_id', 'cost'])
      .executeTakeFirst();
    if (!offer) return refusal(await tx.selectFrom('offers').select(['agent_id', 'status', 'expires_at']).where('id', '=', offerId).executeTakeFirst(), agentId);
    const task = await tx
      .updateTable('routing_tasks')
      .set({ status: 'assigned', assigned_agent_id: agentId, assigned_at: sql<Date>`now()` })
      .where('id', '=', offer.task_id)
      .returning('conversation_id')
      .executeTakeFirstOrThrow();
    await tx.updateTable('conversations').set({ assigned_agent_id: agentId, updated_at: new Date() }).where('id', '=', task.conversation_id).execute();
    await tx.updateTable('agent_state').set({ last_assigned_at: sql<Date>`now()`, missed_offers: 0 }).where('user_id', '=', agentId).execute();
    return { ok: true, taskId: offer.task_id, agentId, cost: offer.cost, conversationId: task.conversation_id };
  });
}

function refusal(row: { agent_id: string; status: string; expires_at: Date } | undefined, agentId: string): OfferOutcome {
  if (!row || row.agent_id !== agentId) return { ok: false, code: 'offer_not_found', message: 'no such offer for you' };
  if (row.status === 'pending' || row.status === 'expired') return { ok: false, code: 'offer_expired', message: 'the offer has expired' };
  return { ok: false, code: 'offer_decided', message: `the offer was already ${row.status}` };
}

/** Ends a pending offer without assignment (reject, expiry, cancel): capacity back, task waiting again. */
export async function endOffer(
  db: Db,
  offerId: string,
  status: 'rejected' | 'expired' | 'cancelled',
  agentId?: string,
): Promise<OfferOutcome> {
  return db.transaction().execute(async (tx) => {
    let q = tx.updateTable('offers').set({ status, decided_at: sql<Date>`now()` }).where('id', '=', offerId).where('status', '=', 'pending');
    if (agentId) q = q.where('agent_id', '=', agentId);
    if (status === 'rejected') q = q.where('expires_at', '>', sql<Date>`clock_timestamp()`);
    const offer = await q.returning(['task_id', 'agent_id', 'cost']).executeTakeFirst();
    if (!offer) return refusal(await tx.selectFrom('offers').select(['agent_id', 'status', 'expires_at']).where('id', '=', offerId).executeTakeFirst(), agentId ?? '');
    await tx
      .updateTable('agent_state')
      // Silence counts towards "away"; a rejection is an answer and ends the run of misses.
      .set((eb) => ({
        used: eb('used', '-', offer.cost),
        missed_offers: status === 'expired' ? eb('missed_offers', '+', 1) : status === 'rejected' ? 0 : eb.ref('missed_offers'),
      }))
      .where('user_id', '=', offer.agent_id)
      .execute();
    const task = await tx
      .updateTable('routing_tasks')
      .set({ status: 'waiting' })
      .where('id', '=', offer.task_id)
      .where('status', '=', 'offered')
      .returning('conversation_id')
      .executeTakeFirstOrThrow();
    return { ok: true, taskId: offer.task_id, agentId: offer.agent_id, cost: offer.cost, conversationId: task.conversation_id };
  });
}

/** Offers whose lease ran out by the database clock. */
export async function overdueOffers(db: Db): Promise<{ id: string; agent_id: string }[]> {
  return db
    .selectFrom('offers')
    .select(['id', 'agent_id'])
    .where('status', '=', 'pending')
    .where('expires_at', '<=', sql<Date>`clock_timestamp()`)
    .execute();
}

/** Closes the conversation and its task; the agent gets the capacity back. Returns what was released. */
export async function completeConversation(
  db: Db,
  conversationId: string,
): Promise<{ taskId: string | null; agentId: string | null; cost: number; offerAgentIds: string[]; wrapUpMs: number } | null> {
  return db.transaction().execute(async (tx) => {
    const conv = await tx
      .updateTable('conversations')
      .set({ status: 'closed', closed_at: sql<Date>`now()`, updated_at: new Date() })
      .where('id', '=', conversationId)
      .where('status', '=', 'open')
      .returning('id')
      .executeTakeFirst();
    if (!conv) return null;
    const task = await tx
      .updateTable('routing_tasks')
      .set({
        status: sql<TaskStatus>`case when status = 'assigned' then 'completed' else 'cancelled' end`,
        completed_at: sql<Date>`now()`,
        // Closed before any agent took it: the customer was not served.
        abandoned_at: sql<Date | null>`case when status = 'assigned' then null else now() end`,
      })
      .where('conversation_id', '=', conversationId)
      .where('status', 'in', ['waiting', 'offered', 'assigned'])
      .returning(['id', 'status', 'assigned_agent_id', 'cost', 'queue_id'])
      .executeTakeFirst();
    if (!task) return { taskId: null, agentId: null, cost: 0, offerAgentIds: [], wrapUpMs: 0 };
    // A still-pending offer for a closed conversation is void.
    const cancelled = await tx
      .updateTable('offers')
      .set({ status: 'cancelled', decided_at: sql<Date>`now()` })
      .where('task_id', '=', task.id)
      .where('status', '=', 'pending')
      .returning(['id', 'agent_id', 'cost'])
      .execute();
    for (const o of cancelled) {
      await tx.updateTable('agent_state').set((eb) => ({ used: eb('used', '-', o.cost) })).where('user_id', '=', o.agent_id).execute();
    }
    if (task.status === 'completed' && task.assigned_agent_id) {
      const queue = await tx.selectFrom('queues').select('wrap_up_seconds').where('id', '=', task.queue_id).executeTakeFirstOrThrow();
      const wrapUpMs = queue.wrap_up_seconds * 1000;
      await tx
        .updateTable('agent_state')
        .set((eb) => ({
          used: eb('used', '-', task.cost),
          ...(wrapUpMs > 0 ? { wrap_up_until: sql<Date>`now() + ${`${wrapUpMs} milliseconds`}::interval` } : {}),
        }))
        .where('user_id', '=', task.assigned_agent_id)
        .execute();
      return { taskId: task.id, agentId: task.assigned_agent_id, cost: task.cost, offerAgentIds: [], wrapUpMs };
    }
    return { taskId: task.id, agentId: null, cost: 0, offerAgentIds: cancelled.map((o) => o.agent_id), wrapUpMs: 0 };
  });
}

export async function setStatus(db: Db, agentId: string, status: PresenceStatus): Promise<void> {
  await db
    .updateTable('agent_state')
    .set({ status, status_since: sql<Date>`now()`, missed_offers: status === 'available' ? 0 : sql<number>`missed_offers` })
    .where('user_id', '=', agentId)
    .where('status', '!=', status)
    .execute();
}

/** Records a routing decision that is not an offer (offers keep theirs in offers.reason). */
export async function recordEvent(db: Db, kind: string, ids: { taskId?: string | null; agentId?: string | null }, data: Record<string, unknown>): Promise<void> {
  await db
    .insertInto('routing_events')
    .values({ task_id: ids.taskId ?? null, agent_id: ids.agentId ?? null, kind, data: JSON.stringify(data) })
    .execute();
}

export type ReassignOutcome =
  | { ok: true; taskId: string; fromAgentId: string | null; cancelledOfferAgentId: string | null }
  | { ok: false; code: 'not_found' | 'closed' | 'no_room' | 'not_an_agent'; message: string };

/**
 * Gives the conversation to another agent now (a supervisor's decision): a
 * waiting task is assigned directly, a live offer is cancelled, an assigned one
 * moves. The capacity constraint still holds: an agent without room is refused.
 */
export async function reassign(db: Db, conversationId: string, toAgentId: string): Promise<ReassignOutcome> {
  try {
    return await db.transaction().execute(async (tx) => {
      const task = await tx
        .selectFrom('routing_tasks')
        .select(['id', 'status', 'assigned_agent_id', 'cost'])
        .where('conversation_id', '=', conversationId)
        .where('status', 'in', ['waiting', 'offered', 'assigned'])
        .forUpdate()
        .executeTakeFirst();
      if (!task) {
        const conv = await tx.selectFrom('conversations').select('status').where('id', '=', conversationId).executeTakeFirst();
        return conv ? { ok: false as const, code: 'closed' as const, message: 'the conversation is closed' } : { ok: false as const, code: 'not_found' as const, message: 'conversation not found' };
      }
      if (task.assigned_agent_id === toAgentId) return { ok: true as const, taskId: task.id, fromAgentId: toAgentId, cancelledOfferAgentId: null };
      let cancelledOfferAgentId: string | null = null;
      const offer = await tx
        .updateTable('offers')
        .set({ status: 'cancelled', decided_at: sql<Date>`now()` })
        .where('task_id', '=', task.id)
        .where('status', '=', 'pending')
        .returning(['agent_id', 'cost'])
        .executeTakeFirst();
      if (offer) {
        cancelledOfferAgentId = offer.agent_id;
        await tx.updateTable('agent_state').set((eb) => ({ used: eb('used', '-', offer.cost) })).where('user_id', '=', offer.agent_id).execute();
      }
      if (task.status === 'assigned' && task.assigned_agent_id) {
        await tx.updateTable('agent_state').set((eb) => ({ used: eb('used', '-', task.cost) })).where('user_id', '=', task.assigned_agent_id).execute();
      }
      const taken = await tx
        .updateTable('agent_state')
        .set((eb) => ({ used: eb('used', '+', task.cost), last_assigned_at: sql<Date>`now()` }))
        .where('user_id', '=', toAgentId)
        .returning('user_id')
        .executeTakeFirst();
      if (!taken) throw new NotAnAgent();
      await tx
        .updateTable('routing_tasks')
        .set({ status: 'assigned', assigned_agent_id: toAgentId, assigned_at: sql<Date>`coalesce(assigned_at, now())` })
        .where('id', '=', task.id)
        .execute();
      await tx.updateTable('conversations').set({ assigned_agent_id: toAgentId, updated_at: new Date() }).where('id', '=', conversationId).execute();
      return { ok: true as const, taskId: task.id, fromAgentId: task.assigned_agent_id, cancelledOfferAgentId };
    });
  } catch (err) {
    if (err instanceof NotAnAgent) return { ok: false, code: 'not_an_agent', message: 'that user cannot take conversations' };
    if ((err as { code?: string }).code === '23514') return { ok: false, code: 'no_room', message: 'that agent has no room for this conversation' };
    throw err;
  }
}

class NotAnAgent extends Error {}

/** Assigned → waiting again, keeping enqueued_at (its place in line); the agent's capacity comes back. */
export async function requeueAssigned(db: Db, conversationId: string, queueId?: string): Promise<{ taskId: string; agentId: string } | null> {
  return db.transaction().execute(async (tx) => {
    const task = await tx
      .selectFrom('routing_tasks')
      .select(['id', 'cost', 'assigned_agent_id'])
      .where('conversation_id', '=', conversationId)
      .where('status', '=', 'assigned')
      .forUpdate()
      .executeTakeFirst();
    if (!task?.assigned_agent_id) return null;
    // With a queueId the task changes queue but keeps its enqueued_at, so it keeps its place by waiting time.
    await tx.updateTable('routing_tasks').set({ status: 'waiting', assigned_agent_id: null, assigned_at: null, ...(queueId ? { queue_id: queueId } : {}) }).where('id', '=', task.id).execute();
    await tx.updateTable('conversations').set({ assigned_agent_id: null, updated_at: new Date(), ...(queueId ? { queue_id: queueId } : {}) }).where('id', '=', conversationId).execute();
    await tx.updateTable('agent_state').set((eb) => ({ used: eb('used', '-', task.cost) })).where('user_id', '=', task.assigned_agent_id).execute();
    return { taskId: task.id, agentId: task.assigned_agent_id };
  });
}

export async function hasEvent(db: Db, taskId: string, kind: string, contains: Record<string, unknown>): Promise<boolean> {
  const row = await db
    .selectFrom('routing_events')
    .select('id')
    .where('task_id', '=', taskId)
    .where('kind', '=', kind)
    .where(sql<boolean>`data @> ${JSON.stringify(contains)}::jsonb`)
    .executeTakeFirst();
  return row !== undefined;
}
