import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueStatsDto } from '../../src/contracts/index.js';
import { createDb, ensureDatabase, type Db } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { queueStats } from '../../src/routing/runtime/stats.js';
import { isolate } from '../helpers/hub.js';

const iso = isolate('queue_stats');
// Two pools stand for two hub processes: one settles tasks, the other reads the figures.
let reader: Db;
let writer: Db;
let queueId: string;
let otherId: string;
let customerId: string;

// Noon UTC on the day under test; "today" is [2026-03-10T00:00Z, 2026-03-11T00:00Z).
const AT = Date.parse('2026-03-10T12:00:00Z');
const at = (s: number) => new Date(AT + s * 1000).toISOString();

async function task(p: { enq: number; status: 'waiting' | 'offered' | 'completed' | 'cancelled'; assigned?: number; abandoned?: number }): Promise<string> {
  const conv = await sql<{ id: string }>`insert into conversations (customer_id, channel, status, queue_id) values (${customerId}, 'webchat', 'closed', ${queueId}) returning id`.execute(writer);
  const row = await sql<{ id: string }>`insert into routing_tasks (conversation_id, queue_id, channel, status, cost, enqueued_at, assigned_at, abandoned_at, customer_id)
    values (${conv.rows[0]!.id}, ${queueId}, 'webchat', ${p.status}, 1, ${at(p.enq)}, ${p.assigned === undefined ? null : at(p.assigned)},
      ${p.abandoned === undefined ? null : at(p.abandoned)}, ${customerId}) returning id`.execute(writer);
  return row.rows[0]!.id;
}

async function figures(id: string): Promise<QueueStatsDto> {
  const found = (await queueStats(reader, new Date(AT))).find((q) => q.queueId === id);
  if (!found) throw new Error(`queue ${id} missing from the stats`);
  return found;
}

/** The definitions, aggregated from every task the slow way: the counters must always agree with it. */
async function fromScratch(id: string): Promise<Pick<QueueStatsDto['today'], 'offered' | 'answered' | 'abandoned' | 'serviceLevel' | 'asaSeconds'>> {
  const r = await sql<{ offered: number; answered: number; abandoned: number; within: number; asa: number | null }>`
    select count(*)::int as offered, count(t.assigned_at)::int as answered, count(t.abandoned_at)::int as abandoned,
           count(*) filter (where t.assigned_at - t.enqueued_at <= make_interval(secs => q.sl_threshold_seconds))::int as within,
           avg(extract(epoch from t.assigned_at - t.enqueued_at))::float8 as asa
      from routing_tasks t join queues q on q.id = t.queue_id
     where t.queue_id = ${id} and t.enqueued_at >= ${at(-12 * 3600)} and t.enqueued_at < ${at(12 * 3600)}`.execute(reader);
  const f = r.rows[0]!;
  return { offered: f.offered, answered: f.answered, abandoned: f.abandoned, serviceLevel: f.answered > 0 ? f.within / f.answered : null, asaSeconds: f.asa };
}

async function expectToday(id: string, today: Partial<QueueStatsDto['today']>): Promise<QueueStatsDto> {
  const got = await figures(id);
  expect(got.today).toMatchObject(today);
  expect(got.today).toMatchObject(await fromScratch(id));
  return got;
}

beforeAll(async () => {
  await ensureDatabase(iso.databaseUrl);
  const a = createDb(iso.databaseUrl, 2);
  const b = createDb(iso.databaseUrl, 2);
  reader = a.db;
  writer = b.db;
  await migrateToLatest(writer);
  const q = await sql<{ id: string }>`insert into queues (name, channel, sl_threshold_seconds) values ('stats-sales', 'webchat', 20) returning id`.execute(writer);
  queueId = q.rows[0]!.id;
  const o = await sql<{ id: string }>`insert into queues (name, channel, sl_threshold_seconds) values ('stats-support', 'webchat', 60) returning id`.execute(writer);
  otherId = o.rows[0]!.id;
  const c = await sql<{ id: string }>`insert into customers (display_name) values ('c') returning id`.execute(writer);
  customerId = c.rows[0]!.id;
});

afterAll(async () => {
  await reader?.destroy();
  await writer?.destroy();
  await iso.cleanup();
});

describe('supervisor queue statistics', () => {
  const ids: Record<string, string> = {};

  it('counts today’s tasks of a hand-built history and every live one', async () => {
    ids['quick'] = await task({ enq: -3600, assigned: -3590, status: 'completed' }); // waited 10 s: within 20 s
    ids['slow'] = await task({ enq: -3000, assigned: -2950, status: 'completed' }); // waited 50 s
    ids['left'] = await task({ enq: -2000, abandoned: -1900, status: 'cancelled' });
    ids['waiting'] = await task({ enq: -600, status: 'waiting' });
    ids['offered'] = await task({ enq: -300, status: 'offered' });
    // Yesterday's: one still waiting (live, so it counts now), one answered after midnight (yesterday's figures).
    ids['carried'] = await task({ enq: -13 * 3600, status: 'waiting' });
    await task({ enq: -14 * 3600, assigned: -11 * 3600, status: 'completed' });

    const got = await expectToday(queueId, { offered: 5, answered: 2, abandoned: 1, serviceLevel: 0.5, asaSeconds: 30, abandonRate: 1 / 3, thresholdSeconds: 20 });
    expect(got).toMatchObject({ waiting: 2, offered: 1, longestWaitSeconds: 13 * 3600 });
  });

  it('takes in tasks that settle after the figures were first read, written by another process', async () => {
    await sql`update routing_tasks set status = 'assigned', assigned_at = ${at(-590)} where id = ${ids['waiting']!}`.execute(writer);
    await sql`update routing_tasks set status = 'cancelled', abandoned_at = ${at(-10)} where id = ${ids['offered']!}`.execute(writer);

    const got = await expectToday(queueId, { offered: 5, answered: 3, abandoned: 2, serviceLevel: 2 / 3, asaSeconds: expect.closeTo(70 / 3, 9), abandonRate: 2 / 5 });
    expect(got).toMatchObject({ waiting: 1, offered: 0, longestWaitSeconds: 13 * 3600 });
  });

  it('takes back a requeued answer and follows a task to the queue it was transferred to', async () => {
    // Requeued: routing clears assigned_at and the task keeps its place (enqueued_at).
    await sql`update routing_tasks set status = 'waiting', assigned_at = null where id = ${ids['quick']!}`.execute(writer);
    await sql`update routing_tasks set queue_id = ${otherId} where id = ${ids['slow']!}`.execute(writer);

    const got = await expectToday(queueId, { offered: 4, answered: 1, abandoned: 2, serviceLevel: 1, asaSeconds: 10, abandonRate: 2 / 3 });
    expect(got).toMatchObject({ waiting: 2, longestWaitSeconds: 13 * 3600 });
    await expectToday(otherId, { offered: 1, answered: 1, abandoned: 0, serviceLevel: 1, asaSeconds: 50, abandonRate: 0 });
  });

  it('measures today’s service level against the threshold the queue has now', async () => {
    await sql`update queues set sl_threshold_seconds = 5 where id = ${queueId}`.execute(writer);
    await sql`update queues set sl_threshold_seconds = 30 where id = ${otherId}`.execute(writer);

    await expectToday(queueId, { answered: 1, serviceLevel: 0, thresholdSeconds: 5 });
    await expectToday(otherId, { answered: 1, serviceLevel: 0, thresholdSeconds: 30 });
    // A task answered after the change is measured against the new threshold too.
    await sql`update routing_tasks set status = 'assigned', assigned_at = ${at(-3596)} where id = ${ids['quick']!}`.execute(writer);
    await expectToday(queueId, { answered: 2, serviceLevel: 0.5, asaSeconds: 7 });
  });

  it('shows an empty day for a queue with no tasks today', async () => {
    const got = await figures(otherId);
    expect(got.waiting).toBe(0);
    const tomorrow = (await queueStats(reader, new Date(AT + 24 * 3600_000))).find((q) => q.queueId === queueId)!;
    expect(tomorrow.today).toMatchObject({ offered: 0, answered: 0, abandoned: 0, serviceLevel: null, asaSeconds: null, abandonRate: null });
    expect(tomorrow.waiting).toBe(1);
  });
});
