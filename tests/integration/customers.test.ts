import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundSmsParams } from '../../src/cli/simulate.js';
import type { Channel, TimelineDto } from '../../src/contracts/index.js';
import type { CustomerDetailDto, CustomerSearchPage, MergeCandidateDto, MergeRecordDto, TimelinePageDto } from '../../src/customers/contracts.js';
import { normalizeForMatch } from '../../src/domain/identity.js';
import type { IdentityKind } from '../../src/db/schema.js';
import { adminClient, createAgent, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';
import { TwilioFake } from '../helpers/twilio-fake.js';

const PUBLIC_URL = 'https://pasokh.example.com';
const BUSINESS = '+15005550006';

const iso = isolate('customers');
const fake = new TwilioFake();
let running: RunningHub;
let admin: Client;
let n = 0;

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] | Record<string, unknown> };
}

/** A unique Iranian mobile number per call. */
const newPhone = () => `+98935${String(1_000_000 + (n += 1)).padStart(7, '0')}`;

/** A contact through the real ingest (what every channel adapter calls). */
async function contact(o: { channel: Channel; kind: IdentityKind; value: string; body?: string; name?: string | null; unverifiedEmail?: string | null; from?: string }) {
  return running.hub.ingest.ingest({
    channel: o.channel,
    externalId: `t-${randomUUID()}`,
    identities: [{ kind: o.kind, value: o.value }],
    customerName: o.name ?? null,
    unverifiedEmail: o.unverifiedEmail ?? null,
    body: o.body ?? 'hello',
    metadata: o.from ? { from: o.from } : {},
  });
}

async function setProfile(customerId: string, profile: Record<string, unknown>) {
  await running.hub.db.updateTable('customers').set({ profile: sql<string>`profile || ${JSON.stringify(profile)}::jsonb` }).where('id', '=', customerId).execute();
}

async function closeConversation(id: string) {
  const res = await admin.json('POST', `/api/conversations/${id}/close`);
  expect(res.status).toBe(200);
}

function postSms(from: string, body: string) {
  const params = inboundSmsParams({ from, to: BUSINESS, body, accountSid: fake.accountSid });
  const signature = twilio.getExpectedTwilioSignature(fake.authToken, `${PUBLIC_URL}/webhooks/twilio/sms`, params);
  return fetch(`${running.url}/webhooks/twilio/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

async function search(q: string, extra = ''): Promise<CustomerSearchPage> {
  const res = await admin.json<CustomerSearchPage>('GET', `/api/customers?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Everything a merge touches, to compare before and after an undo. */
async function stateOf(customerIds: string[]) {
  const db = running.hub.db;
  return {
    customers: await db.selectFrom('customers').select(['id', 'display_name', 'profile', 'merged_into']).where('id', 'in', customerIds).orderBy('id').execute(),
    identities: await db.selectFrom('customer_identities').select(['id', 'customer_id', 'kind', 'value']).where('customer_id', 'in', customerIds).orderBy('id').execute(),
    conversations: await db.selectFrom('conversations').select(['id', 'customer_id', 'status']).where('customer_id', 'in', customerIds).orderBy('id').execute(),
    tasks: await db
      .selectFrom('routing_tasks')
      .innerJoin('conversations', 'conversations.id', 'routing_tasks.conversation_id')
      .select(['routing_tasks.id', 'routing_tasks.customer_id'])
      .where('conversations.customer_id', 'in', customerIds)
      .orderBy('routing_tasks.id')
      .execute(),
  };
}

async function merge(client: Client, survivorId: string, mergedId: string) {
  return client.json<{ merge: MergeRecordDto } & ErrorBody>('POST', `/api/customers/${survivorId}/merge`, { mergedId });
}

beforeAll(async () => {
  await fake.start();
  running = await startHub(testConfig(iso, { PUBLIC_URL, TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, COOKIE_SECURE: 'false' }), {
    channelOptions: { twilioHttpClient: fake.httpClient() },
  });
  admin = await adminClient(running.url);
});

afterAll(async () => {
  await running?.stop();
  await fake.stop();
  await iso.cleanup();
});

describe('customer search', () => {
  it('finds a customer by phone however the agent types it: spaces, +98, 0098, Persian or Arabic-Indic digits, part of it', async () => {
    const phone = '+989127654321';
    const { customerId } = await contact({ channel: 'sms', kind: 'phone', value: phone, from: phone });
    for (const typed of ['0912 765 4321', '+98 912 765 4321', '0098 912 765 4321', '۰۹۱۲ ۷۶۵ ۴۳۲۱', '٠٩١٢٧٦٥٤٣٢١', '0912 765', '۷۶۵۴۳']) {
      const found = await search(typed);
      expect(found.customers.map((c) => c.id), typed).toContain(customerId);
    }
    const hit = (await search('09127654321')).customers[0]!;
    expect(hit).toMatchObject({ id: customerId, identities: [{ kind: 'phone', value: phone }], conversationCount: 1 });
    expect(hit.lastContactAt).not.toBeNull();
  });

  it('matches Arabic ي/ك to Persian ی/ک both ways, and names and emails regardless of case', async () => {
    const persian = await contact({ channel: 'webchat', kind: 'visitor', value: randomUUID(), name: 'علی کریمی' });
    const arabic = await contact({ channel: 'webchat', kind: 'visitor', value: randomUUID(), name: 'رضا كاظمي' });
    const mail = await contact({ channel: 'email', kind: 'email', value: 'parisa.rahimi@example.com', name: 'Parisa Rahimi' });
    expect((await search('علي كريمي')).customers.map((c) => c.id)).toContain(persian.customerId);
    expect((await search('کاظمی')).customers.map((c) => c.id)).toContain(arabic.customerId);
    expect((await search('PARISA.RAHIMI@EXAMPLE.COM')).customers[0]!.id).toBe(mail.customerId);
    expect((await search('rahimi')).customers.map((c) => c.id)).toContain(mail.customerId);
    // Display keeps what the customer wrote: only matching is normalised.
    expect((await search('كاظمي')).customers.find((c) => c.id === arabic.customerId)!.name).toBe('رضا كاظمي');
    // A visitor token hash is never shown.
    expect((await search('علی کریمی')).customers.find((c) => c.id === persian.customerId)!.identities).toEqual([]);
  });

  it('finds an unverified pre-chat email and an account number typed in Persian digits', async () => {
    const chat = await contact({ channel: 'webchat', kind: 'visitor', value: randomUUID(), name: 'Navid', unverifiedEmail: 'navid@example.org' });
    await setProfile(chat.customerId, { accountNumber: '4455-6677' });
    expect((await search('navid@example')).customers.map((c) => c.id)).toContain(chat.customerId);
    expect((await search('۴۴۵۵۶۶۷۷')).customers.map((c) => c.id)).toContain(chat.customerId);
  });

  it('pages through results with no duplicates and a clear end; bad paging input is a 400 naming the field', async () => {
    const ids = [];
    for (let i = 0; i < 5; i += 1) ids.push((await contact({ channel: 'webchat', kind: 'visitor', value: randomUUID(), name: `Pagetest Person ${i}` })).customerId);
    const seen: string[] = [];
    let offset: number | null = 0;
    let pages = 0;
    while (offset !== null) {
      const page = await search('pagetest', `&limit=2&offset=${offset}`);
      expect(page.customers.length).toBeLessThanOrEqual(2);
      seen.push(...page.customers.map((c) => c.id));
      offset = page.nextOffset;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    const bad = await admin.json<ErrorBody>('GET', '/api/customers?q=x&limit=0');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('query.limit');
  });

  it('the database fold is the same as normalizeForMatch (ي/ك, digits, ZWNJ, case, spaces)', async () => {
    const chars = fc.constantFrom('ي', 'ی', 'ك', 'ک', 'ا', 'ب', '۰', '۹', '٣', '5', 'A', 'b', 'É', ' ', '  ', '\u200c', '\t', 'ﻙ');
    await fc.assert(
      fc.asyncProperty(fc.array(chars, { maxLength: 12 }).map((a) => a.join('')), async (text) => {
        const { rows } = await sql<{ f: string }>`select customer_fold(${text}) as f`.execute(running.hub.db);
        expect(rows[0]!.f).toBe(normalizeForMatch(text));
      }),
      { numRuns: 60 },
    );
  });
});

describe('cross-channel timeline', () => {
  it('pages newest-first across channels with a stable cursor: messages arriving meanwhile cause no duplicates or gaps', async () => {
    const phone = newPhone();
    const first = await contact({ channel: 'sms', kind: 'phone', value: phone, body: 'sms 1', from: phone });
    const customerId = first.customerId;
    // The same person on web chat: the visitor identity is attached to the known phone customer.
    const bodies = ['sms 1'];
    for (let i = 2; i <= 7; i += 1) {
      const channel: Channel = i % 2 === 0 ? 'webchat' : 'sms';
      const r = await running.hub.ingest.ingest({
        channel,
        externalId: `t-${randomUUID()}`,
        identities: [{ kind: 'phone', value: phone }],
        body: `${channel} ${i}`,
      });
      expect(r.customerId).toBe(customerId);
      bodies.push(`${channel} ${i}`);
    }
    const page1 = await admin.json<TimelinePageDto>('GET', `/api/customers/${customerId}/timeline?limit=3`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((m) => m.body)).toEqual(['sms 7', 'webchat 6', 'sms 5']);
    expect(new Set(page1.body.items.map((m) => m.conversation.channel))).toEqual(new Set(['sms', 'webchat']));

    // New messages arrive between pages.
    await contact({ channel: 'sms', kind: 'phone', value: phone, body: 'late sms', from: phone });
    await contact({ channel: 'webchat', kind: 'phone', value: phone, body: 'late chat' });

    const page2 = await admin.json<TimelinePageDto>('GET', `/api/customers/${customerId}/timeline?limit=3&before=${page1.body.nextCursor}`);
    const page3 = await admin.json<TimelinePageDto>('GET', `/api/customers/${customerId}/timeline?limit=3&before=${page2.body.nextCursor}`);
    const older = [...page1.body.items, ...page2.body.items, ...page3.body.items].map((m) => m.body);
    expect(older).toEqual(bodies.slice().reverse());
    expect(page3.body.nextCursor).toBeNull();
    // Times strictly non-increasing, and the newest page now starts with what arrived.
    const times = [...page1.body.items, ...page2.body.items, ...page3.body.items].map((m) => m.at);
    expect([...times].sort().reverse()).toEqual(times);
    const fresh = await admin.json<TimelinePageDto>('GET', `/api/customers/${customerId}/timeline?limit=2`);
    expect(fresh.body.items.map((m) => m.body)).toEqual(['late chat', 'late sms']);

    // The original call keeps its shape for current callers.
    const whole = await admin.json<TimelineDto>('GET', `/api/customers/${customerId}/timeline`);
    expect(whole.status).toBe(200);
    expect(whole.body.conversations.map((c) => c.channel).sort()).toEqual(['sms', 'webchat']);
    expect(whole.body.conversations.flatMap((c) => c.messages).length).toBe(9);
  });

  it('exclude leaves one conversation out of every page, so the conversation view pages only the customer’s other conversations', async () => {
    const phone = newPhone();
    const sms = await contact({ channel: 'sms', kind: 'phone', value: phone, body: 'sms old', from: phone });
    const chat = await contact({ channel: 'webchat', kind: 'phone', value: phone, body: 'chat 1' });
    await contact({ channel: 'webchat', kind: 'phone', value: phone, body: 'chat 2' });
    await contact({ channel: 'sms', kind: 'phone', value: phone, body: 'sms new', from: phone });
    expect(chat.customerId).toBe(sms.customerId);
    const base = `/api/customers/${sms.customerId}/timeline?exclude=${chat.conversationId}`;
    const page1 = await admin.json<TimelinePageDto>('GET', `${base}&limit=1`);
    expect(page1.body.items.map((m) => m.body)).toEqual(['sms new']);
    const page2 = await admin.json<TimelinePageDto>('GET', `${base}&limit=1&before=${page1.body.nextCursor}`);
    expect(page2.body.items.map((m) => m.body)).toEqual(['sms old']);
    expect(page2.body.nextCursor).toBeNull();
    const bad = await admin.json<ErrorBody>('GET', `/api/customers/${sms.customerId}/timeline?exclude=nope`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('query.exclude');
  });

  it('a cursor that is not ours is a 400 naming query.before; an agent without a conversation with the customer is refused', async () => {
    const { customerId } = await contact({ channel: 'sms', kind: 'phone', value: newPhone() });
    const bad = await admin.json<ErrorBody>('GET', `/api/customers/${customerId}/timeline?before=garbage`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('query.before');
    const agent = await createAgent(running.url, admin);
    const res = await agent.client.json<ErrorBody>('GET', `/api/customers/${customerId}/timeline?limit=5`);
    expect(res.status).toBe(403);
  });
});

describe('merge and undo', () => {
  it('candidates carry evidence; a merge moves identities and conversations in one step, and the undo restores exactly what moved', async () => {
    // Sara wrote by email (a proven address) and later in web chat, typing that address in the pre-chat form.
    const mail = await contact({ channel: 'email', kind: 'email', value: 'sara.ahmadi@example.com', body: 'order question', from: 'sara.ahmadi@example.com' });
    await setProfile(mail.customerId, { accountNumber: 'A-100' });
    const chat = await contact({ channel: 'webchat', kind: 'visitor', value: randomUUID(), name: 'Sara Ahmadi', unverifiedEmail: 'Sara.Ahmadi@example.com', body: 'hi from chat' });
    const ids = [mail.customerId, chat.customerId];

    const cands = await admin.json<{ candidates: MergeCandidateDto[] }>('GET', `/api/customers/${chat.customerId}/merge-candidates`);
    expect(cands.status).toBe(200);
    const c = cands.body.candidates.find((x) => x.customer.id === mail.customerId)!;
    expect(c.evidence).toEqual([{ kind: 'unverified_email_matches_verified', detail: 'sara.ahmadi@example.com', weight: 0.9 }]);
    expect(c.customer.identities).toEqual([{ kind: 'email', value: 'sara.ahmadi@example.com' }]);

    const before = await stateOf(ids);
    const done = await merge(admin, chat.customerId, mail.customerId);
    expect(done.status).toBe(201);
    expect(done.body.merge).toMatchObject({ survivorId: chat.customerId, mergedId: mail.customerId, score: 0.9, undoneAt: null, movedIdentities: [{ kind: 'email', value: 'sara.ahmadi@example.com' }] });
    expect(done.body.merge.movedConversationIds).toEqual([mail.conversationId]);

    const after = await stateOf(ids);
    expect(after.identities.every((i) => i.customer_id === chat.customerId)).toBe(true);
    expect(after.conversations.every((x) => x.customer_id === chat.customerId)).toBe(true);
    expect(after.tasks.every((x) => x.customer_id === chat.customerId)).toBe(true);
    const merged = after.customers.find((x) => x.id === mail.customerId)!;
    expect(merged.merged_into).toBe(chat.customerId);
    // The survivor gained what it lacked (the account number) and kept its own email claim.
    expect(after.customers.find((x) => x.id === chat.customerId)!.profile).toEqual({ email: 'Sara.Ahmadi@example.com', accountNumber: 'A-100' });

    // One timeline over both channels; the merged record points at the survivor and leaves search.
    const page = await admin.json<TimelinePageDto>('GET', `/api/customers/${chat.customerId}/timeline?limit=10`);
    expect(page.body.items.map((m) => `${m.channel}:${m.body}`)).toEqual(['webchat:hi from chat', 'email:order question']);
    const detail = await admin.json<CustomerDetailDto>('GET', `/api/customers/${mail.customerId}`);
    expect(detail.body.mergedInto).toBe(chat.customerId);
    expect((await search('sara.ahmadi')).customers.map((x) => x.id)).toEqual([chat.customerId]);
    const history = await admin.json<CustomerDetailDto>('GET', `/api/customers/${chat.customerId}`);
    expect(history.body.merges.map((m) => m.id)).toEqual([done.body.merge.id]);
    expect(history.body.merges[0]!.actor?.name).toBeTruthy();
    const audit = await running.hub.db.selectFrom('audit_log').select(['action', 'subject_id']).where('action', 'like', 'customer.merge%').where('subject_id', '=', chat.customerId).execute();
    expect(audit).toEqual([{ action: 'customer.merge', subject_id: chat.customerId }]);

    const undone = await admin.json<{ merge: MergeRecordDto }>('POST', `/api/customers/merges/${done.body.merge.id}/undo`);
    expect(undone.status).toBe(200);
    expect(undone.body.merge.undoneAt).not.toBeNull();
    expect(await stateOf(ids)).toEqual(before);
    const again = await admin.json<ErrorBody>('POST', `/api/customers/merges/${done.body.merge.id}/undo`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_undone');
    expect((await search('sara.ahmadi')).customers.map((x) => x.id).sort()).toEqual([...ids].sort());
  });

  it('refuses when both have an open conversation on one channel, naming it; and nonsense merges', async () => {
    const a = await contact({ channel: 'sms', kind: 'phone', value: newPhone() });
    const b = await contact({ channel: 'sms', kind: 'phone', value: newPhone() });
    const clash = await merge(admin, a.customerId, b.customerId);
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('open_conversation_conflict');
    expect(clash.body.error.message).toContain('sms');
    expect(clash.body.error.details).toEqual({ channel: 'sms' });
    // Nothing moved.
    expect((await stateOf([b.customerId])).identities).toHaveLength(1);

    await closeConversation(b.conversationId);
    expect((await merge(admin, a.customerId, b.customerId)).status).toBe(201);

    const self = await merge(admin, a.customerId, a.customerId);
    expect(self.status).toBe(400);
    expect(JSON.stringify(self.body.error.details)).toContain('body.mergedId');
    expect((await merge(admin, a.customerId, randomUUID())).status).toBe(404);
    const twice = await merge(admin, a.customerId, b.customerId);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_merged');
    const badBody = await admin.json<ErrorBody>('POST', `/api/customers/${a.customerId}/merge`, { mergedId: 'x' });
    expect(badBody.status).toBe(400);
  });

  it('after a merge, a new SMS from the merged-away number lands on the survivor; the undo is then refused with the reason', async () => {
    const mergedPhone = newPhone();
    const survivorPhone = newPhone();
    const m = await contact({ channel: 'sms', kind: 'phone', value: mergedPhone, from: mergedPhone });
    await closeConversation(m.conversationId);
    const s = await contact({ channel: 'voice', kind: 'phone', value: survivorPhone, from: survivorPhone });
    const done = await merge(admin, s.customerId, m.customerId);
    expect(done.status).toBe(201);

    // A message from the survivor's own number does not block the undo…
    expect((await postSms(survivorPhone, 'from my own phone')).status).toBe(200);
    const customersBefore = await running.hub.db.selectFrom('customers').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    // …one from the merged-away number lands on the survivor, and does.
    expect((await postSms(mergedPhone, 'texting again')).status).toBe(200);
    const stored = await running.hub.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['conversations.customer_id', 'conversations.id'])
      .where('messages.body', '=', 'texting again')
      .executeTakeFirstOrThrow();
    expect(stored.customer_id).toBe(s.customerId);
    const customersAfter = await running.hub.db.selectFrom('customers').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(customersAfter.n).toBe(customersBefore.n);

    const refused = await admin.json<ErrorBody>('POST', `/api/customers/merges/${done.body.merge.id}/undo`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('contact_since_merge');
    expect(refused.body.error.message).toContain('sms');
    expect((await stateOf([m.customerId])).customers[0]!.merged_into).toBe(s.customerId);
  });

  it('an undo is refused while the survivor is itself merged away, and works again once that is undone', async () => {
    const m = await contact({ channel: 'email', kind: 'email', value: `m${n}@example.com` });
    const s = await contact({ channel: 'sms', kind: 'phone', value: newPhone() });
    const x = await contact({ channel: 'voice', kind: 'phone', value: newPhone() });
    const first = await merge(admin, s.customerId, m.customerId);
    const second = await merge(admin, x.customerId, s.customerId);
    expect([first.status, second.status]).toEqual([201, 201]);
    // Both records' identities and conversations are now on x.
    expect((await stateOf([x.customerId])).identities).toHaveLength(3);

    const refused = await admin.json<ErrorBody>('POST', `/api/customers/merges/${first.body.merge.id}/undo`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('survivor_merged_since');
    expect((await admin.json('POST', `/api/customers/merges/${second.body.merge.id}/undo`)).status).toBe(200);
    expect((await admin.json('POST', `/api/customers/merges/${first.body.merge.id}/undo`)).status).toBe(200);
    for (const c of [m, s, x]) expect((await stateOf([c.customerId])).identities).toHaveLength(1);
  });

  it('an ingest racing a merge is redirected to the survivor by the database', async () => {
    const m = await contact({ channel: 'sms', kind: 'phone', value: newPhone() });
    await closeConversation(m.conversationId);
    const s = await contact({ channel: 'voice', kind: 'phone', value: newPhone() });
    const merger = new pg.Client({ connectionString: iso.databaseUrl });
    const ingester = new pg.Client({ connectionString: iso.databaseUrl });
    await merger.connect();
    await ingester.connect();
    try {
      await merger.query('begin');
      await merger.query('select id from customers where id = any($1) order by id for update', [[m.customerId, s.customerId]]);
      await merger.query('update customers set merged_into = $1 where id = $2', [s.customerId, m.customerId]);
      // Ingest had resolved the customer as m before the merge committed.
      const insert = ingester.query<{ customer_id: string }>("insert into conversations (customer_id, channel) values ($1, 'sms') returning customer_id", [m.customerId]);
      await merger.query('commit');
      expect((await insert).rows[0]!.customer_id).toBe(s.customerId);
    } finally {
      await merger.end();
      await ingester.end();
    }
  });

  it('agents may search, merge and undo (recorded as the actor); no session is a 401', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Merging Agent' });
    const a = await contact({ channel: 'sms', kind: 'phone', value: newPhone(), name: 'کیان تهرانی' });
    const b = await contact({ channel: 'email', kind: 'email', value: `kian${n}@example.com`, name: 'كيان تهراني' });
    const found = await agent.client.json<CustomerSearchPage>('GET', `/api/customers?q=${encodeURIComponent('کیان')}`);
    expect(found.body.customers.map((c) => c.id).sort()).toEqual([a.customerId, b.customerId].sort());
    const cands = await agent.client.json<{ candidates: MergeCandidateDto[] }>('GET', `/api/customers/${a.customerId}/merge-candidates`);
    expect(cands.body.candidates.find((c) => c.customer.id === b.customerId)?.evidence.map((e) => e.kind)).toEqual(['same_name']);
    const done = await merge(agent.client, a.customerId, b.customerId);
    expect(done.status).toBe(201);
    expect(done.body.merge.actor).toEqual({ id: agent.id, name: 'Merging Agent' });
    const undone = await agent.client.json<{ merge: MergeRecordDto }>('POST', `/api/customers/merges/${done.body.merge.id}/undo`);
    expect(undone.body.merge.undoneBy).toEqual({ id: agent.id, name: 'Merging Agent' });
    const audit = await running.hub.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('subject_id', '=', a.customerId).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'customer.merge', actor_user_id: agent.id },
      { action: 'customer.merge.undo', actor_user_id: agent.id },
    ]);
    const anon = await fetch(`${running.url}/api/customers?q=kian`);
    expect(anon.status).toBe(401);
  });
});
