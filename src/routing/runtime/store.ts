import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { SkillRequirement, TaskStatus } from '../../db/schema.js';
import type { EngineAgent, EngineTask, Explanation } from '../engine/index.js';
import type { AgentSelfDto, OfferDto, PresenceStatus } from '../../contracts/index.js';
import { readableIdentities } from '../../conversations/dto.js';
import type { ConversationClosed } from '../../events.js';

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

/** An accepted offer, with the agent as they stand right after (for their consoles, without another read). */
export type AcceptOutcome = { ok: true; taskId: string; agentId: string; cost: number; conversationId: string; self: AgentSelfDto } | { ok: false; code: string; message: string };

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

export interface LeaseRequest {
  taskId: string;
  agentId: string;
  cost: number;
  why: Explanation;
}

const isDeadlock = (err: unknown) => (err as { code?: string }).code === '40P01';

/**
 * Takes many leases in one round trip (migrations/0017_routing_batch_leases.sql), each with the
 * verdict `takeLease` would give it taken in this order: index i of the result is request i's lease,
 * or null when it was lost. A constraint or deadlock error (two runtimes racing) falls back to one
 * transaction per lease, so a single bad request never costs the others theirs.
 */
export async function takeLeases(db: Db, requests: readonly LeaseRequest[], timeoutMs: number): Promise<(LeaseResult | null)[]> {
  if (requests.length === 0) return [];
  const payload = requests.map((r, idx) => ({ idx, task_id: r.taskId, agent_id: r.agentId, cost: r.cost, reason: r.why }));
  try {
    const { rows } = await sql<{ lease_idx: number; lease_offer_id: string; lease_expires_at: Date }>`
      select lease_idx, lease_offer_id, lease_expires_at from routing_take_leases(${JSON.stringify(payload)}::jsonb, ${Math.round(timeoutMs)}::integer)`.execute(db);
    const out: (LeaseResult | null)[] = requests.map(() => null);
    for (const r of rows) out[r.lease_idx] = { offerId: r.lease_offer_id, expiresAt: r.lease_expires_at };
    return out;
  } catch (err) {
    if (!isConstraintViolation(err) && !isDeadlock(err)) throw err;
    const out: (LeaseResult | null)[] = [];
    for (const r of requests) out.push(await takeLease(db, r.taskId, r.agentId, r.cost, timeoutMs, r.why));
    return out;
  }
}

/** What an offer shows about its task, whoever it goes to. */
export type OfferDetails = Omit<OfferDto, 'offerId' | 'taskId' | 'expiresAt'>;

/**
 * Offer details for many tasks in one query, customer included (as `conversations/dto.ts`
 * summarises one). Tasks that are gone are missing from the map.
 */
export async function offerDetails(db: Db, taskIds: readonly string[]): Promise<Map<string, OfferDetails>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('routing_tasks')
    .innerJoin('queues', 'queues.id', 'routing_tasks.queue_id')
    .innerJoin('conversations', 'conversations.id', 'routing_tasks.conversation_id')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .select([
      'routing_tasks.id',
      'routing_tasks.conversation_id',
      'routing_tasks.channel',
      'queues.name as queue',
      'customers.id as customer_id',
      'customers.display_name',
      'customers.profile',
      (eb) =>
        eb
          .selectFrom('messages')
          .select('messages.body')
          .whereRef('messages.conversation_id', '=', 'routing_tasks.conversation_id')
          .where('messages.direction', '=', 'in')
          .orderBy('messages.seq', 'desc')
          .limit(1)
          .as('last_body'),
      readableIdentities(sql.ref('customers.id')).as('identities'),
    ])
    .where('routing_tasks.id', 'in', [...taskIds])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        conversationId: r.conversation_id,
        channel: r.channel,
        queue: r.queue,
        customer: { id: r.customer_id, name: r.display_name, identities: r.identities, unverifiedEmail: r.profile.email ?? null },
        preview: r.last_body !== null ? r.last_body.slice(0, 140) : null,
      },
    ]),
  );
}

export interface LeaseMade {
  offerId: string;
  taskId: string;
  expiresAt: Date;
}

export function toOfferDto(lease: LeaseMade, details: OfferDetails): OfferDto {
  return { offerId: lease.offerId, taskId: lease.taskId, expiresAt: lease.expiresAt.toISOString(), ...details };
}

/** The agent-facing offers for leases (pending ones, on reconnect), in one query; leases whose task is gone are left out. */
export async function offerViews(db: Db, leases: readonly LeaseMade[]): Promise<OfferDto[]> {
  const details = await offerDetails(
    db,
    leases.map((l) => l.taskId),
  );
  const out: OfferDto[] = [];
  for (const l of leases) {
    const d = details.get(l.taskId);
    if (d) out.push(toOfferDto(l, d));
  }
  return out;
}

/**
 * Accepts a pending, unexpired offer held by this agent; the task becomes assigned, the
 * conversation the agent's, in one statement (so one round trip, and atomic like a transaction):
 * every other write hangs off the offer row the first one claimed.
 */
export async function acceptOffer(db: Db, offerId: string, agentId: string): Promise<AcceptOutcome> {
  const accepted = await db
    .with('o', (q) =>
      q
        .updateTable('offers')
        .set({ status: 'accepted', decided_at: sql<Date>`now()` })
        .where('id', '=', offerId)
        .where('agent_id', '=', agentId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', sql<Date>`clock_timestamp()`)
        .returning(['task_id', 'cost']),
    )
    .with('t', (q) =>
      q
        .updateTable('routing_tasks')
        .from('o')
        .set({ status: 'assigned', assigned_agent_id: agentId, assigned_at: sql<Date>`now()` })
        .whereRef('routing_tasks.id', '=', 'o.task_id')
        .returning(['routing_tasks.id', 'routing_tasks.conversation_id']),
    )
    .with('c', (q) =>
      q
        .updateTable('conversations')
        .from('t')
        .set({ assigned_agent_id: agentId, updated_at: new Date() })
        .whereRef('conversations.id', '=', 't.conversation_id')
        .returning('conversations.id'),
    )
    .with('a', (q) =>
      q
        .updateTable('agent_state')
        .set({ last_assigned_at: sql<Date>`now()`, missed_offers: 0 })
        .where('user_id', '=', agentId)
        .where((eb) => eb.exists(eb.selectFrom('o').select('o.task_id')))
        .returning(['agent_state.user_id', 'agent_state.status', 'agent_state.capacity', 'agent_state.used']),
    )
    .selectFrom('o')
    .innerJoin('t', 't.id', 'o.task_id')
    .innerJoin('a', (j) => j.onTrue())
    .innerJoin('users', 'users.id', 'a.user_id')
    .select(['o.task_id', 'o.cost', 't.conversation_id', 'users.id', 'users.email', 'users.name', 'users.role', 'a.status', 'a.capacity', 'a.used'])
    .executeTakeFirst();
  if (!accepted) return refusal(await db.selectFrom('offers').select(['agent_id', 'status', 'expires_at']).where('id', '=', offerId).executeTakeFirst(), agentId);
  const { task_id, cost, conversation_id, ...self } = accepted;
  return { ok: true, taskId: task_id, agentId, cost, conversationId: conversation_id, self };
}

function refusal(row: { agent_id: string; status: string; expires_at: Date } | undefined, agentId: string): Extract<OfferOutcome, { ok: false }> {
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

export interface CompletedConversation {
  taskId: string | null;
  agentId: string | null;
  cost: number;
  offerAgentIds: string[];
  wrapUpMs: number;
  /** The agent who had the work, as they stand after the release (for their consoles). */
  self: AgentSelfDto | null;
  /** What the `conversation.closed` listeners need, returned by the close itself so none of them reads it back. */
  closed: ConversationClosed;
}

/**
 * Closes the conversation and its task; the agent gets the capacity back. Returns what was released.
 * Two statements in one transaction (four round trips, not seven): the second runs after the first
 * holds the task's row lock, so it sees any offer a racing lease committed before that.
 */
export async function completeConversation(
  db: Db,
  conversationId: string,
  /** A person's close is audited by the close statement itself: recorded only if it closed, with no round trip of its own. */
  actorUserId: string | null = null,
): Promise<CompletedConversation | null> {
  return db.transaction().execute(async (tx) => {
    const closed = await tx
      .with('conv', (q) =>
        q
          .updateTable('conversations')
          .set({ status: 'closed', closed_at: sql<Date>`now()`, updated_at: new Date() })
          .where('id', '=', conversationId)
          .where('status', '=', 'open')
          .returning(['id', 'channel', 'customer_id', 'assigned_agent_id']),
      )
      .with('audit', (q) =>
        q
          .insertInto('audit_log')
          .columns(['actor_user_id', 'action', 'subject_type', 'subject_id', 'data'])
          .expression((eb) =>
            eb
              .selectFrom('conv')
              .select([
                sql<string>`${actorUserId}::uuid`.as('actor_user_id'),
                sql<string>`'conversation.close'`.as('action'),
                sql<string>`'conversation'`.as('subject_type'),
                sql<string>`conv.id::text`.as('subject_id'),
                sql<string>`'{}'::jsonb`.as('data'),
              ])
              .where(sql<boolean>`${actorUserId}::uuid is not null`),
          )
          .returning('audit_log.id'),
      )
      .with('task', (q) =>
        q
          .updateTable('routing_tasks')
          .from(['conv', 'queues'])
          .set({
            status: sql<TaskStatus>`case when routing_tasks.status = 'assigned' then 'completed' else 'cancelled' end`,
            completed_at: sql<Date>`now()`,
            // Closed before any agent took it: the customer was not served.
            abandoned_at: sql<Date | null>`case when routing_tasks.status = 'assigned' then null else now() end`,
          })
          .whereRef('routing_tasks.conversation_id', '=', 'conv.id')
          .whereRef('queues.id', '=', 'routing_tasks.queue_id')
          .where('routing_tasks.status', 'in', ['waiting', 'offered', 'assigned'])
          .returning(['routing_tasks.id', 'routing_tasks.status', 'routing_tasks.assigned_agent_id', 'routing_tasks.cost', 'queues.wrap_up_seconds']),
      )
      .selectFrom('conv')
      .leftJoin('task', (j) => j.onTrue())
      .select([
        'conv.channel',
        'conv.customer_id',
        'conv.assigned_agent_id as conversation_agent_id',
        'task.id',
        'task.status',
        'task.assigned_agent_id',
        'task.cost',
        'task.wrap_up_seconds',
      ])
      .executeTakeFirst();
    if (!closed) return null;
    // Closing leaves assigned_agent_id as it was, so it still names the agent whose inbox lists it.
    const announce = (revokedOffers: ConversationClosed['revokedOffers']): ConversationClosed => ({
      conversationId,
      channel: closed.channel,
      customerId: closed.customer_id,
      assignedAgentId: closed.conversation_agent_id,
      revokedOffers,
    });
    if (!closed.id) return { taskId: null, agentId: null, cost: 0, offerAgentIds: [], wrapUpMs: 0, self: null, closed: announce([]) };
    const completedBy = closed.status === 'completed' ? closed.assigned_agent_id : null;
    const cost = closed.cost ?? 0;
    const wrapUpMs = completedBy ? (closed.wrap_up_seconds ?? 0) * 1000 : 0;
    // A still-pending offer for a closed conversation is void; its capacity, and the assigned
    // agent's (with wrap-up), come back in one update per agent.
    const { rows } = await sql<{ cancelled: ConversationClosed['revokedOffers']; id: string | null } & Omit<AgentSelfDto, 'id'>>`
      with cancelled as (
        update offers set status = 'cancelled', decided_at = now()
        where task_id = ${closed.id} and status = 'pending'
        returning id, agent_id, cost
      ),
      released as (
        select agent_id, cost from cancelled
        union all
        select ${completedBy}::uuid, ${cost}::integer where ${completedBy}::uuid is not null
      ),
      freed as (
        update agent_state set
          used = used - r.total,
          wrap_up_until = case when agent_state.user_id = ${completedBy}::uuid and ${wrapUpMs}::integer > 0
            then now() + ${wrapUpMs}::integer * interval '1 millisecond' else agent_state.wrap_up_until end
        from (select agent_id, sum(cost)::integer as total from released group by agent_id) r
        where agent_state.user_id = r.agent_id
        returning agent_state.user_id, agent_state.status, agent_state.capacity, agent_state.used
      )
      select
        (select coalesce(json_agg(json_build_object('offerId', id, 'agentId', agent_id)), '[]') from cancelled) as cancelled,
        u.id, u.email, u.name, u.role, f.status, f.capacity, f.used
      from (select 1) as one
      left join freed f on f.user_id = ${completedBy}::uuid
      left join users u on u.id = f.user_id`.execute(tx);
    const [out] = rows;
    if (!out) throw new Error('completeConversation: the release returned no row');
    const { cancelled, id, ...rest } = out;
    if (completedBy) return { taskId: closed.id, agentId: completedBy, cost, offerAgentIds: [], wrapUpMs, self: id ? { id, ...rest } : null, closed: announce(cancelled) };
    return { taskId: closed.id, agentId: null, cost: 0, offerAgentIds: cancelled.map((o) => o.agentId), wrapUpMs: 0, self: null, closed: announce(cancelled) };
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
