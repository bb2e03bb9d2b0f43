import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferDto } from '../../src/contracts/index.js';
import { takeLease } from '../../src/routing/runtime/store.js';
import { adminClient, agentSocket, chatSocket, createAgent, eventually, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';

// Two hubs share one database and Redis prefix, as two processes behind a load balancer would.
// Each runs its own routing runtime; Postgres alone must keep offers single and capacity whole.
const iso = isolate('lease_race');
let a: RunningHub;
let b: RunningHub;
let admin: Client;

beforeAll(async () => {
  // Both route at once (no leader lease): the database alone must keep them apart.
  a = await startHub(testConfig(iso), { routingMode: 'always' });
  b = await startHub(testConfig(iso), { routingMode: 'always' });
  admin = await adminClient(a.url);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await iso.cleanup();
});

const why = { rule: 'test', candidates: 1, ranked: [], summary: 'test' };

describe('offer leases under concurrency', () => {
  it('ten concurrent leases for one task: exactly one wins', async () => {
    const agents = await Promise.all(Array.from({ length: 10 }, (_, i) => createAgent(a.url, admin, { name: `Racer ${i}` })));
    await a.hub.db.updateTable('agent_state').set({ status: 'available' }).where('user_id', 'in', agents.map((x) => x.id)).execute();
    const visitor = await chatSocket(b.url, { name: 'Contested' });
    // Park the task where neither runtime offers it (nobody is connected), then race raw leases.
    const ack = await visitor.socket.emitWithAck('message', { clientId: '1', body: 'one task' });
    const task = await a.hub.db.selectFrom('routing_tasks').select('id').where('conversation_id', '=', (ack as { conversationId: string }).conversationId).executeTakeFirstOrThrow();
    const results = await Promise.all(agents.map((ag) => takeLease(a.hub.db, task.id, ag.id, 34, 20_000, why)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const pending = await a.hub.db.selectFrom('offers').select('agent_id').where('task_id', '=', task.id).where('status', '=', 'pending').execute();
    expect(pending).toHaveLength(1);
    const used = await a.hub.db.selectFrom('agent_state').select(['user_id', 'used']).where('user_id', 'in', agents.map((x) => x.id)).execute();
    expect(used.filter((u) => u.used > 0).map((u) => u.user_id)).toEqual([pending[0]!.agent_id]);
    await a.hub.db.updateTable('agent_state').set({ status: 'offline' }).where('user_id', 'in', agents.map((x) => x.id)).execute();
    visitor.socket.close();
  });

  it('two runtimes racing never offer one task twice nor fill an agent past capacity', async () => {
    const agent = await createAgent(a.url, admin, { name: 'Contended' });
    const ws = await agentSocket(a.url, agent.client);
    const offers: OfferDto[] = [];
    ws.on('offer', (o) => offers.push(o));
    await ws.emitWithAck('presence:set', { status: 'available' });

    const visitors = await Promise.all(Array.from({ length: 8 }, (_, i) => chatSocket(i % 2 ? a.url : b.url, { name: `Crowd ${i}` })));
    await Promise.all(visitors.map((v, i) => v.socket.emitWithAck('message', { clientId: 'm', body: `crowd ${i}` })));
    // Both runtimes see every task (one directly, one through its resync) and try to offer.
    await eventually(async () => offers.length >= 2);
    await Promise.all([a.hub.routing.idle(), b.hub.routing.idle()]);
    await eventually(async () => {
      const counts = await a.hub.db.selectFrom('routing_tasks').select('status').execute();
      return counts.filter((c) => c.status === 'waiting').length === 6;
    });

    const state = await a.hub.db.selectFrom('agent_state').select(['used', 'capacity']).where('user_id', '=', agent.id).executeTakeFirstOrThrow();
    expect(state.used).toBe(68);
    expect(offers).toHaveLength(2);
    expect(new Set(offers.map((o) => o.taskId)).size).toBe(2);
    const live = await a.hub.db.selectFrom('offers').select('task_id').where('status', '=', 'pending').where('agent_id', '=', agent.id).execute();
    expect(live.map((l) => l.task_id).sort()).toEqual(offers.map((o) => o.taskId).sort());
    ws.close();
    for (const v of visitors) v.socket.close();
  });
});
