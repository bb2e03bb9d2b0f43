// Voice journeys end to end: the TwiML walker plays the caller and Twilio's
// webhooks (signed for PUBLIC_URL), the recording fake plays Twilio's REST API,
// agents use real sockets. Everything runs against real Postgres and Redis.
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageDto, OfferDto } from '../../src/contracts/index.js';
import { adminClient, agentSocket, createAgent, eventually, isolate, nextEvent, startHub, testConfig, type AgentSocket, type Client, type RunningHub } from '../helpers/hub.js';
import { TwilioFake } from '../helpers/twilio-fake.js';
import { voiceWalker, type TwimlWalker, type VoiceRest } from '../helpers/twiml-walker.js';

const PUBLIC_URL = 'https://pasokh.example.com';
const BUSINESS = '+15005550006';
const AUDIO = 'https://audio.example.com/fa';

const iso = isolate('voice');
const fake = new TwilioFake();
let running: RunningHub;
let admin: Client;
let walker: TwimlWalker;
let rest: VoiceRest;
/** The hub's clock for business hours (tests move it). */
let clock: Date | null = null;
let phoneCounter = 0;
const newCaller = () => `+98912${String(4_000_000 + (phoneCounter += 1)).padStart(7, '0')}`;

const ALL_DAY = ['00:00-24:00'];
const flow = {
  name: 'Main line',
  languages: ['en', 'fa'],
  defaultLanguage: 'en',
  start: 'language',
  fallback: 'sales',
  holdMusicUrl: 'https://audio.example.com/hold.mp3',
  calendars: {
    office: {
      timezone: 'Asia/Tehran',
      weekly: { sat: ALL_DAY, sun: ALL_DAY, mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ['08:00-13:00'] },
      jalaliHolidays: ['01-01', '01-02'],
    },
  },
  nodes: {
    language: {
      type: 'language',
      prompt: { en: 'For English, press 1.', fa: { audioUrl: `${AUDIO}/choose-language.mp3` } },
      options: { '1': { language: 'en', speech: ['english'] }, '2': { language: 'fa', speech: ['فارسی', 'farsi'] } },
      next: 'hours',
    },
    hours: { type: 'hours', calendar: 'office', open: 'main', closed: 'closed' },
    main: {
      type: 'menu',
      prompt: { en: 'For sales, press 1. For support, press 2.', fa: { audioUrl: `${AUDIO}/main-menu.mp3` } },
      options: { '1': { next: 'sales', speech: ['sales', 'فروش'], label: 'Sales' }, '2': { next: 'account', speech: ['support', 'پشتیبانی'], label: 'Support' } },
    },
    account: {
      type: 'collect',
      prompt: { en: 'Please enter your account number, then press pound.', fa: { audioUrl: `${AUDIO}/account.mp3` } },
      variable: 'account',
      minDigits: 4,
      maxDigits: 10,
      identify: 'account',
      next: 'support',
      fallback: 'support',
    },
    sales: { type: 'queue', queue: 'voice' },
    support: { type: 'queue', queue: 'support', callback: true },
    closed: { type: 'say', prompt: { en: 'We are closed now.', fa: { audioUrl: `${AUDIO}/closed.mp3` } }, next: 'vm' },
    vm: { type: 'voicemail', maxSeconds: 60 },
  },
};

/** A Tuesday at 10:00 in Tehran: open. */
const OPEN = new Date('2025-05-06T06:30:00Z');
/** A Friday: closed all day. */
const CLOSED = new Date('2025-05-09T06:30:00Z');

beforeAll(async () => {
  await fake.start();
  running = await startHub(testConfig(iso, { PUBLIC_URL, TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, COOKIE_SECURE: 'false' }), {
    channelOptions: { twilioHttpClient: fake.httpClient(), voiceNow: () => clock ?? new Date() },
  });
  admin = await adminClient(running.url);
  ({ walker, rest } = voiceWalker(fake, { hubUrl: running.url, publicUrl: PUBLIC_URL }));
  const q = await admin.json('POST', '/api/queues', { name: 'support', channel: 'voice' });
  expect(q.status).toBe(201);
  const saved = await admin.json<{ warnings: { path: string; message: string }[] }>('PUT', `/api/voice/flows/${BUSINESS}`, flow);
  expect(saved.status).toBe(200);
});

afterAll(async () => {
  await walker?.settle();
  await running?.stop();
  await fake.stop();
  await iso.cleanup();
});

beforeEach(() => {
  clock = OPEN;
});

/** Agents of the current test; closed after it even when it fails, so a failure cannot leave an available agent that takes the next test's calls. */
const openAgents: AgentSocket[] = [];
afterEach(() => {
  for (const ws of openAgents.splice(0)) ws.disconnect();
});

interface TestAgent {
  id: string;
  ws: AgentSocket;
  client: Client;
  /** The next offer not yet taken (collected from the moment the socket connected). */
  nextOffer(): Promise<OfferDto>;
}

async function availableAgent(name: string): Promise<TestAgent> {
  const agent = await createAgent(running.url, admin, { name });
  const ws = await agentSocket(running.url, agent.client);
  openAgents.push(ws);
  const offers: OfferDto[] = [];
  ws.on('offer', (o) => offers.push(o));
  expect(await ws.emitWithAck('presence:set', { status: 'available' })).toMatchObject({ ok: true });
  return { id: agent.id, ws, client: agent.client, nextOffer: () => eventually(async () => offers.shift(), 10_000, `an offer for ${name}`) };
}

async function messages(conversationId: string): Promise<MessageDto[]> {
  const res = await admin.json<{ messages: MessageDto[] }>('GET', `/api/conversations/${conversationId}`);
  return res.body.messages;
}

async function conversationOf(callSid: string): Promise<string> {
  return eventually(async () => (await running.hub.db.selectFrom('voice_calls').select('conversation_id').where('call_sid', '=', callSid).executeTakeFirst())?.conversation_id, 5000, 'call linked to a conversation');
}

async function task(conversationId: string) {
  return running.hub.db.selectFrom('routing_tasks').selectAll().where('conversation_id', '=', conversationId).orderBy('enqueued_at', 'desc').executeTakeFirstOrThrow();
}

describe('voice: menu → queue → agent', () => {
  it('a caller picks English and sales, hears position and wait, and is connected to the agent who accepts, in a conference', async () => {
    const agent = await availableAgent('Sara');
    await agent.ws.emitWithAck('presence:set', { status: 'away' });
    const caller = newCaller();
    const call = await walker.placeCall({ from: caller, to: BUSINESS, input: ['1', '1'] });
    expect(call.state).toBe('queued');
    expect(call.said()).toEqual(expect.arrayContaining(['For English, press 1.', 'For sales, press 1. For support, press 2.', 'You are next in line.']));
    expect(call.heard()).toContain('https://audio.example.com/hold.mp3');
    expect(call.said()).toContain('To hang up and keep your place in line, press 1, and we will call you back.');

    const conversationId = await conversationOf(call.sid);
    const [first] = await messages(conversationId);
    expect(first).toMatchObject({ from: 'customer', channel: 'voice' });
    expect(first!.body).toContain(`Phone call from ${caller}`);
    expect(first!.body).toContain('language: en › hours: open › main: 1 Sales › queue voice');
    expect(first!.metadata).toMatchObject({ kind: 'call', callSid: call.sid, language: 'en' });
    expect((await task(conversationId)).cost).toBe(100);

    const offerP = nextEvent<OfferDto>(agent.ws, 'offer');
    await agent.ws.emitWithAck('presence:set', { status: 'available' });
    const offer = await offerP;
    expect(offer).toMatchObject({ channel: 'voice', conversationId, queue: 'voice' });
    expect((await agent.ws.emitWithAck('offer:accept', { offerId: offer.offerId })).ok).toBe(true);

    // The hub rings the agent's browser into a conference named for the task …
    const leg = await walker.nextLeg({ label: 'agent' });
    const created = rest.participantCreates().at(-1)!;
    const taskId = (await task(conversationId)).id;
    expect(created.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Conferences/pasokh-task-${taskId}/Participants.json`);
    expect(created.params).toMatchObject({ To: `client:agent_${agent.id.replace(/-/g, '')}`, From: caller, Label: 'agent', StatusCallback: `${PUBLIC_URL}/webhooks/twilio/voice/status?call=${call.sid}`, EndConferenceOnExit: 'false' });
    expect(created.params['StatusCallbackEvent']).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(call.state).toBe('queued');

    // … and moves the caller in once the agent answers.
    await leg.answer();
    await call.until('conference');
    expect(call.conference).toBe(`pasokh-task-${taskId}`);
    const move = rest.callUpdates(call.sid).at(-1)!;
    expect(move.params['Twiml']).toContain('participantLabel="customer"');
    expect(leg.conference).toBe(call.conference);
    await eventually(async () => (await messages(conversationId)).some((m) => m.body === 'Connected to Sara.'), 5000, 'connected note');

    // The caller hangs up: the conversation closes, the task is completed, and it leaves Sara's inbox.
    const closedNotice = nextEvent<{ conversationId: string }>(agent.ws, 'conversation:closed');
    await call.hangup(95);
    await walker.settle();
    await eventually(async () => (await task(conversationId)).status === 'completed', 5000, 'task completed');
    expect((await closedNotice).conversationId).toBe(conversationId);
    const conv = await running.hub.db.selectFrom('conversations').select('status').where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(conv.status).toBe('closed');
    const bodies = (await messages(conversationId)).map((m) => m.body);
    // Twilio's callbacks for the caller and for the agent's leg (the conference ended) race; either way the caller ended it.
    expect(bodies.filter((b) => b.startsWith('Call ended'))).toHaveLength(1);
    expect(bodies).not.toContain('Sara ended the call.');
    // The agent's leg does not outlive the call: the hub hangs it up, or the conference ended it
    // first (which of the two happens first is the same callback race as above).
    await leg.until('ended');
    await eventually(async () => (await running.hub.db.selectFrom('voice_legs').select('ended_at').where('call_sid', '=', leg.sid).executeTakeFirst())?.ended_at, 5000, 'agent leg recorded as ended');
    agent.ws.disconnect();
  });
});

describe('voice: the agent leg', () => {
  it("an agent leg that is not answered puts the call back in line (re-offered); the caller never left the queue", async () => {
    const agent = await availableAgent('Reza');
    const offerP = nextEvent<OfferDto>(agent.ws, 'offer');
    const call = await walker.placeCall({ from: newCaller(), to: BUSINESS, input: ['1', '1'] });
    const conversationId = await conversationOf(call.sid);
    const offer = await offerP;
    const before = walker.legs({ label: 'agent' }).length;
    await agent.ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    const leg = await walker.nextLeg({ label: 'agent', after: before });

    const again = nextEvent<OfferDto>(agent.ws, 'offer');
    await leg.fail('no-answer');
    await walker.settle();
    expect(call.state).toBe('queued');
    const t = await task(conversationId);
    expect(t.status === 'waiting' || t.status === 'offered').toBe(true);
    expect((await messages(conversationId)).map((m) => m.body)).toContain('Reza did not answer (no-answer); the call goes back in line.');
    const requeued = await running.hub.db.selectFrom('routing_events').select('data').where('task_id', '=', t.id).where('kind', '=', 'requeued').executeTakeFirstOrThrow();
    expect(requeued.data).toMatchObject({ reason: 'agent leg no-answer' });

    // Offered again; this time the agent answers.
    const offer2 = await again;
    expect(offer2.conversationId).toBe(conversationId);
    await agent.ws.emitWithAck('offer:accept', { offerId: offer2.offerId });
    const leg2 = await walker.nextLeg({ label: 'agent', after: before + 1 });
    await leg2.answer();
    await call.until('conference');
    // The agent hangs up: the caller hears goodbye and the conversation closes.
    await leg2.hangup();
    await walker.settle();
    await call.until('ended');
    expect(call.said().at(-1)).toBe('Thank you for calling. Goodbye.');
    await eventually(async () => (await task(conversationId)).status === 'completed', 5000, 'task completed');
    agent.ws.disconnect();
  });
});

describe('voice: callback', () => {
  it('"press 1 for a callback" ends the call but keeps the place; when an agent accepts, the hub calls the customer and bridges them', async () => {
    const caller = newCaller();
    const call = await walker.placeCall({ from: caller, to: BUSINESS, input: ['1', '1'] });
    expect(call.state).toBe('queued');
    const conversationId = await conversationOf(call.sid);
    const t = await task(conversationId);

    await call.press('1');
    await call.until('ended');
    await walker.settle();
    expect(call.said()).toContain('Thank you. We will call you back at the number you are calling from, when it is your turn. Goodbye.');
    // The task still waits at its original place, marked for a call back; the conversation is open.
    const still = await task(conversationId);
    expect(still.id).toBe(t.id);
    expect(still.status).toBe('waiting');
    expect(still.enqueued_at.getTime()).toBe(t.enqueued_at.getTime());
    expect(still.abandoned_at).toBeNull();
    const row = await running.hub.db.selectFrom('voice_calls').selectAll().where('call_sid', '=', call.sid).executeTakeFirstOrThrow();
    expect(row.state).toBe('callback');
    expect(row.callback_requested_at).not.toBeNull();
    expect((await messages(conversationId)).map((m) => m.body)).toContain(`The caller asked to be called back at ${caller} and hung up; their place in line is kept.`);

    // An agent comes online and accepts: agent leg first, then the call to the customer.
    const agent = await availableAgent('Mina');
    const offer = await agent.nextOffer();
    expect(offer.conversationId).toBe(conversationId);
    const before = walker.legs({ label: 'agent' }).length;
    await agent.ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    const leg = await walker.nextLeg({ label: 'agent', after: before });
    expect(rest.callCreates()).toHaveLength(0);
    await leg.answer();
    await walker.settle();
    const created = rest.callCreates().at(-1)!;
    expect(created.params).toMatchObject({ To: caller, From: BUSINESS, StatusCallback: `${PUBLIC_URL}/webhooks/twilio/voice/status?call=${call.sid}` });
    expect(created.params['Twiml']).toContain(`pasokh-task-${t.id}`);
    const back = walker.legs({ to: caller }).at(-1)!;
    await back.answer();
    await back.until('conference');
    expect(back.said()).toEqual(['Hello, this is the call back you asked for. Please hold for a moment while we connect you.']);
    expect(back.conference).toBe(leg.conference);
    await eventually(async () => (await messages(conversationId)).some((m) => m.body === 'The customer answered the call back; connected to Mina.'), 5000, 'callback connected');

    await back.hangup(61);
    await walker.settle();
    await eventually(async () => (await task(conversationId)).status === 'completed', 5000, 'task completed');
    expect((await messages(conversationId)).filter((m) => m.body.startsWith('Call ended'))).toHaveLength(1);
    expect((await messages(conversationId)).map((m) => m.body)).not.toContain('Mina ended the call.');
    agent.ws.disconnect();
  });
});

describe('voice: after hours and voicemail', () => {
  it('after hours the caller leaves a voicemail, which becomes a task for an agent with the recording on the timeline', async () => {
    clock = CLOSED;
    const caller = newCaller();
    const call = await walker.placeCall({ from: caller, to: BUSINESS, input: ['1'] });
    await call.until('ended');
    await walker.settle();
    expect(call.said()).toEqual([
      'For English, press 1.',
      'We are closed now.',
      'Please leave a message after the tone. Press the pound key when you are finished.',
      'Thank you, your message has been recorded. Goodbye.',
    ]);
    const conversationId = await conversationOf(call.sid);
    const [vm] = await messages(conversationId);
    expect(vm!.body).toContain(`Voicemail from ${caller} (0:08)`);
    expect(vm!.body).toContain('hours: closed (outside-hours)');
    expect(vm!.metadata).toMatchObject({ kind: 'voicemail', voicemail: { durationSeconds: 8 } });
    expect((vm!.metadata as { voicemail: { url: string } }).voicemail.url).toMatch(/^https:\/\/api\.twilio\.com\/.*\/Recordings\/RE[0-9a-f]{32}$/);
    // Both of Twilio's notices arrived (the <Record> action and the recording callback): one voicemail.
    expect(await running.hub.db.selectFrom('voice_recordings').select('recording_sid').where('call_sid', '=', call.sid).execute()).toHaveLength(1);
    // The voicemail waits for an agent, and the call ending does not close it.
    expect((await task(conversationId)).status).toBe('waiting');
    const agent = await availableAgent('Leila');
    const offer = await agent.nextOffer();
    expect(offer.conversationId).toBe(conversationId);
    expect(offer.preview).toContain('Voicemail');
    const before = walker.legs().length;
    await agent.ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    await walker.settle();
    expect(walker.legs().length).toBe(before); // nobody to ring: the agent listens to the recording
    agent.ws.disconnect();
    await admin.json('POST', `/api/conversations/${conversationId}/close`);
  });

  it('on a Jalali holiday (Nowruz) the office is closed even on a working weekday', async () => {
    clock = new Date('2025-03-22T06:30:00Z'); // a Saturday, 2 Farvardin 1404
    const call = await walker.placeCall({ from: newCaller(), to: BUSINESS, input: ['1'] });
    await call.until('ended');
    await walker.settle();
    expect(call.said()).toContain('We are closed now.');
    const row = await running.hub.db.selectFrom('voice_calls').select('path').where('call_sid', '=', call.sid).executeTakeFirstOrThrow();
    expect(row.path.map((p) => p.input)).toContain('closed (jalali-holiday)');
    await admin.json('POST', `/api/conversations/${await conversationOf(call.sid)}/close`);
  });
});

describe('voice: Persian', () => {
  it('a caller who chooses Persian hears the recorded prompts, answers by speech, is identified by account number, and hears English TTS where no Persian audio exists', async () => {
    const account = await running.hub.db.insertInto('customers').values({ display_name: 'Parisa Ahmadi', profile: JSON.stringify({ accountNumber: '123456' }) }).returning('id').executeTakeFirstOrThrow();
    await running.hub.db.insertInto('customer_identities').values({ customer_id: account.id, kind: 'email', value: 'parisa@example.com' }).execute();
    const caller = newCaller();
    const call = await walker.placeCall({ from: caller, to: BUSINESS, input: ['۲', { speech: 'پشتیبانی لطفا' }, '123456#'] });
    expect(call.state).toBe('queued');
    expect(call.heard()[0]).toBe('For English, press 1.'); // English first: the language is not chosen yet
    expect(call.heard()).toEqual(expect.arrayContaining([`${AUDIO}/main-menu.mp3`, `${AUDIO}/account.mp3`]));
    // No Persian clips for the queue announcements: English text-to-speech instead.
    expect(call.said()).toContain('You are next in line.');
    const row = await running.hub.db.selectFrom('voice_calls').selectAll().where('call_sid', '=', call.sid).executeTakeFirstOrThrow();
    expect(row.language).toBe('fa');
    expect(row.path.map((p) => `${p.node}:${p.input ?? ''}`)).toEqual(['language:fa', 'hours:open', 'main:2 (said "پشتیبانی لطفا") Support', 'account:123456 (customer found)', 'support:support']);
    const conv = await running.hub.db.selectFrom('conversations').selectAll().where('id', '=', row.conversation_id!).executeTakeFirstOrThrow();
    expect(conv.customer_id).toBe(account.id);
    expect(conv.channel_meta).toMatchObject({ voiceLanguage: 'fa', voiceCallerNumber: caller });
    const [first] = await messages(conv.id);
    expect(first!.body).toContain('account 123456');
    expect(first!.metadata).toMatchObject({ account: '123456', accountMatched: true, language: 'fa' });
    await call.hangup();
    await walker.settle();
  });

  it('the saved flow kept a warning for the missing Persian queue clips', async () => {
    const res = await admin.json<{ warnings: { path: string }[] }>('GET', `/api/voice/flows/${BUSINESS}`);
    expect(res.body.warnings.map((w) => w.path)).toContain('announcements.fa');
  });
});

describe('voice: abandonment and idempotency', () => {
  it('a caller who hangs up while waiting is counted as abandoned', async () => {
    const call = await walker.placeCall({ from: newCaller(), to: BUSINESS, input: ['1', '1'] });
    const conversationId = await conversationOf(call.sid);
    await call.hangup();
    await walker.settle();
    const t = await eventually(async () => {
      const x = await task(conversationId);
      return x.status === 'cancelled' ? x : null;
    }, 5000, 'task cancelled');
    expect(t.abandoned_at).not.toBeNull();
    const stats = await admin.json<{ queues: { name: string; today: { abandoned: number } }[] }>('GET', '/api/queues');
    expect(stats.status).toBe(200);
    const { queueStats } = await import('../../src/routing/runtime/stats.js');
    const voice = (await queueStats(running.hub.db)).find((q) => q.name === 'voice')!;
    expect(voice.today.abandoned).toBeGreaterThanOrEqual(1);
    expect((await messages(conversationId)).some((m) => m.body.startsWith('The caller hung up after waiting'))).toBe(true);
  });

  it('a caller who hangs up while an agent is being offered the call: the offer is taken back from that console', async () => {
    const agent = await availableAgent('Nasrin');
    const call = await walker.placeCall({ from: newCaller(), to: BUSINESS, input: ['1', '1'] });
    const offer = await agent.nextOffer();
    const revoked = nextEvent<{ offerId: string; reason: string }>(agent.ws, 'offer:revoked');
    await call.hangup();
    await walker.settle();
    expect(await revoked).toEqual({ offerId: offer.offerId, reason: 'cancelled' });
    expect((await task(offer.conversationId)).abandoned_at).not.toBeNull();
  });

  it('repeated webhooks get the same answer and change nothing; late status callbacks do not move a call backwards', async () => {
    const sid = `CA${'ab'.repeat(16)}`;
    const params = { AccountSid: fake.accountSid, CallSid: sid, From: newCaller(), To: BUSINESS, CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01' };
    const a = await walker.post('/webhooks/twilio/voice', params);
    const b = await walker.post('/webhooks/twilio/voice', params);
    expect(a.status).toBe(200);
    expect(b.body).toBe(a.body);
    expect(await running.hub.db.selectFrom('voice_calls').select('call_sid').where('call_sid', '=', sid).execute()).toHaveLength(1);

    // The IVR step answered twice: the same TwiML, one path entry.
    const step = `/webhooks/twilio/voice/ivr?node=language&step=1&try=1`;
    const s1 = await walker.post(step, { ...params, Digits: '1' });
    const s2 = await walker.post(step, { ...params, Digits: '2' });
    expect(s2.body).toBe(s1.body);
    const row = await running.hub.db.selectFrom('voice_calls').select(['path', 'language']).where('call_sid', '=', sid).executeTakeFirstOrThrow();
    expect(row.language).toBe('en');
    expect(row.path.filter((p) => p.node === 'language')).toHaveLength(1);

    // completed, then a late 'ringing': ignored.
    expect((await walker.post('/webhooks/twilio/voice/status', { ...params, CallStatus: 'completed', CallDuration: '3' })).status).toBe(200);
    expect((await walker.post('/webhooks/twilio/voice/status', { ...params, CallStatus: 'ringing' })).status).toBe(200);
    const after = await running.hub.db.selectFrom('voice_calls').select(['twilio_status', 'state']).where('call_sid', '=', sid).executeTakeFirstOrThrow();
    expect(after).toEqual({ twilio_status: 'completed', state: 'ended' });
    // A caller who left in the IVR never became a conversation; supervisors still see their path.
    const recent = await admin.json<{ calls: { callSid: string; conversationId: string | null; ivr: string }[] }>('GET', '/api/voice/calls?state=ended');
    expect(recent.body.calls.find((c) => c.callSid === sid)).toMatchObject({ conversationId: null, ivr: 'language: en › hours: open' });
    // A status callback for a call nobody knows: 200, nothing stored.
    expect((await walker.post('/webhooks/twilio/voice/status', { ...params, CallSid: `CA${'cd'.repeat(16)}`, CallStatus: 'completed' })).status).toBe(200);
    // Malformed: no CallSid → 400, logged for the admin API.
    expect((await walker.post('/webhooks/twilio/voice/status', { CallStatus: 'completed' })).status).toBe(400);
  });

  it('digits that match no option are asked again, then the menu falls back', async () => {
    const call = await walker.placeCall({ from: newCaller(), to: BUSINESS, input: ['1', '9', 'x', { silence: true }] });
    expect(call.state).toBe('queued');
    expect(call.said().filter((t) => t === "Sorry, I didn't get that.")).toHaveLength(2);
    const row = await running.hub.db.selectFrom('voice_calls').select(['path', 'queue_name']).where('call_sid', '=', call.sid).executeTakeFirstOrThrow();
    expect(row.path.map((p) => p.input)).toEqual(['en', 'open', 'invalid 9', 'invalid x', 'timeout, retries used: fallback', 'voice']);
    expect(row.queue_name).toBe('voice');
    await call.hangup();
    await walker.settle();
  });
});

describe('voice: signatures and failures', () => {
  it('unsigned or wrongly signed webhooks are refused with 403 and store nothing', async () => {
    const params = { CallSid: `CA${'ef'.repeat(16)}`, From: newCaller(), To: BUSINESS, AccountSid: fake.accountSid };
    const body = new URLSearchParams(params).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const path of ['/webhooks/twilio/voice', '/webhooks/twilio/voice/status', '/webhooks/twilio/voice/ivr?node=main&step=1']) {
      const unsigned = await fetch(running.url + path, { method: 'POST', headers, body });
      expect(unsigned.status).toBe(403);
      // Signed for another URL (the hub's local address instead of PUBLIC_URL).
      const wrong = twilio.getExpectedTwilioSignature(fake.authToken, running.url + path, params);
      expect((await fetch(running.url + path, { method: 'POST', headers: { ...headers, 'x-twilio-signature': wrong }, body })).status).toBe(403);
      // Signed with another token.
      const other = twilio.getExpectedTwilioSignature('not-the-token', PUBLIC_URL + path, params);
      expect((await fetch(running.url + path, { method: 'POST', headers: { ...headers, 'x-twilio-signature': other }, body })).status).toBe(403);
    }
    expect(await running.hub.db.selectFrom('voice_calls').select('call_sid').where('call_sid', '=', params.CallSid).execute()).toHaveLength(0);
  });

  it('when a webhook fails inside, the caller hears an apology and still reaches the queue (never dead air)', async () => {
    const db = running.hub.db;
    const { sql } = await import('kysely');
    await sql`alter table voice_calls rename to voice_calls_away`.execute(db);
    let call;
    try {
      call = await walker.placeCall({ from: newCaller(), to: BUSINESS, input: ['1', '1'] });
    } finally {
      await sql`alter table voice_calls_away rename to voice_calls`.execute(db);
    }
    expect(call.said().slice(0, 2)).toEqual(["We're sorry, something went wrong on our side.", 'Please stay on the line while we connect you to an agent.']);
    expect(call.state).toBe('queued');
    // The fallback put the call in the default queue as a routing task.
    const msg = await eventually(async () => db.selectFrom('messages').selectAll().where('channel', '=', 'voice').where('external_id', '=', call.sid).executeTakeFirst(), 5000, 'fallback message');
    expect(msg.body).toContain('reached the queue after an error in the IVR');
    expect((await task(msg.conversation_id)).status).not.toBe('completed');
    const errors = await admin.json<{ errors: { callSid: string | null; context: string; message: string }[] }>('GET', '/api/voice/errors');
    expect(errors.body.errors.some((e) => e.callSid === call.sid && e.context === 'inbound')).toBe(true);
    await call.hangup();
    await walker.settle();
    // Hanging up while waiting still counts as abandoned, though the call has no voice record.
    await eventually(async () => (await task(msg.conversation_id)).abandoned_at !== null, 5000, 'abandoned');
  });
});

describe('voice: tools and configuration', () => {
  it('npm run simulate -- call: places a signed call through the IVR and prints what the caller hears', async () => {
    const { voiceCallCommand } = await import('../../src/channels/voice/simulate.js');
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
    const caller = newCaller();
    const code = await voiceCallCommand.run(['--from', caller, '--to', BUSINESS, '--digits', '1,say:sales', '--url', running.url, '--public-url', PUBLIC_URL], { TWILIO_AUTH_TOKEN: fake.authToken }, io);
    expect(code).toBe(0);
    expect(lines).toEqual(expect.arrayContaining(['  says     "For English, press 1."', '  caller presses 1', '  caller says "sales"', '  → waiting in queue pasokh-voice', '  hang-up (caller)']));
    expect(lines.at(-1)).toMatch(/^CallSid CA[0-9a-f]{32}: ended; \d+ webhooks, 0 not answered 200$/);
    // Signed for the wrong public URL: the hub refuses, and the command says why.
    const bad: string[] = [];
    const refused = await voiceCallCommand.run(['--from', caller, '--to', BUSINESS, '--url', running.url], { TWILIO_AUTH_TOKEN: fake.authToken }, { out: (l) => bad.push(l), err: (l) => bad.push(l) });
    expect(refused).toBe(1);
    expect(bad.join('\n')).toContain('403');
    expect(await voiceCallCommand.run(['--to', BUSINESS], { TWILIO_AUTH_TOKEN: 'x' }, { out: () => undefined, err: () => undefined })).toBe(2);
  });

  it('GET /api/voice/token answers 503 with what to set when browser calls are not configured', async () => {
    const res = await admin.json<{ error: { code: string; message: string } }>('GET', '/api/voice/token');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('voice_not_configured');
    expect(res.body.error.message).toContain('TWILIO_API_KEY, TWILIO_API_SECRET, TWILIO_TWIML_APP_SID');
  });

  it('a text reply on a voice conversation fails visibly instead of retrying', async () => {
    const call = await walker.placeCall({ from: newCaller(), to: BUSINESS, input: ['1', '1'] });
    const conversationId = await conversationOf(call.sid);
    const agent = await availableAgent('Yasaman');
    let offer = await agent.nextOffer();
    while (offer.conversationId !== conversationId) {
      await agent.ws.emitWithAck('offer:reject', { offerId: offer.offerId });
      offer = await agent.nextOffer();
    }
    await agent.ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    const sent = await agent.client.json<{ message: MessageDto }>('POST', `/api/conversations/${conversationId}/messages`, { body: 'hello?' });
    expect(sent.status).toBe(201);
    const failed = await eventually(async () => {
      const m = (await messages(conversationId)).find((x) => x.id === sent.body.message.id);
      return m?.status === 'failed' ? m : null;
    }, 10_000, 'reply failed');
    expect(failed.statusReason).toContain('a phone call cannot carry a text reply');
    await call.hangup();
    await walker.settle();
    agent.ws.disconnect();
  });
});
