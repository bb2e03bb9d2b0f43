import { sql } from 'kysely';
import type { AgentStatsDto, QueueStatsDto } from '../../contracts/index.js';
import type { Db } from '../../db/index.js';

/**
 * Live queue and agent figures for supervisors, straight from Postgres so every
 * process agrees. "Today" starts at midnight UTC and holds the tasks enqueued
 * since. Definitions (Asterisk's): SL = answered within the queue's threshold /
 * answered; ASA = mean wait of answered; abandon rate = abandoned / (answered +
 * abandoned). Waiting, offered and longest wait count every live task, whenever
 * it was enqueued.
 *
 * The supervisor feed calls this about twice a second in every hub process, so
 * neither part may grow with the day: today's figures are one queue_day_stats
 * row per queue (kept by a trigger in the task's own transaction, migration
 * 0021), and the live part reads only waiting/offered tasks through
 * routing_tasks_waiting. `at` stands in for the clock (tests); by default the
 * database's now(), so every process uses the same clock.
 */
export async function queueStats(db: Db, at?: Date): Promise<QueueStatsDto[]> {
  const now = at ? sql<Date>`${at.toISOString()}::timestamptz` : sql<Date>`now()`;
  const rows = await db
    .selectFrom('queues')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('queue_day_stats')
          .select([
            'queue_id',
            sql<number>`sum(offered)::int`.as('offered'),
            sql<number>`sum(answered)::int`.as('answered'),
            sql<number>`sum(abandoned)::int`.as('abandoned'),
            sql<number>`sum(answered_within)::int`.as('answered_within'),
            sql<string>`sum(wait_seconds)`.as('wait_seconds'),
          ])
          // A day's figures are spread over its shards (migration 0021): add them up.
          .where(sql<boolean>`day = (${now} at time zone 'utc')::date`)
          .groupBy('queue_id')
          .as('d'),
      (j) => j.onRef('d.queue_id', '=', 'queues.id'),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('routing_tasks')
          .select([
            'queue_id',
            sql<number>`count(*) filter (where status = 'waiting')::int`.as('waiting'),
            sql<number>`count(*) filter (where status = 'offered')::int`.as('offered'),
            sql<Date>`min(enqueued_at)`.as('oldest'),
          ])
          .where('status', 'in', ['waiting', 'offered'])
          .groupBy('queue_id')
          .as('live'),
      (j) => j.onRef('live.queue_id', '=', 'queues.id'),
    )
    .select([
      'queues.id',
      'queues.name',
      'queues.channel',
      'queues.sl_threshold_seconds',
      'queues.sl_target_fraction',
      sql<number>`coalesce(live.waiting, 0)`.as('waiting'),
      sql<number>`coalesce(live.offered, 0)`.as('offered_now'),
      sql<number>`coalesce(extract(epoch from ${now} - live.oldest), 0)::float8`.as('longest'),
      sql<number>`coalesce(d.offered, 0)`.as('offered_today'),
      sql<number>`coalesce(d.answered, 0)`.as('answered'),
      sql<number>`coalesce(d.abandoned, 0)`.as('abandoned'),
      sql<number>`coalesce(d.answered_within, 0)`.as('within'),
      sql<number | null>`(d.wait_seconds / nullif(d.answered, 0))::float8`.as('asa'),
    ])
    .orderBy('queues.name')
    .execute();
  return rows.map((r) => {
    const finished = r.answered + r.abandoned;
    return {
      queueId: r.id,
      name: r.name,
      channel: r.channel,
      waiting: r.waiting,
      offered: r.offered_now,
      longestWaitSeconds: Math.round(Math.max(r.longest, 0)),
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
