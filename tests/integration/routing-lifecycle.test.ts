import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferDto } from '../../src/contracts/index.js';
import {
  adminClient,
  agentSocket,
  chatSocket,
  createAgent,
  eventually,
  isolate,
  nextEvent,
  startHub,
  testConfig,
  type AgentSocket,
  type Client,
  type RunningHub,
} from '../helpers/hub.js';

// Short leases so expiry can be watched; each test uses its own agents and visitors.
const iso = isolate('routing_lifecycle');
let running: RunningHub;
let admin: Client;

beforeAll(async () => {
  running = await startHub(testConfig(iso, { OFFER_TIMEOUT_SECONDS: '3' }));
  admin = await adminClient(running.url);
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

async function availableAgent(name: string): Promise<{ id: string; ws: AgentSocket; client: Client }> {
  const a = await createAgent(running.url, admin, { name });
  const ws = await agentSocket(running.url, a.client);
  expect(await ws.emitWithAck('presence:set', { status: 'available' })).toMatchObject({ ok: true });
  return { id: a.id, ws, client: a.client };
}

async function setAway(...agents: { ws: AgentSocket }[]) {
  for (const a of agents) await a.ws.emitWithAck('presence:set', { status: 'away' });
}

describe('offer lifecycle', () => {
  it('a rejected offer goes to the next agent, and the rejecting agent is not asked again at once', async () => {
    const a = await availableAgent('Ali');
    const b = await availableAgent('Bita');
    const offers: [string, OfferDto][] = [];
    a.ws.on('offer', (o) => offers.push(['a', o]));
    b.ws.on('offer', (o) => offers.push(['b', o]));

    const visitor = await chatSocket(running.url, { name: 'Rejected' });
    await visitor.socket.emitWithAck('message', { clientId: '1', body: 'hi' });
    await eventually(async () => offers.length === 1);
    const [first, firstOffer] = offers[0]!;
    const firstWs = first === 'a' ? a.ws : b.ws;
    expect(await firstWs.emitWithAck('offer:reject', { offerId: firstOffer.offerId })).toEqual({ ok: true });

    await eventually(async () => offers.length === 2);
    const [second, secondOffer] = offers[1]!;
    expect(second).not.toBe(first);
    expect(secondOffer.conversationId).toBe(firstOffer.conversationId);
    expect(secondOffer.offerId).not.toBe(firstOffer.offerId);

    // Rejecting twice, or accepting what was rejected, is refused with a reason and changes nothing.
    expect(await firstWs.emitWithAck('offer:reject', { offerId: firstOffer.offerId })).toMatchObject({ ok: false, error: { code: 'offer_decided' } });
    expect(await firstWs.emitWithAck('offer:accept', { offerId: firstOffer.offerId })).toMatchObject({ ok: false });
    const secondWs = second === 'a' ? a.ws : b.ws;
    expect(await secondWs.emitWithAck('offer:accept', { offerId: secondOffer.offerId })).toMatchObject({ ok: true });
    await setAway(a, b);
    visitor.socket.close();
  });

  it('an agent cannot accept an offer that is not theirs; bad payloads get an error ack', async () => {
    const owner = await availableAgent('Owner');
    const thief = await availableAgent('Thief');
    await setAway(thief);
    const offerP = nextEvent<OfferDto>(owner.ws, 'offer');
    const visitor = await chatSocket(running.url, { name: 'Target' });
    await visitor.socket.emitWithAck('message', { clientId: '1', body: 'hi' });
    const offer = await offerP;

    expect(await thief.ws.emitWithAck('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: false, error: { code: 'offer_not_found' } });
    expect(await thief.ws.emitWithAck('offer:accept', { offerId: 'nope' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await thief.ws.emitWithAck('presence:set', { status: 'dancing' } as never)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    // The owner still holds it.
    expect(await owner.ws.emitWithAck('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true, conversation: { assignedAgentId: owner.id } });
    await setAway(owner);
    visitor.socket.close();
  });

  it('an offer nobody answers expires, is revoked from the agent and goes to the next one; accepting it late fails', async () => {
    const slow = await availableAgent('Slow');
    const offerP = nextEvent<OfferDto>(slow.ws, 'offer');
    const visitor = await chatSocket(running.url, { name: 'Waiting' });
    await visitor.socket.emitWithAck('message', { clientId: '1', body: 'anyone?' });
    const offer = await offerP;

    const revokedP = nextEvent<{ offerId: string; reason: string }>(slow.ws, 'offer:revoked', 15_000);
    const fast = await availableAgent('Fast');
    const secondP = nextEvent<OfferDto>(fast.ws, 'offer', 15_000);
    expect(await revokedP).toEqual({ offerId: offer.offerId, reason: 'expired' });
    const second = await secondP;
    expect(second.conversationId).toBe(offer.conversationId);
    expect(await slow.ws.emitWithAck('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: false, error: { code: 'offer_expired' } });
    expect(await fast.ws.emitWithAck('offer:accept', { offerId: second.offerId })).toMatchObject({ ok: true });

    const missed = await running.hub.db.selectFrom('agent_state').select('missed_offers').where('user_id', '=', slow.id).executeTakeFirstOrThrow();
    expect(missed.missed_offers).toBe(1);
    await setAway(slow, fast);
    visitor.socket.close();
  });

  it('capacity: a chat costs 34 of 100, so the third waits until one is closed', async () => {
    const agent = await availableAgent('Busy');
    const offers: OfferDto[] = [];
    agent.ws.on('offer', (o) => {
      offers.push(o);
      void agent.ws.emitWithAck('offer:accept', { offerId: o.offerId });
    });
    const visitors = [];
    for (let i = 0; i < 3; i += 1) {
      const v = await chatSocket(running.url, { name: `Cap ${i}` });
      await v.socket.emitWithAck('message', { clientId: 'm', body: `chat ${i}` });
      visitors.push(v);
    }
    await eventually(async () => offers.length === 2);
    const state = await running.hub.db.selectFrom('agent_state').select(['used', 'capacity']).where('user_id', '=', agent.id).executeTakeFirstOrThrow();
    expect(state).toEqual({ used: 68, capacity: 100 });
    const waiting = await running.hub.db.selectFrom('routing_tasks').select('id').where('status', '=', 'waiting').execute();
    expect(waiting).toHaveLength(1);

    const thirdP = nextEvent<OfferDto>(agent.ws, 'offer');
    const closed = await agent.client.json('POST', `/api/conversations/${offers[0]!.conversationId}/close`);
    expect(closed.status).toBe(200);
    const third = await thirdP;
    expect(offers.map((o) => o.conversationId)).not.toContain(undefined);
    expect(new Set([offers[0]!.conversationId, offers[1]!.conversationId, third.conversationId]).size).toBe(3);
    await setAway(agent);
    for (const v of visitors) v.socket.close();
  });

  it('an away agent gets nothing; turning available brings the waiting conversation', async () => {
    const agent = await availableAgent('Returning');
    await setAway(agent);
    const offers: OfferDto[] = [];
    agent.ws.on('offer', (o) => offers.push(o));
    const visitor = await chatSocket(running.url, { name: 'Patient' });
    const ack = await visitor.socket.emitWithAck('message', { clientId: '1', body: 'hello?' });
    // Routing has settled with the task still waiting: nobody was offered it.
    await running.hub.routing.idle();
    expect(offers).toHaveLength(0);
    const offerP = nextEvent<OfferDto>(agent.ws, 'offer');
    await agent.ws.emitWithAck('presence:set', { status: 'available' });
    expect((await offerP).conversationId).toBe((ack as { conversationId: string }).conversationId);
    await setAway(agent);
    visitor.socket.close();
  });

  it('a supervisor reassigns a conversation: capacity and consoles follow, a full agent is refused', async () => {
    const a = await availableAgent('Handing over');
    const b = await availableAgent('Taking over');
    await setAway(b);
    const offerP = nextEvent<OfferDto>(a.ws, 'offer');
    const visitor = await chatSocket(running.url, { name: 'Moved' });
    await visitor.socket.emitWithAck('message', { clientId: '1', body: 'move me' });
    const offer = await offerP;
    await a.ws.emitWithAck('offer:accept', { offerId: offer.offerId });

    const supervisor = await createAgent(running.url, admin, { name: 'Boss', role: 'supervisor' });
    const closedP = nextEvent<{ conversationId: string }>(a.ws, 'conversation:closed');
    const assignedP = nextEvent<{ id: string }>(b.ws, 'conversation:assigned');
    const res = await supervisor.client.json('POST', `/api/conversations/${offer.conversationId}/assign`, { agentId: b.id });
    expect(res.status).toBe(200);
    expect((await closedP).conversationId).toBe(offer.conversationId);
    expect((await assignedP).id).toBe(offer.conversationId);
    const used = async (id: string) => (await running.hub.routing.agentSelf(id))!.used;
    expect([await used(a.id), await used(b.id)]).toEqual([0, 34]);
    expect((await a.client.json('POST', `/api/conversations/${offer.conversationId}/messages`, { body: 'still mine?' })).status).toBe(403);
    expect((await b.client.json('POST', `/api/conversations/${offer.conversationId}/messages`, { body: 'I have it now' })).status).toBe(201);

    // An agent cannot take what does not fit: capacity 34 holds one chat.
    await admin.json('PATCH', `/api/users/${a.id}/agent`, { capacity: 34 });
    const other = await chatSocket(running.url, { name: 'Second' });
    await setAway(a);
    const ack = await other.socket.emitWithAck('message', { clientId: '1', body: 'me too' });
    const conv2 = (ack as { conversationId: string }).conversationId;
    expect((await supervisor.client.json('POST', `/api/conversations/${conv2}/assign`, { agentId: a.id })).status).toBe(200);
    const full = await supervisor.client.json<{ error: { code: string } }>('POST', `/api/conversations/${offer.conversationId}/assign`, { agentId: a.id });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('no_room');
    expect((await a.client.json('POST', `/api/conversations/${conv2}/assign`, { agentId: a.id })).status).toBe(403);
    visitor.socket.close();
    other.socket.close();
  });
});
