import { sql } from 'kysely';
import type { AgentStatsDto, QueueStatsDto } from '../../contracts/index.js';
import type { Db } from '../../db/index.js';

/** Live queue and agent figures for supervisors, straight from Postgres so every process agrees. */
export async function queueStats(db: Db): Promise<QueueStatsDto[]> {
  const rows = await db
    .selectFrom('queues')
    .leftJoin('routing_tasks', (j) => j.onRef('routing_tasks.queue_id', '=', 'queues.id').on('routing_tasks.status', 'in', ['waiting', 'offered']))
    .select([
      'queues.id',
      'queues.name',
      'queues.channel',
      sql<number>`count(routing_tasks.id) filter (where routing_tasks.status = 'waiting')::int`.as('waiting'),
      sql<number>`count(routing_tasks.id) filter (where routing_tasks.status = 'offered')::int`.as('offered'),
      sql<number>`coalesce(extract(epoch from now() - min(routing_tasks.enqueued_at)), 0)::float8`.as('longest'),
    ])
    .groupBy(['queues.id', 'queues.name', 'queues.channel'])
    .orderBy('queues.name')
    .execute();
  return rows.map((r) => ({ queueId: r.id, name: r.name, channel: r.channel, waiting: r.waiting, offered: r.offered, longestWaitSeconds: Math.round(r.longest) }));
}

export async function agentStats(db: Db, connected: Set<string>): Promise<AgentStatsDto[]> {
  const rows = await db
    .selectFrom('agent_state')
    .innerJoin('users', 'users.id', 'agent_state.user_id')
    .select(['users.id', 'users.name', 'agent_state.status', 'agent_state.used', 'agent_state.capacity', 'agent_state.status_since'])
    .where('users.disabled', '=', false)
    .orderBy('users.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    connected: connected.has(r.id),
    used: r.used,
    capacity: r.capacity,
    since: r.status_since.toISOString(),
  }));
}
