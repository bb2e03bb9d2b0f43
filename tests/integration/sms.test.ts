import { spawn } from 'node:child_process';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inboundSmsParams } from '../../src/cli/simulate.js';
import type { MessageDto, OfferDto } from '../../src/contracts/index.js';
import {
  adminClient,
  agentSocket,
  createAgent,
  eventually,
  isolate,
  nextEvent,
  startHub,
  testConfig,
  type Client,
  type RunningHub,
} from '../helpers/hub.js';
import { TwilioFake } from '../helpers/twilio-fake.js';

// The hub listens on 127.0.0.1, but Twilio signs the public URL it was given:
// every webhook here is signed for PUBLIC_URL + path, as Twilio would.
const PUBLIC_URL = 'https://pasokh.example.com';
const INBOUND = '/webhooks/twilio/sms';
const STATUS = '/webhooks/twilio/sms/status';
const BUSINESS = '+15005550006';

const iso = isolate('sms');
const fake = new TwilioFake();
let running: RunningHub;
let admin: Client;
let phoneCounter = 0;

/** A customer number no other test uses. */
const newCustomer = () => `+98912${String(3_000_000 + (phoneCounter += 1)).padStart(7, '0')}`;
const newSid = () => `SM${Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')}`;

function post(path: string, params: Record<string, string>, signature: string | null | undefined = twilio.getExpectedTwilioSignature(fake.authToken, PUBLIC_URL + path, params)) {
  return fetch(running.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
    body: new URLSearchParams(params).toString(),
  });
}

function inbound(o: { from: string; body: string; to?: string; sid?: string; media?: string[] }) {
  return inboundSmsParams({ from: o.from, to: o.to ?? BUSINESS, body: o.body, sid: o.sid, media: o.media, accountSid: fake.accountSid });
}

async function count(table: 'messages' | 'customers' | 'conversations' | 'routing_tasks'): Promise<number> {
  const row = await running.hub.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return row.n;
}

async function messageBySid(sid: string) {
  return running.hub.db.selectFrom('messages').selectAll().where('channel', '=', 'sms').where('external_id', '=', sid).executeTakeFirst();
}

async function message(id: string) {
  return running.hub.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A customer texts in; returns the stored conversation id. */
async function customerWrites(from: string, body = 'hello', to = BUSINESS): Promise<{ conversationId: string; sid: string }> {
  const sid = newSid();
  const res = await post(INBOUND, inbound({ from, body, to, sid }));
  expect(res.status).toBe(200);
  const stored = await messageBySid(sid);
  return { conversationId: stored!.conversation_id, sid };
}

async function reply(conversationId: string, body: string): Promise<MessageDto> {
  const res = await admin.json<{ message: MessageDto }>('POST', `/api/conversations/${conversationId}/messages`, { body });
  expect(res.status).toBe(201);
  return res.body.message;
}

const settled = (id: string) => eventually(async () => {
  const m = await message(id);
  return m.status === 'sent' || m.status === 'failed' || m.status === 'delivered' ? m : null;
}, 15_000, `message ${id} sent or failed`);

beforeAll(async () => {
  await fake.start();
  running = await startHub(
    testConfig(iso, { PUBLIC_URL, TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, COOKIE_SECURE: 'false' }),
    { channelOptions: { twilioHttpClient: fake.httpClient() }, outbox: { backoffMs: 20, sweepAfterMs: 500, sweepEveryMs: 200 } },
  );
  admin = await adminClient(running.url);
});

afterAll(async () => {
  await running?.stop();
  await fake.stop();
  await iso.cleanup();
});

beforeEach(() => fake.reset());

describe('SMS inbound webhook', () => {
  it('a signed SMS becomes customer (E.164), conversation, message and task, and is offered to an available agent; the reply goes out through Twilio', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Sara' });
    const ws = await agentSocket(running.url, agent.client);
    expect(await ws.emitWithAck('presence:set', { status: 'available' })).toMatchObject({ ok: true });

    const offerP = nextEvent<OfferDto>(ws, 'offer');
    const sid = newSid();
    const res = await post(INBOUND, inbound({ from: '+989121234567', body: 'Where is my order 12345?', sid }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');

    // Everything was committed before the 200.
    const stored = await messageBySid(sid);
    expect(stored).toMatchObject({ direction: 'in', sender: 'customer', body: 'Where is my order 12345?', status: 'received' });
    expect(stored!.metadata).toMatchObject({ from: '+989121234567', to: BUSINESS, segments: { encoding: 'GSM-7', segments: 1 } });
    const conv = await running.hub.db.selectFrom('conversations').selectAll().where('id', '=', stored!.conversation_id).executeTakeFirstOrThrow();
    expect(conv).toMatchObject({ channel: 'sms', status: 'open' });
    expect(conv.channel_meta).toMatchObject({ smsBusinessNumber: BUSINESS, smsCustomerNumber: '+989121234567', smsOptOut: { optedOut: false } });
    const identity = await running.hub.db.selectFrom('customer_identities').selectAll().where('kind', '=', 'phone').where('value', '=', '+989121234567').executeTakeFirstOrThrow();
    expect(identity.customer_id).toBe(conv.customer_id);
    const task = await running.hub.db.selectFrom('routing_tasks').innerJoin('queues', 'queues.id', 'routing_tasks.queue_id').select(['queues.name', 'routing_tasks.channel']).where('conversation_id', '=', conv.id).executeTakeFirstOrThrow();
    expect(task).toEqual({ name: 'sms', channel: 'sms' });

    const offer = await offerP;
    expect(offer).toMatchObject({ channel: 'sms', queue: 'sms', conversationId: conv.id, preview: 'Where is my order 12345?' });
    expect(offer.customer.identities).toEqual([{ kind: 'phone', value: '+989121234567' }]);
    const accepted = await ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    expect(accepted.ok).toBe(true);

    // The agent replies: exactly one Messages API call, from the number the customer wrote to.
    const sent = await agent.client.json<{ message: MessageDto }>('POST', `/api/conversations/${conv.id}/messages`, { body: 'It ships today.' });
    expect(sent.status).toBe(201);
    expect(sent.body.message.metadata).toEqual({ segments: { encoding: 'GSM-7', segments: 1, charactersPerSegment: 160, length: 15 } });
    const done = await settled(sent.body.message.id);
    expect(done.status).toBe('sent');
    expect(fake.messageCreates()).toHaveLength(1);
    const call = fake.messageCreates()[0]!;
    expect(call.host).toBe('api.twilio.com');
    expect(call.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(call.username).toBe(fake.accountSid);
    expect(call.params).toEqual({ From: BUSINESS, To: '+989121234567', Body: 'It ships today.', StatusCallback: PUBLIC_URL + STATUS });
    expect(done.external_id).toBe([...fake.messages.keys()][0]);

    // Later customer messages reach the assigned agent live.
    const live = nextEvent<MessageDto>(ws, 'conversation:message');
    await post(INBOUND, inbound({ from: '+989121234567', body: 'Thanks' }));
    expect(await live).toMatchObject({ conversationId: conv.id, body: 'Thanks', from: 'customer' });
    await ws.emitWithAck('presence:set', { status: 'away' });
    ws.close();
  });

  it('a repeated webhook (same MessageSid) is answered 200 again and stores nothing new', async () => {
    const params = inbound({ from: newCustomer(), body: 'once' });
    const first = await post(INBOUND, params);
    expect(first.status).toBe(200);
    const before = await Promise.all([count('messages'), count('customers'), count('conversations'), count('routing_tasks')]);
    const again = await Promise.all([post(INBOUND, params), post(INBOUND, params), post(INBOUND, params)]);
    for (const r of again) {
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('<Response/>');
    }
    expect(await Promise.all([count('messages'), count('customers'), count('conversations'), count('routing_tasks')])).toEqual(before);
  });

  it('unsigned, wrongly signed or signed-for-another-URL requests get 403 and nothing is stored', async () => {
    const before = await count('messages');
    const params = inbound({ from: newCustomer(), body: 'forged' });
    const unsigned = await post(INBOUND, params, null);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    expect((await post(INBOUND, params, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    // Signed with another account's token.
    expect((await post(INBOUND, params, twilio.getExpectedTwilioSignature('another-token', PUBLIC_URL + INBOUND, params))).status).toBe(403);
    // Signed for the address the hub listens on rather than PUBLIC_URL.
    expect((await post(INBOUND, params, twilio.getExpectedTwilioSignature(fake.authToken, running.url + INBOUND, params))).status).toBe(403);
    // A parameter changed after signing.
    const signature = twilio.getExpectedTwilioSignature(fake.authToken, PUBLIC_URL + INBOUND, params);
    expect((await post(INBOUND, { ...params, Body: 'tampered' }, signature)).status).toBe(403);
    // Status callbacks are checked the same way.
    expect((await post(STATUS, { MessageSid: newSid(), MessageStatus: 'delivered' }, null)).status).toBe(403);
    expect(await count('messages')).toBe(before);
  });

  it('malformed webhooks get 400 (signed) or 413 (huge) and the hub carries on', async () => {
    const before = await count('messages');
    const good = inbound({ from: newCustomer(), body: 'x' });
    const { From: _from, ...noFrom } = good;
    const cases: Record<string, string>[] = [
      noFrom,
      { ...good, MessageSid: 'not-a-sid' },
      { ...good, From: 'Twitter' },
      { ...good, NumMedia: 'many' },
      { ...good, NumMedia: '1' }, // MediaUrl0 missing
      { ...good, NumMedia: '1', MediaUrl0: 'javascript:alert(1)', MediaContentType0: 'image/png' },
      { ...good, Body: 'nul \u0000 inside' },
      {},
    ];
    for (const params of cases) {
      const res = await post(INBOUND, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    // A repeated key arrives as a list: not a valid single value.
    const dup = new URLSearchParams(good);
    dup.append('Body', 'second');
    const listed = await fetch(running.url + INBOUND, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(fake.authToken, PUBLIC_URL + INBOUND, { ...good, Body: [good.Body!, 'second'] }) },
      body: dup.toString(),
    });
    expect(listed.status).toBe(400);
    // Bad percent-encoding and a JSON body are refused without a crash.
    const garbled = await fetch(running.url + INBOUND, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' }, body: 'Body=%E0%A4%A&From=%ZZ' });
    expect(garbled.status).toBe(403);
    const json = await fetch(running.url + INBOUND, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"From": "+15550001"' });
    expect(json.status).toBe(400);
    // Bigger than BODY_LIMIT_KB.
    const huge = { ...good, Body: 'x'.repeat(300 * 1024) };
    const big = await post(INBOUND, huge);
    expect(big.status).toBe(413);
    expect(await count('messages')).toBe(before);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
  });

  it('MMS: every MediaUrlN / MediaContentTypeN is stored as an attachment reference', async () => {
    const sid = `MM${newSid().slice(2)}`;
    const media = ['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2.pdf', 'https://example.com/c.png'];
    const params = inbound({ from: newCustomer(), body: '', sid, media });
    params.MediaContentType0 = 'image/jpeg';
    const res = await post(INBOUND, params);
    expect(res.status).toBe(200);
    const stored = await messageBySid(sid);
    expect(stored!.body).toBe('');
    expect(stored!.metadata.attachments).toEqual([
      { url: media[0], contentType: 'image/jpeg' },
      { url: media[1], contentType: 'application/pdf' },
      { url: media[2], contentType: 'image/png' },
    ]);
    // And the API returns them with the message.
    const view = await admin.json<{ messages: MessageDto[] }>('GET', `/api/conversations/${stored!.conversation_id}`);
    expect(view.body.messages.at(-1)!.metadata).toMatchObject({ attachments: stored!.metadata.attachments });
  });

  it('Persian: stored and returned with a UCS-2 segment count, inbound and outbound', async () => {
    const body = 'سلام، سفارش من کجاست؟ لطفاً پیگیری کنید. شماره سفارش ۱۲۳۴۵ است و هنوز نرسیده';
    const { conversationId, sid } = await customerWrites(newCustomer(), body);
    const stored = await messageBySid(sid);
    expect(stored!.body).toBe(body);
    expect(stored!.metadata.segments).toEqual({ encoding: 'UCS-2', segments: 2, charactersPerSegment: 67, length: body.length });
    const out = await reply(conversationId, 'سلام، امروز ارسال می‌شود.');
    expect(out.metadata).toMatchObject({ segments: { encoding: 'UCS-2', segments: 1, charactersPerSegment: 70 } });
    await settled(out.id);
    expect(fake.messageCreates()[0]!.params.Body).toBe('سلام، امروز ارسال می‌شود.');
  });
});

describe('SMS outbound', () => {
  it('a transient Twilio 500 is retried: one message created, and the reply ends sent', async () => {
    const { conversationId } = await customerWrites(newCustomer());
    fake.failNext(2, { status: 500 }, (r) => r.method === 'POST');
    const out = await reply(conversationId, 'after two errors');
    const done = await settled(out.id);
    expect(done.status).toBe('sent');
    expect(fake.messageCreates()).toHaveLength(3);
    expect(fake.acceptedCreates()).toHaveLength(1);
    expect(done.external_id).toBe(fake.messages.keys().next().value);
  });

  it('when Twilio created the message but the answer was lost, the retry finds it instead of sending twice', async () => {
    const { conversationId } = await customerWrites(newCustomer());
    fake.failNext(1, { network: true, afterProcessing: true }, (r) => r.method === 'POST');
    const out = await reply(conversationId, 'exactly once please');
    const done = await settled(out.id);
    expect(done.status).toBe('sent');
    expect(fake.messages.size).toBe(1);
    expect(fake.acceptedCreates()).toHaveLength(1);
    expect(done.external_id).toBe(fake.messages.keys().next().value);
    // The retry asked Twilio for the conversation's recent messages and adopted the one it had created.
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('a dropped connection before Twilio saw the request is retried and sent once', async () => {
    const { conversationId } = await customerWrites(newCustomer());
    fake.failNext(1, { network: true }, (r) => r.method === 'POST');
    const out = await reply(conversationId, 'network blip');
    expect((await settled(out.id)).status).toBe('sent');
    expect(fake.acceptedCreates()).toHaveLength(1);
  });

  it('an invalid number (Twilio 400, 21211) fails at once with the reason on the timeline', async () => {
    const { conversationId } = await customerWrites(newCustomer());
    fake.failNext(1, { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." }, (r) => r.method === 'POST');
    const out = await reply(conversationId, 'to nowhere');
    const done = await settled(out.id);
    expect(done.status).toBe('failed');
    expect(done.status_reason).toBe('Twilio refused the message (HTTP 400, error 21211): not a valid phone number');
    expect(fake.messageCreates()).toHaveLength(1);
    const view = await admin.json<{ messages: MessageDto[] }>('GET', `/api/conversations/${conversationId}`);
    expect(view.body.messages.at(-1)).toMatchObject({ status: 'failed', statusReason: done.status_reason });
  });

  it('status callbacks move the reply to delivered, never backwards; failures carry the reason; unknown SIDs are ignored', async () => {
    const { conversationId } = await customerWrites(newCustomer());
    const out = await reply(conversationId, 'track me');
    const sent = await settled(out.id);
    const sid = sent.external_id!;
    const status = (MessageStatus: string, extra: Record<string, string> = {}) => post(STATUS, { MessageSid: sid, SmsSid: sid, MessageStatus, SmsStatus: MessageStatus, AccountSid: fake.accountSid, ...extra });

    const agentEvents: string[] = [];
    running.hub.events.on('message.status', ({ messageId }) => messageId === out.id && agentEvents.push('status'));
    expect((await status('sent')).status).toBe(200);
    expect((await message(out.id)).status).toBe('sent');
    const res = await status('delivered');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await message(out.id)).toMatchObject({ status: 'delivered', status_reason: null });
    // Late and repeated callbacks change nothing.
    await status('sent');
    await status('delivered');
    await status('undelivered', { ErrorCode: '30003' });
    expect((await message(out.id)).status).toBe('delivered');
    expect(agentEvents).toEqual(['status']);
    const view = await admin.json<{ messages: MessageDto[] }>('GET', `/api/conversations/${conversationId}`);
    expect(view.body.messages.at(-1)).toMatchObject({ id: out.id, status: 'delivered' });

    // Another reply that the carrier could not deliver.
    const second = await reply(conversationId, 'this one bounces');
    const secondSid = (await settled(second.id)).external_id!;
    expect((await post(STATUS, { MessageSid: secondSid, MessageStatus: 'undelivered', ErrorCode: '30003' })).status).toBe(200);
    expect(await message(second.id)).toMatchObject({ status: 'failed', status_reason: 'undelivered (Twilio error 30003: the handset is unreachable)' });

    // A SID we never sent: 200 and ignored. A malformed callback: 400.
    expect((await post(STATUS, { MessageSid: newSid(), MessageStatus: 'delivered' })).status).toBe(200);
    expect((await post(STATUS, { MessageSid: sid })).status).toBe(400);
  });

  it('status callbacks that arrive before Twilio has even answered the create are applied once the send is recorded', async () => {
    const { conversationId } = await customerWrites(newCustomer());
    const callbacks: number[] = [];
    let sid = '';
    fake.beforeReply = async (req, answer) => {
      if (req.method !== 'POST' || answer.status !== 201) return;
      sid = (answer.body as { sid: string }).sid;
      for (const MessageStatus of ['sent', 'delivered', 'sent']) callbacks.push((await post(STATUS, { MessageSid: sid, MessageStatus })).status);
      // The hub does not know this SID yet: it keeps the furthest status for later.
      expect(await running.hub.db.selectFrom('sms_status_early').select('twilio_status').where('sid', '=', sid).executeTakeFirst()).toEqual({ twilio_status: 'delivered' });
    };
    const out = await reply(conversationId, 'fast carrier');
    await eventually(async () => (await message(out.id)).status === 'delivered', 10_000, 'delivered after the send was recorded');
    expect(callbacks).toEqual([200, 200, 200]);
    // Kept while the send was unknown, then picked up by it.
    expect(await running.hub.db.selectFrom('sms_status_early').selectAll().where('sid', '=', sid).execute()).toEqual([]);
    expect((await message(out.id)).external_id).toBe(sid);
  });
});

describe('SMS opt-out', () => {
  it('STOP is stored on the timeline and later replies are refused with the reason; START allows them again', async () => {
    const customer = newCustomer();
    const { conversationId } = await customerWrites(customer, 'hi');
    const stop = await customerWrites(customer, '  stop ');
    expect(stop.conversationId).toBe(conversationId);
    const stopMsg = await messageBySid(stop.sid);
    expect(stopMsg!.body).toBe('  stop ');
    expect(stopMsg!.metadata.optKeyword).toEqual({ action: 'opt-out', keyword: 'STOP' });

    const state = await admin.json<{ businessNumber: string; customerNumber: string; optOut: { optedOut: boolean; keyword: string } }>('GET', `/api/sms/conversations/${conversationId}`);
    expect(state.body).toMatchObject({ businessNumber: BUSINESS, customerNumber: customer, optOut: { optedOut: true, keyword: 'STOP' } });

    const refused = await reply(conversationId, 'are you there?');
    const failed = await settled(refused.id);
    expect(failed.status).toBe('failed');
    expect(failed.status_reason).toBe(`the customer opted out of SMS (STOP on ${new Date().toISOString().slice(0, 10)})`);
    expect(fake.messageCreates()).toHaveLength(0);

    // A redelivered STOP after START does not opt the customer out again.
    const start = await customerWrites(customer, 'Start');
    await post(INBOUND, inbound({ from: customer, body: '  stop ', sid: stop.sid }));
    expect((await admin.json<{ optOut: { optedOut: boolean } }>('GET', `/api/sms/conversations/${conversationId}`)).body.optOut).toMatchObject({ optedOut: false, keyword: 'START' });
    expect((await messageBySid(start.sid))!.metadata.optKeyword).toEqual({ action: 'opt-in', keyword: 'START' });

    const allowed = await reply(conversationId, 'welcome back');
    expect((await settled(allowed.id)).status).toBe('sent');
    expect(fake.acceptedCreates()).toHaveLength(1);
  });

  it('opt-out is per business number: STOP to one number does not block another', async () => {
    const customer = newCustomer();
    await customerWrites(customer, 'STOPALL', '+15005550001');
    // The customer writes to the other number; the conversation now replies from it.
    const { conversationId } = await customerWrites(customer, 'question', '+15005550002');
    const out = await reply(conversationId, 'answer');
    expect((await settled(out.id)).status).toBe('sent');
    expect(fake.messageCreates()[0]!.params.From).toBe('+15005550002');
  });

  it('Twilio refusing an unsubscribed number (21610) records the opt-out, so the next reply is refused without calling Twilio', async () => {
    const customer = newCustomer();
    const { conversationId } = await customerWrites(customer);
    fake.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }, (r) => r.method === 'POST');
    const first = await settled((await reply(conversationId, 'one')).id);
    expect(first.status_reason).toBe('Twilio refused the message (HTTP 400, error 21610): the customer unsubscribed (replied STOP)');
    const second = await settled((await reply(conversationId, 'two')).id);
    expect(second.status_reason).toMatch(/^the customer opted out of SMS \(Twilio reported the number unsubscribed on \d{4}-\d{2}-\d{2}\)$/);
    expect(fake.messageCreates()).toHaveLength(1);
  });
});

describe('SMS numbers and queues', () => {
  it('an admin maps numbers to queues; inbound on a mapped number routes to its queue, others to the default sms queue', async () => {
    const vip = await admin.json<{ queue: { id: string } }>('POST', '/api/queues', { name: 'sms-vip', channel: 'sms' });
    expect(vip.status).toBe(201);
    const chatQueue = await admin.json<{ queues: { id: string; name: string }[] }>('GET', '/api/queues');
    const webchatId = chatQueue.body.queues.find((q) => q.name === 'webchat')!.id;

    const created = await admin.json<{ number: { number: string; queueId: string; queue: string } }>('POST', '/api/sms/numbers', { number: '+1 (500) 555-0010', queueId: vip.body.queue.id });
    expect(created.status).toBe(201);
    expect(created.body.number).toMatchObject({ number: '+15005550010', queueId: vip.body.queue.id, queue: 'sms-vip' });
    expect((await admin.json('POST', '/api/sms/numbers', { number: '+15005550010', queueId: vip.body.queue.id })).status).toBe(409);
    expect((await admin.json('POST', '/api/sms/numbers', { number: '+15005550011', queueId: webchatId })).status).toBe(400);
    expect((await admin.json('POST', '/api/sms/numbers', { number: '05005550011', queueId: vip.body.queue.id })).status).toBe(400);
    expect((await admin.json('POST', '/api/sms/numbers', { number: '+15005550011', queueId: '00000000-0000-4000-8000-000000000000' })).status).toBe(400);
    const listed = await admin.json<{ numbers: { number: string }[] }>('GET', '/api/sms/numbers');
    expect(listed.body.numbers.map((n) => n.number)).toEqual(['+15005550010']);

    const agent = await createAgent(running.url, admin);
    expect((await agent.client.json('GET', '/api/sms/numbers')).status).toBe(403);
    expect((await agent.client.json('POST', '/api/sms/numbers', { number: '+15005550012', queueId: vip.body.queue.id })).status).toBe(403);

    const queueOf = async (conversationId: string) =>
      (await running.hub.db.selectFrom('routing_tasks').innerJoin('queues', 'queues.id', 'routing_tasks.queue_id').select('queues.name').where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).name;
    expect(await queueOf((await customerWrites(newCustomer(), 'vip', '+15005550010')).conversationId)).toBe('sms-vip');
    expect(await queueOf((await customerWrites(newCustomer(), 'plain', '+15005550099')).conversationId)).toBe('sms');

    expect((await admin.request('DELETE', '/api/sms/numbers/%2B15005550010')).status).toBe(204);
    expect((await admin.request('DELETE', '/api/sms/numbers/%2B15005550010')).status).toBe(404);
    expect(await queueOf((await customerWrites(newCustomer(), 'after', '+15005550010')).conversationId)).toBe('sms');

    const audits = await running.hub.db.selectFrom('audit_log').select(['action', 'subject_id']).where('subject_type', '=', 'sms_number').orderBy('id').execute();
    expect(audits).toEqual([
      { action: 'sms_number.create', subject_id: '+15005550010' },
      { action: 'sms_number.delete', subject_id: '+15005550010' },
    ]);
  });
});

describe('npm run simulate -- sms', () => {
  const simulate = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/simulate.ts', 'sms', ...args, '--url', running.url], {
        env: { ...process.env, PUBLIC_URL, TWILIO_AUTH_TOKEN: fake.authToken },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('posts a correctly signed webhook to the running hub and prints the status', async () => {
    const from = newCustomer();
    const out = await simulate(['--from', from, '--to', BUSINESS, '--body', 'سلام']);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('→ 200');
    expect(out.code).toBe(0);
    const sid = /MessageSid (SM[0-9a-f]{32})/.exec(out.stdout)![1]!;
    const stored = await running.hub.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.body', 'conversations.channel_meta'])
      .where('messages.channel', '=', 'sms')
      .where('messages.external_id', '=', sid)
      .executeTakeFirstOrThrow();
    expect(stored.body).toBe('سلام');
    expect(stored.channel_meta).toMatchObject({ smsCustomerNumber: from, smsBusinessNumber: BUSINESS });

    // A delivery status for an outbound SID, signed the same way.
    const status = await simulate(['--status', 'delivered', '--sid', newSid()]);
    expect(status.stdout).toContain('→ 200');
    expect(status.code).toBe(0);
  });
});

describe('SMS without TWILIO_AUTH_TOKEN', () => {
  it('webhooks answer 503 with a clear message and store nothing', async () => {
    const other = isolate('sms_unconfigured');
    const hub = await startHub(testConfig(other, { PUBLIC_URL }));
    try {
      const res = await fetch(hub.url + INBOUND, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(inbound({ from: newCustomer(), body: 'x' })).toString() });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: 'twilio_not_configured', message: expect.stringContaining('TWILIO_AUTH_TOKEN') } });
      const n = await hub.hub.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(n.n).toBe(0);
    } finally {
      await hub.stop();
      await other.cleanup();
    }
  });
});
