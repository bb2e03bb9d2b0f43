import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { buildReport, segmentWork, type ConversationRecord, type Report, type SegmentRecord, type StatusChange, type TaskRecord, type WorkSpan } from './metrics.js';
import type { SegmentEnd } from './schema.js';

/**
 * Reads what a report needs for [from, to) and hands it to the pure math.
 * Traffic (tasks, offers, conversations, assignment segments) is counted by when it began; agent
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

  const segments = await loadSegments(db, from, to);

  // Busy time that overlaps the range, even if it began before: occupancy is about time, not traffic.
  const workRows = await db
    .selectFrom('assignment_segments')
    .innerJoin('queues', 'queues.id', 'assignment_segments.queue_id')
    .select(['assignment_segments.agent_id', 'assignment_segments.started_at', 'assignment_segments.ended_at', 'assignment_segments.end_reason', 'queues.wrap_up_seconds'])
    .where('assignment_segments.started_at', '<', until)
    .where((eb) =>
      eb.or([
        eb('assignment_segments.ended_at', 'is', null),
        eb(sql`assignment_segments.ended_at + case when assignment_segments.end_reason = 'completed' then make_interval(secs => queues.wrap_up_seconds) else interval '0' end`, '>', from),
      ]),
    )
    .execute();
  const work: WorkSpan[] = workRows.map((r) => segmentWork({ agentId: r.agent_id, start: r.started_at, end: r.ended_at, endReason: r.end_reason, wrapUpSeconds: r.wrap_up_seconds }));

  const active = new Set<string>([...segments.map((g) => g.agentId), ...offers.map((o) => o.agentId)]);
  const agents = (
    await db
      .selectFrom('users')
      .innerJoin('agent_state', 'agent_state.user_id', 'users.id')
      .select(['users.id', 'users.name', 'users.disabled'])
      .orderBy('users.name')
      .execute()
  ).filter((a) => !a.disabled || active.has(a.id));

  return buildReport({ from, to: until, groupBy: range.groupBy, queues, agents, tasks, conversations, offers, segments, statusChanges, work });
}

interface SegmentRow {
  agent_id: string;
  queue_id: string;
  started_at: Date;
  ended_at: Date | null;
  end_reason: SegmentEnd | null;
  sl_threshold_seconds: number;
  wrap_up_seconds: number;
  enqueued_at: Date;
  first_of_task: boolean;
  clock_start: Date | null;
  first_reply_at: Date | null;
}

/**
 * Segments that began in [from, to), with what the per-agent figures need.
 * The first-response clock of a segment starts at the oldest customer message
 * after the last agent message before the segment (the customer's question still
 * open when the agent took it, or the next one within the segment); for every
 * segment but the conversation's first it starts no earlier than the segment.
 */
async function loadSegments(db: Db, from: Date, to: Date): Promise<SegmentRecord[]> {
  const { rows } = await sql<SegmentRow>`
    select s.agent_id, s.queue_id, s.started_at, s.ended_at, s.end_reason, q.sl_threshold_seconds, q.wrap_up_seconds, t.enqueued_at,
           not exists (select 1 from assignment_segments e where e.task_id = s.task_id and (e.started_at, e.id) < (s.started_at, s.id)) as first_of_task,
           c.clock_start,
           (select min(a.created_at) from messages a
             where a.conversation_id = s.conversation_id and a.sender = 'agent' and a.author_user_id = s.agent_id
               and a.created_at >= greatest(c.clock_start, s.started_at) and (s.ended_at is null or a.created_at <= s.ended_at)) as first_reply_at
      from assignment_segments s
      join routing_tasks t on t.id = s.task_id
      join queues q on q.id = s.queue_id
      cross join lateral (
        select case
                 when exists (select 1 from assignment_segments e where e.conversation_id = s.conversation_id and (e.started_at, e.id) < (s.started_at, s.id))
                 then greatest(p.pending, s.started_at)
                 else p.pending
               end as clock_start
          from (select (select min(m.created_at) from messages m
                         where m.conversation_id = s.conversation_id and m.sender = 'customer'
                           and (s.ended_at is null or m.created_at <= s.ended_at)
                           and m.created_at > coalesce((select max(b.created_at) from messages b
                                                         where b.conversation_id = s.conversation_id and b.sender = 'agent' and b.created_at < s.started_at),
                                                       '-infinity'::timestamptz)) as pending) p
      ) c
     where s.started_at >= ${from} and s.started_at < ${to}`.execute(db);
  return rows.map((r) => ({
    agentId: r.agent_id,
    queueId: r.queue_id,
    start: r.started_at,
    end: r.ended_at,
    endReason: r.end_reason,
    enqueuedAt: r.first_of_task ? r.enqueued_at : null,
    thresholdSeconds: r.sl_threshold_seconds,
    wrapUpSeconds: r.wrap_up_seconds,
    clockStart: r.clock_start,
    firstReplyAt: r.first_reply_at,
  }));
}
