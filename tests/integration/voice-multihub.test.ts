// Two hub processes (in one test process) share Postgres and Redis, the way a
// load balancer runs them: Twilio's callbacks for one call may land on either.
// The per-call lock is a Postgres advisory lock, so work on a call is
// serialised across processes, and a callback delivered to both hubs at once
// takes effect exactly once. Also: a conversation whose call is live cannot be
// closed (the call is hung up instead, which closes it). And the endpoints the
// console's phone and the supervisor's monitoring buttons read.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedCallLock } from '../../src/channels/voice/util.js';
import type { MessageDto, OfferDto } from '../../src/contracts/index.js';
import { adminClient, agentSocket, createAgent, eventually, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';
import { TwilioFake } from '../helpers/twilio-fake.js';
import { TwimlWalker, voiceWalker, type VoiceRest } from '../helpers/twiml-walker.js';

const PUBLIC_URL = 'https://voice-hubs.example.org';
const BUSINESS = '+15005550008';

const iso = isolate('voice_hubs');
const fake = new TwilioFake();
let a: RunningHub;
let b: RunningHub;
let admin: Client;
let walker: TwimlWalker;
/** Posts signed webhooks to hub B (the walker's calls talk to hub A). */
let toB: TwimlWalker;
let rest: VoiceRest;
let n = 0;
const newCaller = () => `+98936${String(6_000_000 + (n += 1)).padStart(7, '0')}`;

beforeAll(async () => {
  await fake.start();
  const config = () =>
    testConfig(iso, { PUBLIC_URL, TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, COOKIE_SECURE: 'false' });
  a = await startHub(config(), { channelOptions: { twilioHttpClient: fake.httpClient() }, leaderLeaseMs: 1_500 });
  b = await startHub(config(), { channelOptions: { twilioHttpClient: fake.httpClient() }, leaderLeaseMs: 1_500 });
  admin = await adminClient(a.url);
  ({ walker, rest } = voiceWalker(fake, { hubUrl: a.url, publicUrl: PUBLIC_URL }));
  toB = new TwimlWalker({ hubUrl: b.url, publicUrl: PUBLIC_URL, authToken: fake.authToken, accountSid: fake.accountSid });
});

afterAll(async () => {
  await walker?.settle();
  await b?.stop();
  await a?.stop();
  await fake.stop();
  await iso.cleanup();
});

async function notes(conversationId: string): Promise<string[]> {
  const res = await admin.json<{ messages: MessageDto[] }>('GET', `/api/conversations/${conversationId}`);
  return res.body.messages.filter((m) => m.from === 'system').map((m) => m.body);
}

/** A caller waiting in the queue, offered to a fresh agent who accepts; the agent's leg is ringing. */
async function ringingAgent(name: string) {
  const agent = await createAgent(a.url, admin, { name });
  const ws = await agentSocket(a.url, agent.client);
  const offers: OfferDto[] = [];
  ws.on('offer', (o) => offers.push(o));
  await ws.emitWithAck('presence:set', { status: 'available' });
  const call = await walker.placeCall({ from: newCaller(), to: BUSINESS });
  expect(call.state).toBe('queued');
  const offer = await eventually(async () => offers.shift(), 10_000, `an offer for ${name}`);
  const before = walker.legs({ label: 'agent' }).length;
  expect((await ws.emitWithAck('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
  const leg = await walker.nextLeg({ label: 'agent', after: before });
  return { agent, ws, call, leg, conversationId: offer.conversationId };
}

describe('voice across two hub processes', () => {
  it('the per-call lock excludes work on the same call in another process until it is done, and not other calls', async () => {
    const poolA = new pg.Pool({ connectionString: iso.databaseUrl, max: 2 });
    const poolB = new pg.Pool({ connectionString: iso.databaseUrl, max: 2 });
    const lockA = new SharedCallLock(poolA);
    const lockB = new SharedCallLock(poolB);
    const sid = `CA${'ab'.repeat(16)}`;
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let aHolds!: () => void;
    const held = new Promise<void>((r) => (aHolds = r));
    try {
      const first = lockA.run(sid, async () => {
        order.push('A starts');
        aHolds();
        await gate;
        order.push('A ends');
      });
      await held;
      const second = lockB.run(sid, () => Promise.resolve(void order.push('B runs')));
      // B is parked in Postgres, waiting for A's advisory lock.
      await eventually(async () => {
        const r = await poolA.query<{ n: number }>("select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted");
        return r.rows[0]!.n === 1;
      }, 5_000, 'B to wait for the lock');
      // Another call is not held up by it.
      await lockB.run(`CA${'cd'.repeat(16)}`, () => Promise.resolve(void order.push('other call')));
      expect(order).toEqual(['A starts', 'other call']);
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['A starts', 'other call', 'A ends', 'B runs']);
      // Work that fails releases the lock too.
      await expect(lockA.run(sid, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await lockB.run(sid, () => Promise.resolve(void order.push('B again')));
      expect(order.at(-1)).toBe('B again');
    } finally {
      await poolA.end();
      await poolB.end();
    }
  });

  it('an agent leg answered callback delivered to both hubs at once moves the caller in exactly once; a doubled hang-up ends it once', async () => {
    const { ws, call, leg, conversationId } = await ringingAgent('Sara');
    const statusUrl = `${PUBLIC_URL}/webhooks/twilio/voice/status?call=${call.sid}`;
    const legAnswered = { AccountSid: fake.accountSid, CallSid: leg.sid, From: leg.from, To: leg.to, Direction: 'outbound-api', CallStatus: 'in-progress' };
    const replies = await Promise.all([walker.post(statusUrl, legAnswered), toB.post(statusUrl, legAnswered), toB.post(statusUrl, legAnswered), walker.post(statusUrl, legAnswered)]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await call.until('conference');
    await walker.settle();
    // The caller's call was moved into the conference by one update, not two.
    expect(rest.callUpdates(call.sid)).toHaveLength(1);
    const row = await a.hub.db.selectFrom('voice_calls').select(['state', 'agent_leg_sid']).where('call_sid', '=', call.sid).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'connected', agent_leg_sid: leg.sid });
    expect((await notes(conversationId)).filter((t) => t === 'Connected to Sara.')).toHaveLength(1);

    // The caller hangs up; Twilio's callback arrives twice, on both hubs at the same time.
    const ended = { AccountSid: fake.accountSid, CallSid: call.sid, From: call.from, To: call.to, Direction: 'inbound', CallStatus: 'completed', CallDuration: '42' };
    const done = await Promise.all([walker.post('/webhooks/twilio/voice/status', ended), toB.post('/webhooks/twilio/voice/status', ended), toB.post('/webhooks/twilio/voice/status', ended)]);
    expect(done.map((r) => r.status)).toEqual([200, 200, 200]);
    await eventually(async () => {
      const c = await a.hub.db.selectFrom('conversations').select('status').where('id', '=', conversationId).executeTakeFirstOrThrow();
      return c.status === 'closed';
    }, 5_000, 'conversation closed');
    const timeline = await notes(conversationId);
    expect(timeline.filter((t) => t.startsWith('Call ended'))).toEqual(['Call ended (0:42).']);
    const tasks = await a.hub.db.selectFrom('routing_tasks').select(['id', 'status']).where('conversation_id', '=', conversationId).execute();
    expect(tasks.map((t) => t.status)).toEqual(['completed']);
    // The agent's leg was hung up by the hub once.
    expect(rest.callUpdates(leg.sid).filter((u) => u.params['Status'] === 'completed')).toHaveLength(1);
    ws.disconnect();
  });

  it('closing a conversation whose call is live is refused with the reason; hanging up ends the call and closes it', async () => {
    const { agent, ws, call, leg, conversationId } = await ringingAgent('Omid');
    // While the agent's phone rings.
    const ringing = await agent.client.json<{ error: { code: string; message: string } }>('POST', `/api/conversations/${conversationId}/close`);
    expect(ringing.status).toBe(409);
    expect(ringing.body.error.code).toBe('call_in_progress');
    expect(ringing.body.error.message).toContain("the agent's phone is ringing");

    await leg.answer();
    await call.until('conference');
    await walker.settle();
    const talking = await agent.client.json<{ error: { code: string; message: string } }>('POST', `/api/conversations/${conversationId}/close`);
    expect(talking.status).toBe(409);
    expect(talking.body.error.message).toContain(`hang the call up first (POST /api/voice/calls/${conversationId}/hangup)`);
    expect(call.state).not.toBe('ended'); // the caller heard nothing of it
    const open = await a.hub.db.selectFrom('conversations').select('status').where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(open.status).not.toBe('closed');

    expect((await agent.client.json('POST', `/api/voice/calls/${conversationId}/hangup`)).status).toBe(200);
    await call.until('ended');
    await walker.settle();
    const closed = await a.hub.db.selectFrom('conversations').select('status').where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(closed.status).toBe('closed');
    // Closing again once the call is over is fine (nothing to do).
    expect((await agent.client.json('POST', `/api/conversations/${conversationId}/close`)).status).toBe(200);
    ws.disconnect();
  });
});

describe('what the console phone reads', () => {
  it('a ringing leg names its call and role for its own agent only; /me/leg finds it for phone users; supervisors see it live', async () => {
    const { agent, ws, call, leg, conversationId } = await ringingAgent('Tara');
    // The browser rang with this leg's CallSid: the call bar finds the conversation from it.
    const mine = await agent.client.json<{ call: { conversationId: string; from: string; state: string }; leg: { role: string } }>('GET', `/api/voice/legs/${leg.sid}`);
    expect(mine.status).toBe(200);
    expect(mine.body.call).toMatchObject({ conversationId, from: call.from, state: 'bridging' });
    expect(mine.body.leg.role).toBe('agent');
    const stranger = await createAgent(a.url, admin, { name: 'Stranger' });
    expect((await stranger.client.json('GET', `/api/voice/legs/${leg.sid}`)).status).toBe(403);
    expect((await agent.client.json('GET', `/api/voice/legs/CA${'0'.repeat(32)}`)).status).toBe(404);
    const bad = await agent.client.json<{ error: { details: { path: string }[] } }>('GET', '/api/voice/legs/not-a-sid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]?.path).toBe('params.sid');
    // Someone on a phone has no ring in the console: their live leg is looked up.
    const viaMe = await agent.client.json<{ leg: { callSid: string } }>('GET', '/api/voice/me/leg');
    expect(viaMe.body.leg.callSid).toBe(leg.sid);
    expect((await stranger.client.request('GET', '/api/voice/me/leg')).status).toBe(204);

    await leg.answer();
    await call.until('conference');
    await walker.settle();
    const sup = await createAgent(a.url, admin, { name: 'Supervisor Zohre', role: 'supervisor' });
    const live = await sup.client.json<{ calls: { conversationId: string; agentId: string; state: string; monitoring: string | null }[] }>('GET', '/api/voice/live');
    expect(live.body.calls.find((c) => c.conversationId === conversationId)).toMatchObject({ agentId: agent.id, state: 'connected', monitoring: null });
    expect((await agent.client.json('GET', '/api/voice/live')).status).toBe(403);
    // Once the supervisor listens, the row says so (the buttons show the mode and offer stop).
    expect((await sup.client.json('POST', `/api/voice/calls/${conversationId}/monitor`, { mode: 'listen' })).status).toBe(201);
    const after = await sup.client.json<{ calls: { conversationId: string; monitoring: string | null }[] }>('GET', '/api/voice/live');
    expect(after.body.calls.find((c) => c.conversationId === conversationId)?.monitoring).toBe('listen');

    // Transfer targets: other agents (with whether they can take a call now) and the voice queues.
    const targets = await agent.client.json<{ agents: { id: string; name: string; canTakeCall: boolean }[]; queues: { name: string }[] }>('GET', '/api/voice/transfer-targets');
    expect(targets.body.agents.some((x) => x.id === agent.id)).toBe(false);
    expect(targets.body.agents.find((x) => x.id === stranger.id)).toMatchObject({ name: 'Stranger', canTakeCall: false });
    expect(targets.body.queues.map((q) => q.name)).toContain('voice');

    expect((await agent.client.json('POST', `/api/voice/calls/${conversationId}/hangup`)).status).toBe(200);
    await call.until('ended');
    await walker.settle();
    expect((await agent.client.request('GET', '/api/voice/me/leg')).status).toBe(204);
    ws.disconnect();
  });
});
