import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentSelfDto, OfferDto, ReportDto } from '../../src/contracts/index.js';
import { adminClient, agentSocket, chatSocket, createAgent, eventually, isolate, nextEvent, startHub, testConfig, type AgentSocket, type Client, type RunningHub } from '../helpers/hub.js';

// A closed console tab is not logged-in time. Two hub processes share Postgres
// and Redis; an agent's consoles may sit on either. Only when the last one
// anywhere has been gone for the grace period is the agent recorded offline,
// as of the moment it went; their next console puts their status back.

const GRACE_S = 600;
const iso = isolate('presence_occ');
let a: RunningHub;
let b: RunningHub;
let admin: Client;

beforeAll(async () => {
  // A long grace: the leader's own sweeps (real clock) never settle anything here; the test drives time.
  const config = () => testConfig(iso, { PRESENCE_GRACE_SECONDS: String(GRACE_S) });
  a = await startHub(config(), { leaderLeaseMs: 1_500 });
  b = await startHub(config(), { leaderLeaseMs: 1_500 });
  admin = await adminClient(a.url);
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await iso.cleanup();
});

/** A console whose first `presence` (sent right after the handshake) and first offer are listened for before it connects. */
function consoleWatching(url: string, client: Client): { ws: AgentSocket; self: Promise<AgentSelfDto>; offer: Promise<OfferDto> } {
  const ws: AgentSocket = connect(`${url}/agent`, { transports: ['websocket'], extraHeaders: { cookie: client.cookie }, forceNew: true, reconnection: false, autoConnect: false });
  const self = nextEvent<AgentSelfDto>(ws, 'presence');
  const offer = nextEvent<OfferDto>(ws, 'offer', 20_000);
  ws.connect();
  return { ws, self, offer };
}

const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

async function agentRow(agentId: string) {
  const res = await admin.json<ReportDto>('GET', `/api/reports?from=${today()}&to=${tomorrow()}&groupBy=agent`);
  expect(res.status).toBe(200);
  const row = res.body.rows.find((r) => r.id === agentId);
  if (!row) throw new Error('agent missing from the report');
  return row;
}

async function history(agentId: string) {
  return a.hub.db.selectFrom('agent_status_history').select(['status', 'at', 'reason']).where('user_id', '=', agentId).orderBy('at').orderBy('id').execute();
}

describe('console sessions across hub processes', () => {
  it('the last console anywhere going ends logged-in time at that moment; the next console puts the status back', async () => {
    const agent = await createAgent(a.url, admin, { name: 'Tab Closer' });
    const presenceKey = `${iso.redisPrefix}:presence:${agent.id}`;
    const goneKey = `${iso.redisPrefix}:presence:gone:${agent.id}`;
    const onA = await agentSocket(a.url, agent.client);
    const onB = await agentSocket(b.url, agent.client);
    expect(await onA.emitWithAck('presence:set', { status: 'available' })).toMatchObject({ ok: true });
    await eventually(async () => (await a.hub.redis.hlen(presenceKey)) === 2, 10_000, 'a console on each process');
    const availableAt = (await history(agent.id)).at(-1)!;
    expect(availableAt.status).toBe('available');

    // The console on hub A closes; the one on hub B is still open: nothing to settle, whatever the time.
    onA.close();
    await eventually(async () => (await a.hub.redis.hlen(presenceKey)) === 1, 10_000, 'hub A to drop its console');
    expect(await a.hub.redis.exists(goneKey)).toBe(0);
    expect(await a.hub.consoleSessions.sweep(Date.now() + 24 * 3_600_000)).toEqual([]);
    expect(await b.hub.consoleSessions.sweep(Date.now() + 24 * 3_600_000)).toEqual([]);

    // The last console (on hub B) goes: the moment is remembered, but the agent is not offline yet.
    onB.close();
    const goneAt = Number(await eventually(() => a.hub.redis.get(goneKey), 10_000, 'the loss to be recorded'));
    expect(await a.hub.consoleSessions.sweep(goneAt + GRACE_S * 1000 - 1)).toEqual([]);
    const state = () => a.hub.db.selectFrom('agent_state').select(['status', 'resume_status']).where('user_id', '=', agent.id).executeTakeFirstOrThrow();
    expect(await state()).toEqual({ status: 'available', resume_status: null });

    // Past the grace period (either process may settle it): offline as of the moment the console went.
    expect(await a.hub.consoleSessions.sweep(goneAt + GRACE_S * 1000)).toEqual([agent.id]);
    expect(await state()).toEqual({ status: 'offline', resume_status: 'available' });
    const offline = (await history(agent.id)).at(-1)!;
    expect(offline).toMatchObject({ status: 'offline', reason: 'connection_lost' });
    expect(offline.at.getTime()).toBe(goneAt);
    expect(await a.hub.redis.exists(goneKey)).toBe(0);
    // Settled once: a second sweep on the other process finds nothing to do.
    expect(await b.hub.consoleSessions.sweep(goneAt + GRACE_S * 2000)).toEqual([]);

    // The report's logged-in time stops at the disconnect, and stays there while the agent is away.
    const loggedIn = (goneAt - availableAt.at.getTime()) / 1000;
    expect(await agentRow(agent.id)).toMatchObject({ loggedInSeconds: loggedIn, busySeconds: 0, occupancy: 0 });

    // While offline, a visitor's chat waits; the agent's next console (on either process) restores "available" and gets it.
    const visitor = await chatSocket(b.url, { name: 'Waiting for Tab Closer' });
    const sent = await visitor.socket.emitWithAck('message', { clientId: 'w1', body: 'anyone?' });
    const conversationId = (sent as { conversationId: string }).conversationId;
    const back = consoleWatching(b.url, agent.client);
    expect((await back.self).status).toBe('available');
    expect((await back.offer).conversationId).toBe(conversationId);
    expect(await state()).toEqual({ status: 'available', resume_status: null });
    expect((await history(agent.id)).at(-1)).toMatchObject({ status: 'available', reason: 'reconnected' });
    // Logged in again from the reconnect on.
    expect((await agentRow(agent.id)).loggedInSeconds).toBeGreaterThan(loggedIn);

    back.ws.close();
    visitor.socket.close();
  });

  it('an agent who chose offline stays offline on the next console', async () => {
    const agent = await createAgent(a.url, admin, { name: 'Signed Off' });
    const ws = await agentSocket(a.url, agent.client);
    await ws.emitWithAck('presence:set', { status: 'away' });
    await ws.emitWithAck('presence:set', { status: 'offline' });
    ws.close();
    const goneKey = `${iso.redisPrefix}:presence:gone:${agent.id}`;
    const goneAt = Number(await eventually(() => a.hub.redis.get(goneKey), 10_000, 'the loss to be recorded'));
    // (Other agents of this file may be settled by the same sweep; this one must not be touched.)
    expect(await a.hub.consoleSessions.sweep(goneAt + GRACE_S * 1000)).not.toContain(agent.id);
    const again = consoleWatching(b.url, agent.client);
    expect((await again.self).status).toBe('offline');
    again.offer.catch(() => undefined);
    again.ws.close();
  });
});

describe('the grace period on the real clock', () => {
  const iso2 = isolate('presence_grace');
  let hub: RunningHub;

  beforeAll(async () => {
    hub = await startHub(testConfig(iso2, { PRESENCE_GRACE_SECONDS: '1' }));
  });

  afterAll(async () => {
    await hub?.stop();
    await iso2.cleanup();
  });

  it('the routing leader records the agent offline by itself once the grace period has passed', async () => {
    const admin2 = await adminClient(hub.url);
    const agent = await createAgent(hub.url, admin2, { name: 'Gone Away' });
    const ws = await agentSocket(hub.url, agent.client);
    await ws.emitWithAck('presence:set', { status: 'break' });
    const goneKey = `${iso2.redisPrefix}:presence:gone:${agent.id}`;
    const closedBefore = Date.now();
    ws.close();
    const row = await eventually(
      async () => (await hub.hub.db.selectFrom('agent_status_history').select(['status', 'at', 'reason']).where('user_id', '=', agent.id).where('status', '=', 'offline').where('reason', '=', 'connection_lost').executeTakeFirst()) ?? null,
      15_000,
      'the sweeper to record the agent offline',
    );
    // Recorded as of the disconnect, not of the sweep that noticed it.
    expect(row.at.getTime()).toBeGreaterThanOrEqual(closedBefore);
    expect(row.at.getTime()).toBeLessThan(closedBefore + 1_000);
    expect(await hub.hub.redis.exists(goneKey)).toBe(0);
    const state = await hub.hub.db.selectFrom('agent_state').select(['status', 'resume_status']).where('user_id', '=', agent.id).executeTakeFirstOrThrow();
    expect(state).toEqual({ status: 'offline', resume_status: 'break' });
  });
});
