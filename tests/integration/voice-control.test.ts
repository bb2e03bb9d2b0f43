// Call controls once a call is connected: hold, cold and warm transfers,
// supervisor listen / whisper / barge, recording per queue, hang-up from the
// console; the browser token and the agent's phone; the flow admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDto, OfferDto } from '../../src/contracts/index.js';
import { adminClient, agentSocket, createAgent, eventually, isolate, nextEvent, startHub, testConfig, type AgentSocket, type Client, type RunningHub } from '../helpers/hub.js';
import { TwilioFake } from '../helpers/twilio-fake.js';
import { voiceWalker, type SimCall, type TwimlWalker, type VoiceRest } from '../helpers/twiml-walker.js';

const PUBLIC_URL = 'https://voice.example.org';
const BUSINESS = '+15005550007';
const API_KEY = `SK${'1'.repeat(32)}`;
const APP_SID = `AP${'2'.repeat(32)}`;

const iso = isolate('voice_control');
const fake = new TwilioFake();
let running: RunningHub;
let admin: Client;
let walker: TwimlWalker;
let rest: VoiceRest;
let n = 0;
const newCaller = () => `+98935${String(5_000_000 + (n += 1)).padStart(7, '0')}`;

interface TestAgent {
  id: string;
  name: string;
  ws: AgentSocket;
  client: Client;
  nextOffer(): Promise<OfferDto>;
}

async function onlineAgent(name: string, role: 'agent' | 'supervisor' = 'agent'): Promise<TestAgent> {
  const a = await createAgent(running.url, admin, { name, role });
  const ws = await agentSocket(running.url, a.client);
  const offers: OfferDto[] = [];
  ws.on('offer', (o) => offers.push(o));
  await ws.emitWithAck('presence:set', { status: role === 'agent' ? 'available' : 'away' });
  return { id: a.id, name, ws, client: a.client, nextOffer: () => eventually(async () => offers.shift(), 10_000, `an offer for ${name}`) };
}

/** A caller reaches `agent` through the built-in flow; returns once they talk in the conference. */
async function connected(agent: TestAgent): Promise<{ call: SimCall; leg: SimCall; conversationId: string }> {
  const call = await walker.placeCall({ from: newCaller(), to: BUSINESS });
  expect(call.state).toBe('queued');
  const offer = await agent.nextOffer();
  const before = walker.legs({ label: 'agent' }).length;
  expect((await agent.ws.emitWithAck('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
  const leg = await walker.nextLeg({ label: 'agent', after: before });
  await leg.answer();
  await call.until('conference');
  await walker.settle();
  return { call, leg, conversationId: offer.conversationId };
}

async function notes(conversationId: string): Promise<string[]> {
  const res = await admin.json<{ messages: MessageDto[] }>('GET', `/api/conversations/${conversationId}`);
  return res.body.messages.filter((m) => m.from === 'system').map((m) => m.body);
}

async function task(conversationId: string) {
  return running.hub.db.selectFrom('routing_tasks').selectAll().where('conversation_id', '=', conversationId).orderBy('enqueued_at', 'desc').executeTakeFirstOrThrow();
}

async function audits(action: string) {
  return running.hub.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();
}

beforeAll(async () => {
  await fake.start();
  running = await startHub(
    testConfig(iso, {
      PUBLIC_URL,
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_API_KEY: API_KEY,
      TWILIO_API_SECRET: 'api-secret-for-tests',
      TWILIO_TWIML_APP_SID: APP_SID,
      COOKIE_SECURE: 'false',
    }),
    { channelOptions: { twilioHttpClient: fake.httpClient() } },
  );
  admin = await adminClient(running.url);
  ({ walker, rest } = voiceWalker(fake, { hubUrl: running.url, publicUrl: PUBLIC_URL }));
});

afterAll(async () => {
  await walker?.settle();
  await running?.stop();
  await fake.stop();
  await iso.cleanup();
});

describe('voice controls', () => {
  it('hold and resume go through the conference participant, on the timeline; only the assigned agent or a supervisor may', async () => {
    const a = await onlineAgent('Ali');
    const { call, conversationId } = await connected(a);
    const conferenceSid = rest.conferenceSid(call.conference!)!;

    const other = await createAgent(running.url, admin, { name: 'Not Ali' });
    expect((await other.client.json('POST', `/api/voice/calls/${conversationId}/hold`, { hold: true })).status).toBe(403);

    const held = await a.client.json<{ call: { onHold: boolean } }>('POST', `/api/voice/calls/${conversationId}/hold`, { hold: true });
    expect(held.status).toBe(200);
    expect(held.body.call.onHold).toBe(true);
    const upd = rest.participantUpdates().at(-1)!;
    expect(upd.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Conferences/${conferenceSid}/Participants/${call.sid}.json`);
    expect(upd.params).toMatchObject({ Hold: 'true' });
    expect(call.hold).toBe(true);
    const resumed = await a.client.json<{ call: { onHold: boolean } }>('POST', `/api/voice/calls/${conversationId}/hold`, { hold: false });
    expect(resumed.body.call.onHold).toBe(false);
    expect(call.hold).toBe(false);
    expect(await notes(conversationId)).toEqual(expect.arrayContaining(['Ali put the caller on hold.', 'Ali took the caller off hold.']));

    // Hang up from the console: goodbye to the caller, conversation closed.
    const hung = await a.client.json('POST', `/api/voice/calls/${conversationId}/hangup`);
    expect(hung.status).toBe(200);
    await call.until('ended');
    await walker.settle();
    expect(call.said().at(-1)).toBe('Thank you for calling. Goodbye.');
    await eventually(async () => (await task(conversationId)).status === 'completed', 5000, 'task completed');
    a.ws.disconnect();
  });

  it('cold transfer to an agent: the caller holds, the first agent leaves, the second is rung in and the caller is back on', async () => {
    const a = await onlineAgent('Bahar');
    const { call, leg, conversationId } = await connected(a);
    const b = await onlineAgent('Kian');
    const assigned = nextEvent(b.ws, 'conversation:assigned');
    const closed = nextEvent(a.ws, 'conversation:closed');
    const before = walker.legs({ label: 'agent' }).length;
    const res = await a.client.json('POST', `/api/voice/calls/${conversationId}/transfer`, { mode: 'cold', agentId: b.id });
    expect(res.status).toBe(200);
    await assigned;
    await closed;
    const legB = await walker.nextLeg({ label: 'agent', after: before });
    expect(legB.to).toBe(`client:agent_${b.id.replace(/-/g, '')}`);
    await walker.settle();
    expect(call.hold).toBe(true);
    expect(leg.state).toBe('ended'); // the hub hung up the first agent's leg
    await legB.answer();
    await walker.settle();
    expect(call.hold).toBe(false);
    expect(call.state).toBe('conference');
    expect((await task(conversationId)).assigned_agent_id).toBe(b.id);
    expect(await notes(conversationId)).toEqual(expect.arrayContaining(['Transferring the call to Kian.', 'Connected to Kian.']));
    expect((await audits('voice.transfer')).some((r) => r.subject_id === conversationId)).toBe(true);
    // Bahar's leg ending (it was released) did not end the call.
    expect(call.state).toBe('conference');
    await call.hangup();
    await walker.settle();
    await eventually(async () => (await task(conversationId)).status === 'completed', 5000, 'completed');
    a.ws.disconnect();
    b.ws.disconnect();
  });

  it('cold transfer to a queue: the caller goes back to waiting (hearing it), the task moves to that queue and is offered again', async () => {
    const q = await admin.json<{ queue: { id: string } }>('POST', '/api/queues', { name: 'billing', channel: 'voice' });
    expect(q.status).toBe(201);
    const a = await onlineAgent('Dara');
    const { call, leg, conversationId } = await connected(a);
    await a.ws.emitWithAck('presence:set', { status: 'away' });
    const res = await a.client.json('POST', `/api/voice/calls/${conversationId}/transfer`, { mode: 'cold', queue: 'billing' });
    expect(res.status).toBe(200);
    await call.until('queued');
    await walker.settle();
    expect(call.queue).toBe('pasokh-billing');
    expect(call.said()).toContain('Please hold while we transfer your call.');
    expect(leg.state).toBe('ended');
    const t = await task(conversationId);
    expect(t.queue_id).toBe(q.body.queue.id);
    expect(t.status).toBe('waiting');
    const c = await onlineAgent('Elham');
    const offer = await c.nextOffer();
    expect(offer).toMatchObject({ conversationId, queue: 'billing' });
    expect(await notes(conversationId)).toContain('Dara transferred the call to the queue billing.');
    await call.hangup();
    await walker.settle();
    a.ws.disconnect();
    c.ws.disconnect();
  });

  it('warm transfer: the second agent is rung into the conference to consult while the caller holds, then takes over', async () => {
    const a = await onlineAgent('Farid');
    const { call, leg, conversationId } = await connected(a);
    const b = await onlineAgent('Golnaz');
    const res = await a.client.json('POST', `/api/voice/calls/${conversationId}/transfer`, { mode: 'warm', agentId: b.id });
    expect(res.status).toBe(200);
    const consult = await walker.nextLeg({ label: 'consult' });
    expect(call.hold).toBe(true);
    // Not answered yet: nothing to hand over.
    expect((await a.client.json('POST', `/api/voice/calls/${conversationId}/transfer/complete`)).status).toBe(409);
    await consult.answer();
    await walker.settle();
    const done = await a.client.json('POST', `/api/voice/calls/${conversationId}/transfer/complete`);
    expect(done.status).toBe(200);
    await eventually(async () => leg.state === 'ended', 5000, 'first agent released');
    await walker.settle();
    expect(call.hold).toBe(false);
    expect(consult.state).toBe('conference');
    expect((await task(conversationId)).assigned_agent_id).toBe(b.id);
    const row = await running.hub.db.selectFrom('voice_calls').select(['agent_id', 'agent_leg_sid', 'transfer']).where('call_sid', '=', call.sid).executeTakeFirstOrThrow();
    expect(row).toEqual({ agent_id: b.id, agent_leg_sid: consult.sid, transfer: null });
    expect(await notes(conversationId)).toEqual(expect.arrayContaining(['Warm transfer complete: Golnaz has the call.']));
    await call.hangup();
    await walker.settle();
    a.ws.disconnect();
    b.ws.disconnect();
  });

  it('a warm transfer can be cancelled: the consulted agent leaves, the caller is back with the first agent', async () => {
    const a = await onlineAgent('Hamid');
    const { call, conversationId } = await connected(a);
    const b = await onlineAgent('Iran');
    await a.client.json('POST', `/api/voice/calls/${conversationId}/transfer`, { mode: 'warm', agentId: b.id });
    const consult = await walker.nextLeg({ label: 'consult', after: walker.legs({ label: 'consult' }).length - 1 });
    expect((await a.client.json('POST', `/api/voice/calls/${conversationId}/transfer`, { mode: 'warm', agentId: b.id })).status).toBe(409);
    expect((await a.client.json('POST', `/api/voice/calls/${conversationId}/transfer/cancel`)).status).toBe(200);
    await walker.settle();
    expect(consult.state).toBe('ended');
    expect(call.hold).toBe(false);
    expect((await task(conversationId)).assigned_agent_id).toBe(a.id);
    await call.hangup();
    await walker.settle();
    a.ws.disconnect();
    b.ws.disconnect();
  });

  it('a supervisor listens, whispers to the agent, then barges in; each step is audited; agents may not', async () => {
    const a = await onlineAgent('Jamshid');
    const { call, leg, conversationId } = await connected(a);
    const sup = await onlineAgent('Kimia', 'supervisor');
    expect((await a.client.json('POST', `/api/voice/calls/${conversationId}/monitor`, { mode: 'listen' })).status).toBe(403);

    const listen = await sup.client.json<{ legSid: string }>('POST', `/api/voice/calls/${conversationId}/monitor`, { mode: 'listen' });
    expect(listen.status).toBe(201);
    const created = rest.participantCreates().at(-1)!;
    expect(created.params).toMatchObject({ To: `client:agent_${sup.id.replace(/-/g, '')}`, Muted: 'true', Coaching: 'false', StartConferenceOnEnter: 'false', EndConferenceOnExit: 'false' });
    const supLeg = walker.calls.get(listen.body.legSid)!;
    await supLeg.answer();

    const whisper = await sup.client.json('POST', `/api/voice/calls/${conversationId}/monitor`, { mode: 'whisper' });
    expect(whisper.status).toBe(200);
    expect(rest.participantUpdates().at(-1)!.params).toMatchObject({ Muted: 'false', Coaching: 'true', CallSidToCoach: leg.sid });
    expect(supLeg.coaching).toBe(true);
    const barge = await sup.client.json('POST', `/api/voice/calls/${conversationId}/monitor`, { mode: 'barge' });
    expect(barge.status).toBe(200);
    expect(rest.participantUpdates().at(-1)!.params).toMatchObject({ Muted: 'false', Coaching: 'false' });
    expect(supLeg.muted).toBe(false);
    expect(supLeg.coaching).toBe(false);

    for (const mode of ['listen', 'whisper', 'barge']) {
      const rows = await audits(`voice.monitor.${mode}`);
      expect(rows.some((r) => r.actor_user_id === sup.id && r.subject_id === conversationId)).toBe(true);
    }
    expect((await sup.client.request('DELETE', `/api/voice/calls/${conversationId}/monitor`)).status).toBe(204);
    await walker.settle();
    expect(supLeg.state).toBe('ended');
    expect(call.state).toBe('conference'); // the supervisor leaving does not end the call
    expect((await audits('voice.monitor.stop')).length).toBeGreaterThan(0);
    await call.hangup();
    await walker.settle();
    a.ws.disconnect();
    sup.ws.disconnect();
  });

  it('queues that record calls record the conference; the recording (URL and duration) lands on the timeline once', async () => {
    const queues = await admin.json<{ queues: { id: string; name: string }[] }>('GET', '/api/queues');
    const voiceQueue = queues.body.queues.find((q) => q.name === 'voice')!;
    const put = await admin.json('PUT', `/api/voice/queues/${voiceQueue.id}/settings`, { recordCalls: true, holdMusicUrl: 'https://audio.example.org/jazz.mp3', offerCallback: false });
    expect(put.status).toBe(200);
    expect((await audits('voice_queue.update')).length).toBe(1);
    const a = await onlineAgent('Laleh');
    const call = await walker.placeCall({ from: newCaller(), to: BUSINESS });
    expect(call.heard()).toContain('https://audio.example.org/jazz.mp3');
    expect(call.said()).not.toContain('To hang up and keep your place in line, press 1, and we will call you back.');
    const offer = await a.nextOffer();
    await a.ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    const created = await eventually(async () => rest.participantCreates().find((r) => r.params['To'] === `client:agent_${a.id.replace(/-/g, '')}`), 5000, 'agent leg');
    expect(created.params).toMatchObject({ ConferenceRecord: 'record-from-start', ConferenceRecordingStatusCallback: `${PUBLIC_URL}/webhooks/twilio/voice/recording?kind=call&conversation=${offer.conversationId}` });
    const recording = {
      AccountSid: fake.accountSid,
      ConferenceSid: `CF${'3'.repeat(32)}`,
      RecordingSid: `RE${'4'.repeat(32)}`,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${fake.accountSid}/Recordings/RE${'4'.repeat(32)}`,
      RecordingDuration: '125',
      RecordingStatus: 'completed',
    };
    const url = created.params['ConferenceRecordingStatusCallback'] as string;
    expect((await walker.post(url, recording)).status).toBe(200);
    expect((await walker.post(url, recording)).status).toBe(200);
    const recNotes = (await notes(offer.conversationId)).filter((b) => b.startsWith('Call recording'));
    expect(recNotes).toEqual([`Call recording (2:05): ${recording.RecordingUrl}`]);
    await admin.json('PUT', `/api/voice/queues/${voiceQueue.id}/settings`, { recordCalls: false, holdMusicUrl: null, offerCallback: true });
    await call.hangup();
    await walker.settle();
    a.ws.disconnect();
  });
});

describe("the agent's phone", () => {
  it('mints a Twilio Voice access token for the logged-in agent', async () => {
    const a = await createAgent(running.url, admin, { name: 'Maryam' });
    const res = await a.client.json<{ token: string; identity: string; expiresAt: string }>('GET', '/api/voice/token');
    expect(res.status).toBe(200);
    expect(res.body.identity).toBe(`agent_${a.id.replace(/-/g, '')}`);
    const payload = JSON.parse(Buffer.from(res.body.token.split('.')[1]!, 'base64url').toString()) as { iss: string; sub: string; grants: { identity: string; voice: { incoming: { allow: boolean }; outgoing: { application_sid: string } } } };
    expect(payload.iss).toBe(API_KEY);
    expect(payload.sub).toBe(fake.accountSid);
    expect(payload.grants.identity).toBe(res.body.identity);
    expect(payload.grants.voice).toMatchObject({ incoming: { allow: true }, outgoing: { application_sid: APP_SID } });
    expect((await fetch(`${running.url}/api/voice/token`)).status).toBe(401);
  });

  it('an agent who takes calls on a phone is rung there, from the business number', async () => {
    const a = await onlineAgent('Nima');
    expect((await a.client.json('PUT', '/api/voice/me', { device: 'phone', phoneNumber: 'not a number' })).status).toBe(400);
    expect((await a.client.json('PUT', '/api/voice/me', { device: 'phone' })).status).toBe(400);
    const me = await a.client.json('PUT', '/api/voice/me', { device: 'phone', phoneNumber: '+98 912 111 2233' });
    expect(me.body).toEqual({ device: 'phone', phoneNumber: '+989121112233' });
    const call = await walker.placeCall({ from: newCaller(), to: BUSINESS });
    const offer = await a.nextOffer();
    await a.ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    const leg = await walker.nextLeg({ to: '+989121112233' });
    expect(leg.from).toBe(BUSINESS);
    await leg.answer();
    await call.until('conference');
    await call.hangup();
    await walker.settle();
    a.ws.disconnect();
  });
});

describe('flow admin API', () => {
  const good = {
    start: 'hello',
    nodes: { hello: { type: 'say', prompt: 'Hello.', next: 'q' }, q: { type: 'queue', queue: 'voice' } },
  };

  it('refuses broken flows with the node path of each problem, and accepts a good one (audited)', async () => {
    const broken = {
      start: 'menu',
      nodes: {
        menu: { type: 'menu', prompt: 'Press 1.', options: { '1': { next: 'nowhere' }, '2': { next: 'a' } }, fallback: 'menu' },
        a: { type: 'say', prompt: 'A', next: 'b' },
        b: { type: 'say', prompt: 'B', next: 'a' },
        orphan: { type: 'hangup' },
        q: { type: 'queue', queue: 'no-such-queue' },
      },
    };
    const res = await admin.json<{ error: { code: string; details: { errors: { path: string; message: string }[] } } }>('PUT', `/api/voice/flows/${BUSINESS}`, broken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_flow');
    const paths = res.body.error.details.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['nodes.menu.options.1.next', 'nodes.orphan', 'nodes.q', 'nodes.q.queue', 'nodes.a']));
    const messages = res.body.error.details.errors.map((e) => e.message).join('\n');
    expect(messages).toContain('unknown node "nowhere"');
    expect(messages).toContain('loop without caller input: a → b → a');
    expect(messages).toContain('no voice queue named "no-such-queue"');
    expect((await admin.json('GET', `/api/voice/flows/${BUSINESS}`)).status).toBe(404);

    const agent = await createAgent(running.url, admin, { name: 'Omid' });
    expect((await agent.client.json('PUT', `/api/voice/flows/${BUSINESS}`, good)).status).toBe(403);
    const ok = await admin.json<{ flow: { languages: string[] } }>('PUT', `/api/voice/flows/${BUSINESS}`, good);
    expect(ok.status).toBe(200);
    expect(ok.body.flow.languages).toEqual(['en']);
    const got = await admin.json<{ flow: unknown }>('GET', `/api/voice/flows/${encodeURIComponent(BUSINESS)}`);
    expect(got.status).toBe(200);
    expect((await audits('voice_flow.update')).some((r) => r.subject_id === BUSINESS)).toBe(true);
    const dry = await admin.json<{ ok: boolean; errors: unknown[] }>('POST', '/api/voice/flows/validate', broken);
    expect(dry.body.ok).toBe(false);
    expect((await admin.request('DELETE', `/api/voice/flows/${BUSINESS}`)).status).toBe(204);
    const builtIn = await admin.json<{ builtIn: boolean }>('GET', '/api/voice/flows/default');
    expect(builtIn.body.builtIn).toBe(true);
  });
});
