import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { buildReport, type ConversationRecord, type Report, type StatusChange, type TaskRecord, type WorkSpan } from './metrics.js';

/**
 * Reads what a report needs for [from, to) and hands it to the pure math.
 * Traffic (tasks, offers, conversations) is counted by when it began; agent
 * time (occupancy) is clipped to the range and to `now`, since the future has
 * no presence yet.
 */
export async function loadReport(db: Db, range: { from: Date; to: Date; groupBy: 'queue' | 'agent' }, now: Date): Promise<Report> {
  const { from, to } = range;
  const until = new Date(Math.min(to.getTime(), now.getTime()));

  const queues = await db.selectFrom('queues').select(['id', 'name']).orderBy('name').execute();

  const taskRows = await db
    .selectFrom('routing_tasks')
    .innerJoin('queues', 'queues.id', 'routing_tasks.queue_id')
    .select([
      'routing_tasks.queue_id',
      'routing_tasks.assigned_agent_id',
      'routing_tasks.enqueued_at',
      'routing_tasks.assigned_at',
      'routing_tasks.completed_at',
      'routing_tasks.abandoned_at',
      'queues.sl_threshold_seconds',
      'queues.wrap_up_seconds',
    ])
    .where('routing_tasks.enqueued_at', '>=', from)
    .where('routing_tasks.enqueued_at', '<', to)
    .execute();
  const tasks: TaskRecord[] = taskRows.map((r) => ({
    queueId: r.queue_id,
    agentId: r.assigned_agent_id,
    enqueuedAt: r.enqueued_at,
    assignedAt: r.assigned_at,
    completedAt: r.completed_at,
    abandonedAt: r.abandoned_at,
    thresholdSeconds: r.sl_threshold_seconds,
    wrapUpSeconds: r.wrap_up_seconds,
  }));

  const convRows = await db
    .selectFrom('conversations')
    .leftJoin('csat_responses', 'csat_responses.conversation_id', 'conversations.id')
    .select([
      'conversations.queue_id',
      'conversations.assigned_agent_id',
      'conversations.created_at',
      'conversations.closed_at',
      'csat_responses.score',
      sql<Date | null>`(select min(m.created_at) from messages m where m.conversation_id = conversations.id and m.sender = 'customer')`.as('first_customer_at'),
      sql<Date | null>`(select min(a.created_at) from messages a where a.conversation_id = conversations.id and a.sender = 'agent'
        and a.created_at >= (select min(m.created_at) from messages m where m.conversation_id = conversations.id and m.sender = 'customer'))`.as('first_agent_at'),
    ])
    .where('conversations.created_at', '>=', from)
    .where('conversations.created_at', '<', to)
    .execute();
  const conversations: ConversationRecord[] = convRows.map((r) => ({
    queueId: r.queue_id,
    agentId: r.assigned_agent_id,
    createdAt: r.created_at,
    closedAt: r.closed_at,
    firstCustomerAt: r.first_customer_at,
    firstAgentReplyAt: r.first_agent_at,
    csatScore: r.score ?? null,
  }));

  const offers = (
    await db.selectFrom('offers').select('agent_id').where('created_at', '>=', from).where('created_at', '<', to).execute()
  ).map((o) => ({ agentId: o.agent_id }));

  // What each agent was in when the range began, then every change inside it.
  const before = await db
    .selectFrom('agent_status_history')
    .select(['user_id', 'status', 'at'])
    .distinctOn('user_id')
    .where('at', '<', from)
    .orderBy('user_id')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const inside = await db
    .selectFrom('agent_status_history')
    .select(['user_id', 'status', 'at'])
    .where('at', '>=', from)
    .where('at', '<', until)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const statusChanges: StatusChange[] = [...before, ...inside].map((r) => ({ agentId: r.user_id, status: r.status, at: r.at }));

  // Work that overlaps the range, even if it began before: occupancy is about time, not traffic.
  const workRows = await db
    .selectFrom('routing_tasks')
    .innerJoin('queues', 'queues.id', 'routing_tasks.queue_id')
    .select([
      'routing_tasks.assigned_agent_id',
      'routing_tasks.assigned_at',
      sql<Date | null>`routing_tasks.completed_at + make_interval(secs => queues.wrap_up_seconds)`.as('work_end'),
    ])
    .where('routing_tasks.assigned_agent_id', 'is not', null)
    .where('routing_tasks.assigned_at', '<', until)
    .where((eb) =>
      eb.or([
        eb('routing_tasks.status', '=', 'assigned'),
        eb(sql`routing_tasks.completed_at + make_interval(secs => queues.wrap_up_seconds)`, '>', from),
      ]),
    )
    .execute();
  const work: WorkSpan[] = workRows.flatMap((r) => (r.assigned_agent_id && r.assigned_at ? [{ agentId: r.assigned_agent_id, start: r.assigned_at, end: r.work_end }] : []));

  const active = new Set<string>([...tasks.flatMap((t) => (t.agentId ? [t.agentId] : [])), ...offers.map((o) => o.agentId)]);
  const agents = (
    await db
      .selectFrom('users')
      .innerJoin('agent_state', 'agent_state.user_id', 'users.id')
      .select(['users.id', 'users.name', 'users.disabled'])
      .orderBy('users.name')
      .execute()
  ).filter((a) => !a.disabled || active.has(a.id));

  return buildReport({ from, to: until, groupBy: range.groupBy, queues, agents, tasks, conversations, offers, statusChanges, work });
}
