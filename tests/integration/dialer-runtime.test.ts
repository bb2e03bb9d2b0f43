// The campaign runtime end to end through the Twilio fake and the TwiML walker: an agent waits on
// a standby leg, a tick places the call, the callee (a person or a machine) answers, AMD reports,
// and the call is bridged, abandoned with the message, dropped a voicemail, or retried later.
// Time is an input to `hub.dialer.tick(now)`; the hub's own timer is off.
import { randomBytes } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, DialerCampaignStatsDto, MessageDto } from '../../src/contracts/index.js';
import { OPT_OUT_PROMPT } from '../../src/dialer/runtime/twiml.js';
import { adminClient, agentSocket, createAgent, eventually, isolate, nextEvent, startHub, testConfig, type AgentSocket, type Client, type RunningHub } from '../helpers/hub.js';
import { TwilioFake } from '../helpers/twilio-fake.js';
import { voiceWalker, type SimCall, type TwimlWalker, type VoiceRest } from '../helpers/twiml-walker.js';

const PUBLIC_URL = 'https://dialer.example.org';
const CALLER_ID = '+15005550006';
const iso = isolate('dialer_runtime');
const fake = new TwilioFake();
let running: RunningHub;
let admin: Client;
let walker: TwimlWalker;
let rest: VoiceRest;
let n = 0;
const MINUTE = 60_000;

/** An Etc/GMT zone where the local time is `hour`:xx now (Etc/GMT-3 is UTC+3). */
function zoneAtLocalHour(hour: number, at = Date.now()): string {
  const offset = ((hour - new Date(at).getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

/**
 * Ticks on a test clock that moves at least 1.1 s per tick: the account may start one call per
 * second, and every call placed is stamped with its tick's time.
 */
let lastTick = 0;
function tick(at?: number) {
  lastTick = Math.max(at ?? Date.now(), lastTick + 1100);
  return running.hub.dialer.tick(lastTick);
}

const newPhone = () => `+1212555${String(1000 + (n += 1)).padStart(4, '0')}`;

interface Setup {
  campaignId: string;
  agent: { id: string; ws: AgentSocket; leg: SimCall };
  contacts: { id: string; phone: string }[];
}

/** A campaign on a queue of its own (a skill of its own), one agent on standby, and its contacts. */
async function setup(o: { mode?: 'preview' | 'progressive' | 'predictive'; machine?: object; retry?: object; maxAttempts?: number; contacts?: { zone?: string; dnc?: boolean }[] } = {}): Promise<Setup> {
  const db = running.hub.db;
  const tag = randomBytes(3).toString('hex');
  const skill = `dialer_${tag}`;
  const queue = await db
    .insertInto('queues')
    .values({ name: `outbound-${tag}`, channel: 'voice', required_skills: JSON.stringify([{ skill, minLevel: 1 }]), priority: 0, is_default: false })
    .returning('id')
    .executeTakeFirstOrThrow();
  await running.hub.routing.queuesChanged();
  const a = await createAgent(running.url, admin, { name: `Agent ${tag}`, skills: [{ skill, level: 5 }] });
  const ws = await agentSocket(running.url, a.client);
  await ws.emitWithAck('presence:set', { status: 'available' });
  const campaign = await db
    .insertInto('dialer_campaigns')
    .values({
      name: `Campaign ${tag}`,
      status: 'running',
      rule_set: 'US',
      mode: o.mode ?? 'progressive',
      caller_id: CALLER_ID,
      queue_id: queue.id,
      message: JSON.stringify({ text: 'This is Pasokh Bank calling about your card.' }),
      machine: JSON.stringify(o.machine ?? { action: 'hangup' }),
      calling_window: JSON.stringify({ start: '09:00', end: '20:00' }),
      retry: JSON.stringify(o.retry ?? {}),
      max_attempts: o.maxAttempts ?? 3,
      created_by: null,
      abandon_target: 0.03,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const contacts: Setup['contacts'] = [];
  for (const c of o.contacts ?? [{}]) {
    const phone = newPhone();
    if (c.dnc) await db.insertInto('dialer_dnc').values({ phone, source: 'company', reason: 'test', added_by: null }).execute();
    const row = await db
      .insertInto('dialer_contacts')
      .values({ campaign_id: campaign.id, phone, name: `Callee ${phone.slice(-4)}`, time_zones: [c.zone ?? zoneAtLocalHour(12)], fields: '{}', customer_id: null, import_id: null, line: null, last_outcome: null, next_attempt_at: new Date(Date.now() - MINUTE) })
      .returning('id')
      .executeTakeFirstOrThrow();
    contacts.push({ id: row.id, phone });
  }
  // The first tick rings the agent's standby leg; once answered the agent waits in their conference.
  const before = walker.legs({ label: 'dialer-agent' }).length;
  await tick();
  const leg = await walker.nextLeg({ label: 'dialer-agent', after: before });
  expect(leg.to).toBe(`client:agent_${a.id.replace(/-/g, '')}`);
  await leg.answer();
  await walker.settle();
  expect(leg.conference).toBe(`pasokh-dialer-${a.id}`);
  await eventually(async () => (await db.selectFrom('dialer_agent_legs').select('status').where('agent_id', '=', a.id).executeTakeFirst())?.status === 'ready', 5000, 'standby leg ready');
  return { campaignId: campaign.id, agent: { id: a.id, ws, leg }, contacts };
}

async function done(s: Setup): Promise<void> {
  await running.hub.db.updateTable('dialer_campaigns').set({ status: 'completed' }).where('id', '=', s.campaignId).execute();
  s.agent.ws.disconnect();
  await walker.settle();
}

const attemptsOf = (contactId: string) => running.hub.db.selectFrom('dialer_attempts').selectAll().where('contact_id', '=', contactId).orderBy('placed_at').execute();
const contact = (id: string) => running.hub.db.selectFrom('dialer_contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function notes(conversationId: string): Promise<string[]> {
  const res = await admin.json<{ messages: MessageDto[] }>('GET', `/api/conversations/${conversationId}`);
  return res.body.messages.map((m) => m.body);
}

beforeAll(async () => {
  await fake.start();
  running = await startHub(testConfig(iso, { PUBLIC_URL, TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, COOKIE_SECURE: 'false' }), {
    channelOptions: { twilioHttpClient: fake.httpClient() },
    dialer: { tickMs: 0, callsPerSecond: 1 },
  });
  admin = await adminClient(running.url);
  ({ walker, rest } = voiceWalker(fake, { hubUrl: running.url, publicUrl: PUBLIC_URL }));
});

afterAll(async () => {
  await walker?.settle();
  await running?.stop();
  await fake.stop();
  await iso.cleanup();
});

describe('routing.assignDirect', () => {
  it('gives a voice conversation to an available agent through the capacity check: never to one away, never twice', async () => {
    const hub = running.hub;
    const a = await createAgent(running.url, admin, { name: 'Direct' });
    const open = async (phone: string) =>
      (await hub.ingest.ingest({ channel: 'voice', externalId: `dialer:test-${phone}`, identities: [{ kind: 'phone', value: phone }], body: `Outbound call to ${phone}` })).conversationId;
    const first = await open(newPhone());
    const away = await hub.routing.assignDirect(first, a.id);
    expect(away).toMatchObject({ ok: false, code: 'not_available' });
    await hub.routing.setPresence(a.id, 'available');
    expect((await hub.routing.assignDirect(first, a.id)).ok).toBe(true);
    const second = await open(newPhone());
    expect(await hub.routing.assignDirect(second, a.id)).toMatchObject({ ok: false, code: 'no_room' });
    const state = await hub.db.selectFrom('agent_state').select(['used', 'capacity']).where('user_id', '=', a.id).executeTakeFirstOrThrow();
    expect(state).toEqual({ used: 100, capacity: 100 });
    await hub.routing.closeConversation(first);
    await hub.routing.closeConversation(second);
  });
});

describe('dialer runtime', () => {
  it('a person who answers is bridged to the waiting agent within 2 s, and the conversation is theirs', async () => {
    const s = await setup();
    const [k] = s.contacts;
    const report = await tick();
    expect(report.campaigns.find((c) => c.id === s.campaignId)?.placed).toHaveLength(1);
    const create = rest.callCreates().at(-1)!;
    expect(create.params).toMatchObject({ To: k!.phone, From: CALLER_ID, MachineDetection: 'Enable', AsyncAmd: 'true', Timeout: '25' });
    expect(create.params['StatusCallbackEvent']).toEqual(['initiated', 'ringing', 'answered', 'completed']);

    const call = await walker.nextLeg({ to: k!.phone });
    call.queueTimeMs = 1200;
    const assigned = nextEvent<ConversationDto>(s.agent.ws, 'conversation:assigned');
    await call.answer();
    expect(call.state).toBe('gathering'); // silent hold while AMD listens
    await call.amd('human', 2100);
    await call.until('conference');
    expect(call.conference).toBe(`pasokh-dialer-${s.agent.id}`);
    const conversation = await assigned;
    expect(conversation.channel).toBe('voice');

    const [attempt] = await attemptsOf(k!.id);
    expect(attempt).toMatchObject({ status: 'connected', outcome: 'connected', agent_id: s.agent.id, answered_by: 'human', amd_ms: 2100, queue_time_ms: 1200, conversation_id: conversation.id });
    const verdict = (attempt!.evidence as { verdict: { connectMs: number } }).verdict;
    expect(verdict.connectMs).toBeLessThan(2000);
    expect((attempt!.evidence as { window: { zones: unknown[] } }).window.zones).toHaveLength(1);
    const conv = await running.hub.db.selectFrom('conversations').select(['assigned_agent_id', 'status']).where('id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(conv).toEqual({ assigned_agent_id: s.agent.id, status: 'open' });

    // The callee hangs up: the conversation closes, the agent stays in standby for the next call.
    await call.hangup(42);
    await walker.settle();
    await eventually(async () => (await contact(k!.id)).status === 'done', 5000, 'contact done');
    expect(await notes(conversation.id)).toEqual(expect.arrayContaining([expect.stringContaining('connected to'), 'Call ended (0:42).']));
    const closed = await running.hub.db.selectFrom('conversations').select('status').where('id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(closed.status).toBe('closed');
    expect(s.agent.leg.state).toBe('conference');

    const stats = await admin.json<{ stats: { connected: number; attempts: number; abandon30d: { rate: number; live: number } } }>('GET', `/api/dialer/campaigns/${s.campaignId}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body.stats).toMatchObject({ attempts: 1, connected: 1, abandon30d: { rate: 0, live: 1 } });
    await done(s);
  });

  it('no agent free when a person answers: the message plays, the call is abandoned, and 9 puts the number on the DNC list', async () => {
    const s = await setup();
    const [k] = s.contacts;
    const supervisor = connect(`${running.url}/supervisor`, { transports: ['websocket'], extraHeaders: { cookie: admin.cookie }, forceNew: true, reconnection: false });
    const feed: { campaigns: DialerCampaignStatsDto[] }[] = [];
    supervisor.on('dialer', (p: { campaigns: DialerCampaignStatsDto[] }) => feed.push(p));
    await new Promise<void>((resolve, reject) => {
      supervisor.once('connect', () => resolve());
      supervisor.once('connect_error', reject);
    });
    await tick();
    const call = await walker.nextLeg({ to: k!.phone });
    // The reserved agent steps away before the answer.
    await s.agent.ws.emitWithAck('presence:set', { status: 'away' });
    await call.answer();
    await call.amd('human');
    await eventually(async () => call.said().includes(OPT_OUT_PROMPT), 5000, 'the opt-out prompt');
    expect(call.said()).toContain('This is Pasokh Bank calling about your card.');
    await call.press('9');
    await call.until('ended');
    await walker.settle();
    expect(call.said()).toContain('You will not be called again. Goodbye.');
    const [attempt] = await attemptsOf(k!.id);
    expect(attempt).toMatchObject({ outcome: 'abandoned', status: 'completed' });
    const verdict = (attempt!.evidence as { verdict: { abandonedAfterMs: number } }).verdict;
    expect(verdict.abandonedAfterMs).toBeLessThan(2000);
    expect(await running.hub.db.selectFrom('dialer_dnc').select('source').where('phone', '=', k!.phone).executeTakeFirst()).toEqual({ source: 'keypress' });
    expect((await contact(k!.id)).status).toBe('dnc');
    const notesList = await notes(attempt!.conversation_id!);
    expect(notesList.join('\n')).toContain('abandoned, message played; the callee pressed 9');
    const stats = await admin.json<{ stats: { abandoned: number; abandon30d: { rate: number } } }>('GET', `/api/dialer/campaigns/${s.campaignId}/stats`);
    expect(stats.body.stats).toMatchObject({ abandoned: 1, abandon30d: { rate: 1 } });
    // Supervisors see it live, and so does /metrics.
    const live = await eventually(async () => feed.flatMap((p) => p.campaigns).find((c) => c.campaignId === s.campaignId && c.abandoned === 1), 5000, 'a dialer push');
    expect(live.abandon24h.rate).toBe(1);
    supervisor.disconnect();
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`pasokh_dialer_abandon_rate_30d\\{campaign="${live.name}",rule_set="US"\\} 1`));
    await done(s);
  });

  it('a machine gets the voicemail drop after the beep; with hang-up campaigns the call just ends', async () => {
    const drop = await setup({ machine: { action: 'drop', text: 'Hello from Pasokh Bank, please call us back.' } });
    await tick();
    expect(rest.callCreates().at(-1)!.params).toMatchObject({ MachineDetection: 'DetectMessageEnd' });
    const call = await walker.nextLeg({ to: drop.contacts[0]!.phone });
    await call.answer();
    await call.amd('machine_end_beep', 9000);
    await call.until('ended');
    await walker.settle();
    expect(call.said()).toContain('Hello from Pasokh Bank, please call us back.');
    await eventually(async () => (await attemptsOf(drop.contacts[0]!.id))[0]?.ended_at, 5000, 'attempt ended');
    const [a1] = await attemptsOf(drop.contacts[0]!.id);
    expect(a1).toMatchObject({ outcome: 'machine', answered_by: 'machine_end_beep', amd_ms: 9000 });
    expect((await notes(a1!.conversation_id!)).join('\n')).toContain('answering machine, voicemail left');
    await done(drop);

    const hang = await setup({ machine: { action: 'hangup' } });
    await tick();
    const call2 = await walker.nextLeg({ to: hang.contacts[0]!.phone });
    await call2.answer();
    await call2.amd('machine_start', 3000);
    await call2.until('ended');
    await walker.settle();
    expect(call2.said()).toEqual([]);
    await eventually(async () => (await attemptsOf(hang.contacts[0]!.id))[0]?.ended_at, 5000, 'attempt ended');
    const [a2] = await attemptsOf(hang.contacts[0]!.id);
    expect(a2).toMatchObject({ outcome: 'machine' });
    expect((await notes(a2!.conversation_id!)).join('\n')).toContain('answering machine, hung up');
    await done(hang);
  });

  it('no answer: retried after the gap, never before, and not beyond the maximum attempts', async () => {
    const s = await setup({ retry: { noAnswer: { gapMinutes: 30, maxAttempts: 5 } }, maxAttempts: 2 });
    const [k] = s.contacts;
    const t0 = Math.max(Date.now(), lastTick + 1100);
    await tick(t0);
    const first = await walker.nextLeg({ to: k!.phone });
    const failedAt = Date.now();
    await first.fail('no-answer');
    await walker.settle();
    await eventually(async () => (await contact(k!.id)).last_outcome === 'no-answer', 5000, 'first attempt settled');
    const after = await contact(k!.id);
    expect(after.status).toBe('pending');
    expect(after.next_attempt_at.getTime()).toBeGreaterThanOrEqual(failedAt + 30 * MINUTE);

    const early = await tick(t0 + 29 * MINUTE);
    expect(early.campaigns.find((c) => c.id === s.campaignId)?.placed).toEqual([]);
    const late = await tick(t0 + 31 * MINUTE);
    expect(late.campaigns.find((c) => c.id === s.campaignId)?.placed).toHaveLength(1);
    const second = await walker.nextLeg({ to: k!.phone, after: 1 });
    await second.fail('busy');
    await walker.settle();
    await eventually(async () => (await contact(k!.id)).status === 'exhausted', 5000, 'contact exhausted');
    const never = await tick(t0 + 3 * 60 * MINUTE);
    expect(never.campaigns.find((c) => c.id === s.campaignId)?.placed).toEqual([]);
    expect(await attemptsOf(k!.id)).toHaveLength(2);
    await done(s);
  });

  it('an attempt a dead leader never placed is cancelled and its contact is dialled again', async () => {
    const s = await setup({ contacts: [{}] });
    const [c] = s.contacts;
    const db = running.hub.db;
    // As a leader leaves it when it dies between storing the attempt and calls.create answering.
    const placedAt = Date.now() - 5 * MINUTE;
    await db.updateTable('dialer_contacts').set({ status: 'dialing', attempts: 1 }).where('id', '=', c!.id).execute();
    await db.insertInto('dialer_attempts').values({ campaign_id: s.campaignId, contact_id: c!.id, placed_at: new Date(placedAt), evidence: '{}' }).execute();
    expect(await running.hub.dialer.recoverUnplaced(Date.now())).toBe(1);
    const [stale] = await attemptsOf(c!.id);
    expect(stale?.outcome).toBe('cancelled');
    expect(await contact(c!.id)).toMatchObject({ status: 'pending', attempts: 0 });
    // A second sweep finds nothing; the next tick places the real call.
    expect(await running.hub.dialer.recoverUnplaced(Date.now())).toBe(0);
    await tick();
    await eventually(async () => (await attemptsOf(c!.id)).some((a) => a.call_sid !== null), 5000, 'the contact is dialled again');
    expect(await contact(c!.id)).toMatchObject({ status: 'dialing', attempts: 1 });
    await done(s);
  });

  it('never dials a number on the DNC list, nor outside the callee’s calling window', async () => {
    const s = await setup({ contacts: [{ dnc: true }, { zone: zoneAtLocalHour(3) }] });
    const creates = rest.callCreates().length;
    const report = await tick(Date.now() + 5000);
    const mine = report.campaigns.find((c) => c.id === s.campaignId)!;
    expect(mine.placed).toEqual([]);
    expect(mine.skipped.map((x) => x.reason).sort()).toEqual(['do-not-call', 'outside-window']);
    expect(rest.callCreates().length).toBe(creates);
    expect((await contact(s.contacts[0]!.id)).status).toBe('dnc');
    expect((await contact(s.contacts[1]!.id)).status).toBe('pending');
    await done(s);
  });
});
