import { sql } from 'kysely';
import type { AgentStatsDto, QueueStatsDto } from '../../contracts/index.js';
import type { Db } from '../../db/index.js';

/**
 * Live queue and agent figures for supervisors, straight from Postgres so every
 * process agrees. "Today" starts at midnight UTC. Definitions (Asterisk's):
 * SL = answered within the queue's threshold / answered; ASA = mean wait of
 * answered; abandon rate = abandoned / (answered + abandoned).
 */
export async function queueStats(db: Db): Promise<QueueStatsDto[]> {
  const rows = await db
    .selectFrom('queues')
    .leftJoin('routing_tasks', (j) => j.onRef('routing_tasks.queue_id', '=', 'queues.id').on('routing_tasks.enqueued_at', '>=', sql<Date>`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`))
    .select([
      'queues.id',
      'queues.name',
      'queues.channel',
      'queues.sl_threshold_seconds',
      'queues.sl_target_fraction',
      sql<number>`count(routing_tasks.id) filter (where routing_tasks.status = 'waiting')::int`.as('waiting'),
      sql<number>`count(routing_tasks.id) filter (where routing_tasks.status = 'offered')::int`.as('offered_now'),
      sql<number>`coalesce(extract(epoch from now() - min(routing_tasks.enqueued_at) filter (where routing_tasks.status in ('waiting', 'offered'))), 0)::float8`.as('longest'),
      sql<number>`count(routing_tasks.id)::int`.as('offered_today'),
      sql<number>`count(routing_tasks.assigned_at)::int`.as('answered'),
      sql<number>`count(routing_tasks.abandoned_at)::int`.as('abandoned'),
      sql<number>`count(*) filter (where routing_tasks.assigned_at - routing_tasks.enqueued_at <= make_interval(secs => queues.sl_threshold_seconds))::int`.as('within'),
      sql<number | null>`avg(extract(epoch from routing_tasks.assigned_at - routing_tasks.enqueued_at))::float8`.as('asa'),
    ])
    .groupBy(['queues.id', 'queues.name', 'queues.channel', 'queues.sl_threshold_seconds', 'queues.sl_target_fraction'])
    .orderBy('queues.name')
    .execute();
  // Tasks enqueued before midnight but still waiting count for "now" figures too.
  const carried = await db
    .selectFrom('routing_tasks')
    .select([
      'queue_id',
      sql<number>`count(*) filter (where status = 'waiting')::int`.as('waiting'),
      sql<number>`count(*) filter (where status = 'offered')::int`.as('offered'),
      sql<number>`extract(epoch from now() - min(enqueued_at))::float8`.as('longest'),
    ])
    .where('status', 'in', ['waiting', 'offered'])
    .where('enqueued_at', '<', sql<Date>`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`)
    .groupBy('queue_id')
    .execute();
  return rows.map((r) => {
    const old = carried.find((c) => c.queue_id === r.id);
    const finished = r.answered + r.abandoned;
    return {
      queueId: r.id,
      name: r.name,
      channel: r.channel,
      waiting: r.waiting + (old?.waiting ?? 0),
      offered: r.offered_now + (old?.offered ?? 0),
      longestWaitSeconds: Math.round(Math.max(r.longest, old?.longest ?? 0)),
      today: {
        offered: r.offered_today,
        answered: r.answered,
        abandoned: r.abandoned,
        serviceLevel: r.answered > 0 ? r.within / r.answered : null,
        serviceLevelTarget: r.sl_target_fraction,
        thresholdSeconds: r.sl_threshold_seconds,
        asaSeconds: r.asa,
        abandonRate: finished > 0 ? r.abandoned / finished : null,
      },
    };
  });
}

export async function agentStats(db: Db, connected: Set<string>): Promise<AgentStatsDto[]> {
  const rows = await db
    .selectFrom('agent_state')
    .innerJoin('users', 'users.id', 'agent_state.user_id')
    .select([
      'users.id',
      'users.name',
      'agent_state.status',
      'agent_state.used',
      'agent_state.capacity',
      'agent_state.status_since',
      'agent_state.wrap_up_until',
      sql<number>`extract(epoch from now() - agent_state.status_since)::float8`.as('in_state'),
      (eb) =>
        eb
          .selectFrom('conversations')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('conversations.assigned_agent_id', '=', 'users.id')
          .where('conversations.status', '=', 'open')
          .as('conversations'),
    ])
    .where('users.disabled', '=', false)
    .orderBy('users.name')
    .execute();
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    connected: connected.has(r.id),
    used: r.used,
    capacity: r.capacity,
    since: r.status_since.toISOString(),
    secondsInState: Math.round(r.in_state),
    conversations: r.conversations ?? 0,
    wrapUpUntil: r.wrap_up_until && r.wrap_up_until.getTime() > now ? r.wrap_up_until.toISOString() : null,
  }));
}
