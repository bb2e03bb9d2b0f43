import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferDto } from '../../src/contracts/index.js';
import { adminClient, agentSocket, chatSocket, createAgent, eventually, isolate, nextEvent, startHub, testConfig, type RunningHub } from '../helpers/hub.js';

// Two hub processes (in one test process) share Postgres and Redis: one routing
// engine is active, the other stands by and takes over when the leader goes quiet.
const iso = isolate('leader');
let a: RunningHub;
let b: RunningHub;

beforeAll(async () => {
  a = await startHub(testConfig(iso), { leaderLeaseMs: 1_500 });
  b = await startHub(testConfig(iso), { leaderLeaseMs: 1_500 });
});

afterAll(async () => {
  await b?.stop();
  await a?.stop().catch(() => undefined);
  await iso.cleanup();
});

describe('routing leader lease', () => {
  it('exactly one engine is active; work arriving at the standby is routed by the leader', async () => {
    expect([a.hub.routing.isActive, b.hub.routing.isActive].filter(Boolean)).toHaveLength(1);
    expect(a.hub.routing.isActive).toBe(true); // the first to start holds the lease

    const admin = await adminClient(b.url);
    const agent = await createAgent(b.url, admin, { name: 'Standby side' });
    const ws = await agentSocket(b.url, agent.client); // console on the standby process
    const offerP = nextEvent<OfferDto>(ws, 'offer');
    expect(await ws.emitWithAck('presence:set', { status: 'available' })).toMatchObject({ ok: true });
    const visitor = await chatSocket(b.url, { name: 'Via standby' });
    const ack = await visitor.socket.emitWithAck('message', { clientId: '1', body: 'routed by the leader' });
    const offer = await offerP;
    expect(offer.conversationId).toBe((ack as { conversationId: string }).conversationId);
    // Accepting on the standby works; the capacity is held in Postgres for every engine to see.
    expect(await ws.emitWithAck('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    await a.hub.routing.idle();
    expect(await a.hub.routing.agentSelf(agent.id)).toMatchObject({ used: 34 });
    ws.close();
    visitor.socket.close();
  });

  it('when the leader loses Redis, the standby takes over within the lease and routes new work', async () => {
    const admin = await adminClient(b.url);
    const agent = await createAgent(b.url, admin, { name: 'After takeover' });
    const ws = await agentSocket(b.url, agent.client);
    await ws.emitWithAck('presence:set', { status: 'available' });

    a.hub.redis.disconnect(); // the leader can no longer renew its lease
    await eventually(async () => b.hub.routing.isActive, 10_000, 'standby to take over');
    await eventually(async () => !a.hub.routing.isActive, 10_000, 'old leader to step down');

    const offerP = nextEvent<OfferDto>(ws, 'offer');
    const visitor = await chatSocket(b.url, { name: 'After failover' });
    const ack = await visitor.socket.emitWithAck('message', { clientId: '1', body: 'still answered' });
    expect((await offerP).conversationId).toBe((ack as { conversationId: string }).conversationId);
    ws.close();
    visitor.socket.close();
  });
});
