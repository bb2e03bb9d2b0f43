import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, OfferDto, ReportDto, ReportRowDto } from '../../src/contracts/index.js';
import type { Db } from '../../src/db/index.js';
import { adminClient, agentSocket, chatSocket, createAgent, isolate, nextEvent, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';

const iso = isolate('reports');
let running: RunningHub;
let admin: Client;
let db: Db;

// 10:00 in Tehran on 2026-10-10 (UTC+3:30); the report day is [2026-10-09T20:30Z, 2026-10-10T20:30Z).
const B = Date.parse('2026-10-10T06:30:00Z');
const QUEUE_NAME = 'فروش, "VIP"\nشمال';

let ann: Awaited<ReturnType<typeof createAgent>>;
let bob: Awaited<ReturnType<typeof createAgent>>;
let cara: Awaited<ReturnType<typeof createAgent>>;
let dan: Awaited<ReturnType<typeof createAgent>>;
// Two days later, 10:00 in Tehran: the day of the hand-over.
const B2 = Date.parse('2026-10-12T06:30:00Z');
let queueId: string;

async function conversation(p: {
  /** The report day's 10:00 in Tehran by default. */
  base?: number;
  agent: string | null;
  created: number;
  closed: number;
  enq: number;
  assigned: number | null;
  status: 'completed' | 'cancelled';
  messages: [sender: 'customer' | 'agent', at: number][];
  offers: [agent: string, at: number, status: 'accepted' | 'expired'][];
  csat?: number;
  /** Who held it when, if not just the final agent from assigned to closed: [agent, from, to, how it ended]. */
  segments?: [agent: string, from: number, to: number, end: 'completed' | 'reassigned' | 'requeued'][];
  /** The author of each agent message, in order, if not the final agent. */
  authors?: string[];
}): Promise<string> {
  const at = (s: number) => new Date((p.base ?? B) + s * 1000).toISOString();
  const cust = await sql<{ id: string }>`insert into customers (display_name) values ('c') returning id`.execute(db);
  const customerId = cust.rows[0]!.id;
  const conv = await sql<{ id: string }>`insert into conversations (customer_id, channel, status, queue_id, assigned_agent_id, created_at, updated_at, closed_at, last_seq)
    values (${customerId}, 'webchat', 'closed', ${queueId}, ${p.agent}, ${at(p.created)}, ${at(p.closed)}, ${at(p.closed)}, ${p.messages.length}) returning id`.execute(db);
  const conversationId = conv.rows[0]!.id;
  let seq = 0;
  const authors = [...(p.authors ?? [])];
  for (const [sender, t] of p.messages) {
    seq++;
    const author = sender === 'agent' ? (authors.shift() ?? p.agent) : null;
    await sql`insert into messages (conversation_id, seq, channel, direction, sender, author_user_id, body, created_at)
      values (${conversationId}, ${seq}, 'webchat', ${sender === 'customer' ? 'in' : 'out'}, ${sender}, ${author}, 'hi', ${at(t)})`.execute(db);
  }
  const task = await sql<{ id: string }>`insert into routing_tasks (conversation_id, queue_id, channel, status, cost, enqueued_at, assigned_agent_id, assigned_at, completed_at, abandoned_at, customer_id)
    values (${conversationId}, ${queueId}, 'webchat', ${p.status}, 34, ${at(p.enq)}, ${p.agent}, ${p.assigned === null ? null : at(p.assigned)}, ${at(p.closed)},
      ${p.status === 'cancelled' ? at(p.closed) : null}, ${customerId}) returning id`.execute(db);
  for (const [agent, t, status] of p.offers) {
    await sql`insert into offers (task_id, agent_id, cost, status, created_at, expires_at, decided_at)
      values (${task.rows[0]!.id}, ${agent}, 34, ${status}, ${at(t)}, ${at(t + 20)}, ${at(t + 5)})`.execute(db);
  }
  if (p.segments) {
    // The insert trigger recorded the final agent's one segment; this history replaces it.
    await sql`delete from assignment_segments where task_id = ${task.rows[0]!.id}`.execute(db);
    for (const [agent, from, to, end] of p.segments) {
      await sql`insert into assignment_segments (task_id, conversation_id, queue_id, agent_id, started_at, ended_at, end_reason)
        values (${task.rows[0]!.id}, ${conversationId}, ${queueId}, ${agent}, ${at(from)}, ${at(to)}, ${end})`.execute(db);
    }
  }
  if (p.csat) await sql`insert into csat_responses (conversation_id, score, created_at) values (${conversationId}, ${p.csat}, ${at(p.closed + 30)})`.execute(db);
  return conversationId;
}

async function presence(base: number, changes: readonly (readonly [user: string, status: 'available' | 'away' | 'offline', at: number])[]): Promise<void> {
  for (const [user, status, t] of changes) {
    await sql`insert into agent_status_history (user_id, status, at) values (${user}, ${status}, ${new Date(base + t * 1000).toISOString()})`.execute(db);
  }
}

beforeAll(async () => {
  running = await startHub(testConfig(iso));
  admin = await adminClient(running.url);
  db = running.hub.db;
  ann = await createAgent(running.url, admin, { name: 'Ann' });
  bob = await createAgent(running.url, admin, { name: 'Bob' });
  const q = await sql<{ id: string }>`insert into queues (name, channel, sl_threshold_seconds, wrap_up_seconds) values (${QUEUE_NAME}, 'webchat', 30, 10) returning id`.execute(db);
  queueId = q.rows[0]!.id;

  // Answered in 25 s (within 30), first reply after 45 s, handled 575 s + 10 s wrap-up, rated 4.
  await conversation({ agent: ann.id, created: 0, closed: 600, enq: 0, assigned: 25, status: 'completed', messages: [['customer', 0], ['agent', 45]], offers: [[ann.id, 5, 'expired'], [ann.id, 20, 'accepted']], csat: 4 });
  // Answered in 60 s (outside), first reply 90 s after the first customer message, handled 840 + 10 s, rated 2.
  await conversation({ agent: bob.id, created: 100, closed: 1000, enq: 100, assigned: 160, status: 'completed', messages: [['customer', 100], ['customer', 110], ['agent', 190]], offers: [[bob.id, 150, 'accepted']], csat: 2 });
  // The customer gave up after 60 s.
  await conversation({ agent: null, created: 200, closed: 260, enq: 200, assigned: null, status: 'cancelled', messages: [['customer', 200]], offers: [[bob.id, 210, 'expired']] });
  // 21:00 UTC = 00:30 the next day in Tehran: in the UTC day, not in the Tehran day.
  await conversation({ agent: null, created: 52_200, closed: 52_230, enq: 52_200, assigned: null, status: 'cancelled', messages: [['customer', 52_200]], offers: [] });

  // Ann logged in 2000 s (available), Bob 2000 s (available then away), then both offline.
  await presence(B, [
    [ann.id, 'available', -600],
    [ann.id, 'offline', 1400],
    [bob.id, 'available', 0],
    [bob.id, 'away', 500],
    [bob.id, 'offline', 2000],
  ]);

  // The hand-over day. Cara takes the chat after 10 s, answers at 30 s; the customer writes again at 50 s;
  // a supervisor gives it to Dan at 100 s, who answers at 130 s and closes it at 400 s. Rated 5.
  cara = await createAgent(running.url, admin, { name: 'Cara' });
  dan = await createAgent(running.url, admin, { name: 'Dan' });
  await conversation({
    base: B2,
    agent: dan.id,
    created: 0,
    closed: 400,
    enq: 0,
    assigned: 10,
    status: 'completed',
    messages: [['customer', 0], ['agent', 30], ['customer', 50], ['agent', 130], ['customer', 140], ['agent', 150]],
    authors: [cara.id, dan.id, dan.id],
    offers: [[cara.id, 5, 'accepted']],
    segments: [
      [cara.id, 10, 100, 'reassigned'],
      [dan.id, 100, 400, 'completed'],
    ],
    csat: 5,
  });
  await presence(B2, [
    [cara.id, 'available', -100],
    [cara.id, 'offline', 1000],
    [dan.id, 'available', 50],
    [dan.id, 'offline', 1000],
  ]);
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

const rowNamed = (r: ReportDto, name: string): ReportRowDto => {
  const row = r.rows.find((x) => x.name === name);
  if (!row) throw new Error(`no row ${name} in ${r.rows.map((x) => x.name).join(', ')}`);
  return row;
};

describe('GET /api/reports', () => {
  it('per queue: the exact figures of a hand-built day in Tehran', async () => {
    const res = await admin.json<ReportDto>('GET', '/api/reports?from=2026-10-10&to=2026-10-11&groupBy=queue&tz=Asia/Tehran');
    expect(res.status).toBe(200);
    const q = rowNamed(res.body, QUEUE_NAME);
    expect(q).toEqual({
      id: queueId,
      name: QUEUE_NAME,
      offered: 3,
      answered: 2,
      abandoned: 1,
      serviceLevel: 0.5,
      asaSeconds: 42.5,
      ahtSeconds: 717.5,
      abandonRate: 1 / 3,
      occupancy: null,
      loggedInSeconds: null,
      busySeconds: null,
      firstResponseSeconds: 67.5,
      resolutionSeconds: 520,
      csatAverage: 3,
      csatCount: 2,
    });
    // Queues with no traffic are listed with zeros.
    expect(rowNamed(res.body, 'sms')).toMatchObject({ offered: 0, answered: 0, serviceLevel: null });
    expect(res.body.total).toMatchObject({ offered: 3, answered: 2, abandoned: 1, occupancy: (585 + 850) / 4000 });
  });

  it('per agent: offers presented, answered, handle time, occupancy from presence history', async () => {
    const res = await admin.json<ReportDto>('GET', '/api/reports?from=2026-10-10&to=2026-10-11&groupBy=agent&tz=Asia/Tehran');
    expect(res.status).toBe(200);
    expect(rowNamed(res.body, 'Ann')).toMatchObject({ offered: 2, answered: 1, abandoned: null, serviceLevel: 1, asaSeconds: 25, ahtSeconds: 585, occupancy: 585 / 2000, loggedInSeconds: 2000, busySeconds: 585, firstResponseSeconds: 45, csatAverage: 4, csatCount: 1 });
    expect(rowNamed(res.body, 'Bob')).toMatchObject({ offered: 2, answered: 1, serviceLevel: 0, asaSeconds: 60, ahtSeconds: 850, occupancy: 850 / 2000, firstResponseSeconds: 90, resolutionSeconds: 900 });
  });

  it('per agent: a conversation reassigned from Cara to Dan credits each with their own segment', async () => {
    const res = await admin.json<ReportDto>('GET', '/api/reports?from=2026-10-12&to=2026-10-13&groupBy=agent&tz=Asia/Tehran');
    expect(res.status).toBe(200);
    // Cara took it from the queue after 10 s, answered 30 s after the customer wrote, and held it 90 s (no wrap-up: she did not close it).
    expect(rowNamed(res.body, 'Cara')).toEqual({
      id: cara.id,
      name: 'Cara',
      offered: 1,
      answered: 1,
      abandoned: null,
      serviceLevel: 1,
      asaSeconds: 10,
      ahtSeconds: 90,
      abandonRate: null,
      occupancy: 90 / 1100,
      loggedInSeconds: 1100,
      busySeconds: 90,
      firstResponseSeconds: 30,
      resolutionSeconds: null,
      csatAverage: null,
      csatCount: 0,
    });
    // Dan was handed it at 100 s with the customer's 50 s message open: his clock starts when he got it (100 s → 130 s).
    // He held it 300 s plus the queue's 10 s wrap-up after closing it, and the close's outcome and rating are his.
    expect(rowNamed(res.body, 'Dan')).toEqual({
      id: dan.id,
      name: 'Dan',
      offered: 0,
      answered: 1,
      abandoned: null,
      serviceLevel: null,
      asaSeconds: null,
      ahtSeconds: 310,
      abandonRate: null,
      occupancy: 310 / 950,
      loggedInSeconds: 950,
      busySeconds: 310,
      firstResponseSeconds: 30,
      resolutionSeconds: 400,
      csatAverage: 5,
      csatCount: 1,
    });
    // Nobody else is credited with it; the queue sees one conversation, answered once, handled 390 s + 10 s.
    expect(rowNamed(res.body, 'Ann')).toMatchObject({ answered: 0, ahtSeconds: null });
    const queue = await admin.json<ReportDto>('GET', '/api/reports?from=2026-10-12&to=2026-10-13&groupBy=queue&tz=Asia/Tehran');
    expect(rowNamed(queue.body, QUEUE_NAME)).toMatchObject({ offered: 1, answered: 1, asaSeconds: 10, ahtSeconds: 400, firstResponseSeconds: 30, resolutionSeconds: 400, csatAverage: 5 });
  });

  it('a live hand-over through routing records both segments, and the report credits each agent with theirs', async () => {
    const eve = await createAgent(running.url, admin, { name: 'Eve Live' });
    const finn = await createAgent(running.url, admin, { name: 'Finn Live' });
    const eveWs = await agentSocket(running.url, eve.client);
    await eveWs.emitWithAck('presence:set', { status: 'available' });
    const visitor = await chatSocket(running.url, { name: 'Handed over' });
    const offerP = nextEvent<OfferDto>(eveWs, 'offer');
    const sent = await visitor.socket.emitWithAck('message', { clientId: 'h1', body: 'hello' });
    const conversationId = (sent as { conversationId: string }).conversationId;
    const accepted = await eveWs.emitWithAck('offer:accept', { offerId: (await offerP).offerId });
    expect((accepted as { conversation: ConversationDto }).conversation.id).toBe(conversationId);
    expect((await eve.client.json('POST', `/api/conversations/${conversationId}/messages`, { body: 'Eve here' })).status).toBe(201);
    expect((await admin.json('POST', `/api/conversations/${conversationId}/assign`, { agentId: finn.id })).status).toBe(200);
    expect((await finn.client.json('POST', `/api/conversations/${conversationId}/messages`, { body: 'Finn here' })).status).toBe(201);
    expect((await finn.client.json('POST', `/api/conversations/${conversationId}/close`)).status).toBe(200);

    const segments = await db
      .selectFrom('assignment_segments')
      .select(['agent_id', 'started_at', 'ended_at', 'end_reason'])
      .where('conversation_id', '=', conversationId)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    expect(segments.map((g) => [g.agent_id, g.end_reason])).toEqual([
      [eve.id, 'reassigned'],
      [finn.id, 'completed'],
    ]);
    const [first, second] = segments as [(typeof segments)[number], (typeof segments)[number]];
    // Back to back: Eve's ends where Finn's begins; Finn's ends at the close.
    expect(second.started_at).toEqual(first.ended_at);
    const closed = await db.selectFrom('conversations').select('closed_at').where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(second.ended_at).toEqual(closed.closed_at);

    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const res = await admin.json<ReportDto>('GET', `/api/reports?from=${today}&to=${tomorrow}&groupBy=agent`);
    const seconds = (g: (typeof segments)[number]) => (g.ended_at!.getTime() - g.started_at.getTime()) / 1000;
    expect(rowNamed(res.body, 'Eve Live')).toMatchObject({ offered: 1, answered: 1, ahtSeconds: seconds(first), resolutionSeconds: null });
    expect(rowNamed(res.body, 'Eve Live').asaSeconds).not.toBeNull();
    expect(rowNamed(res.body, 'Finn Live')).toMatchObject({ offered: 0, answered: 1, asaSeconds: null, ahtSeconds: seconds(second) });
    expect(rowNamed(res.body, 'Finn Live').resolutionSeconds).not.toBeNull();
    eveWs.close();
    visitor.socket.close();
  });

  it('day boundaries follow tz: the same date in UTC takes in the late-evening contact', async () => {
    const res = await admin.json<ReportDto>('GET', '/api/reports?from=2026-10-10&to=2026-10-11&tz=UTC');
    expect(rowNamed(res.body, QUEUE_NAME)).toMatchObject({ offered: 4, abandoned: 2 });
  });

  it('presence changes are recorded as they happen', async () => {
    await db.updateTable('agent_state').set({ status: 'break', status_since: sql<Date>`now()` }).where('user_id', '=', ann.id).execute();
    const rows = await db.selectFrom('agent_status_history').select('status').where('user_id', '=', ann.id).orderBy('at', 'desc').orderBy('id', 'desc').limit(1).execute();
    expect(rows[0]?.status).toBe('break');
  });

  it('refuses bad ranges with the field named', async () => {
    const cases: [string, string, string][] = [
      ['from=2026-10-11&to=2026-10-10', 'query.to', 'must be after from'],
      ['from=2026-10-10&to=2026-10-10', 'query.to', 'must be after from'],
      ['from=2025-01-01&to=2026-10-10', 'query.to', 'at most 366 days'],
      ['from=2026-02-30&to=2026-03-10', 'query.from', 'must be a date'],
      ['from=2026-10-10&to=2026-10-11&tz=Asia/Nowhere', 'query.tz', 'IANA time zone'],
      ['from=2026-10-10&to=2026-10-11&groupBy=skill', 'query.groupBy', 'queue or agent'],
      ['to=2026-10-11', 'query.from', ''],
    ];
    for (const [query, path, text] of cases) {
      const res = await admin.json<{ error: { details: { path: string; message: string }[] } }>('GET', `/api/reports?${query}`);
      expect(res.status, query).toBe(400);
      const issue = res.body.error.details.find((d) => d.path === path);
      expect(issue?.message, query).toContain(text);
    }
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await admin.json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>('GET', '/api/openapi.json');
    expect(doc.body.paths['/api/reports']?.get?.parameters?.map((p) => p.name)).toEqual(['from', 'to', 'groupBy', 'tz']);
    expect(doc.body.paths['/api/reports.csv']).toBeDefined();
  });

  it('is for supervisors and admins only', async () => {
    const res = await ann.client.request('GET', '/api/reports?from=2026-10-10&to=2026-10-11');
    expect(res.status).toBe(403);
  });
});

describe('GET /api/reports.csv', () => {
  it('an attachment with a BOM, one row per queue, awkward names intact', async () => {
    const res = await admin.request('GET', '/api/reports.csv?from=2026-10-10&to=2026-10-11&groupBy=queue&tz=Asia/Tehran');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="pasokh-report-queue-2026-10-10-2026-10-11.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const records = parseCsv(text, { columns: true }) as Record<string, string>[];
    const queue = records.find((r) => r['name'] === QUEUE_NAME);
    expect(queue).toMatchObject({ kind: 'queue', offered: '3', answered: '2', abandoned: '1', service_level_pct: '50', asa_seconds: '42.5', aht_seconds: '717.5', abandon_rate_pct: '33.3', logged_in_seconds: '', csat_average: '3', csat_count: '2' });
    // Four default queues + ours, then the total.
    expect(records).toHaveLength(6);
    expect(records[5]).toMatchObject({ kind: 'total', offered: '3' });
  });

  it('per agent: each agent’s segments, logged-in and busy time', async () => {
    const res = await admin.request('GET', '/api/reports.csv?from=2026-10-12&to=2026-10-13&groupBy=agent&tz=Asia/Tehran');
    const records = parseCsv((await res.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(records.find((r) => r['name'] === 'Cara')).toMatchObject({ kind: 'agent', answered: '1', aht_seconds: '90', occupancy_pct: '8.2', logged_in_seconds: '1100', busy_seconds: '90', first_response_seconds: '30' });
    expect(records.find((r) => r['name'] === 'Dan')).toMatchObject({ kind: 'agent', answered: '1', asa_seconds: '', aht_seconds: '310', logged_in_seconds: '950', busy_seconds: '310', csat_average: '5' });
  });
});
