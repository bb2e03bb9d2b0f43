import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, createAgent, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';

const iso = isolate('routing_admin');
let running: RunningHub;
let admin: Client;

beforeAll(async () => {
  running = await startHub(testConfig(iso));
  admin = await adminClient(running.url);
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

interface QueueOut {
  id: string;
  name: string;
  channel: string;
  requirement: unknown;
  strategy: string;
  escalation: unknown[];
  serviceLevel: { targetFraction: number; thresholdSeconds: number };
  isDefault: boolean;
}

describe('routing admin API', () => {
  it('lists the four default queues with their service-level targets', async () => {
    const res = await admin.json<{ queues: QueueOut[] }>('GET', '/api/queues');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.queues.map((q) => [q.name, q]));
    expect(Object.keys(byName).sort()).toEqual(['email', 'sms', 'voice', 'webchat']);
    expect(byName['webchat']).toMatchObject({ isDefault: true, requirement: null, serviceLevel: { targetFraction: 0.8, thresholdSeconds: 20 } });
    expect(byName['email']!.serviceLevel.thresholdSeconds).toBe(3600);
  });

  it('creates a queue with a skill expression and escalation, audited, and updates it without restart', async () => {
    // Skills a queue names must exist on some agent.
    await createAgent(running.url, admin, { name: 'Billing FA', skills: [{ skill: 'lang.fa', level: 8 }, { skill: 'billing', level: 7 }, { skill: 'sales', level: 3 }] });
    const res = await admin.json<{ queue: QueueOut }>('POST', '/api/queues', {
      name: 'persian-billing',
      channel: 'webchat',
      requirement: { all: [{ skill: 'lang.fa', minLevel: 5 }, { any: [{ skill: 'billing', minLevel: 6 }, { skill: 'sales' }] }] },
      strategy: 'most-proficient',
      escalation: [{ afterSeconds: 30, lowerMinLevelBy: 2 }],
    });
    expect(res.status).toBe(201);
    expect(res.body.queue).toMatchObject({ name: 'persian-billing', strategy: 'most-proficient', escalation: [{ afterSeconds: 30, lowerMinLevelBy: 2 }] });

    const patched = await admin.json<{ queue: QueueOut }>('PATCH', `/api/queues/${res.body.queue.id}`, { strategy: 'least-occupied', serviceLevel: { targetFraction: 0.9, thresholdSeconds: 30 } });
    expect(patched.status).toBe(200);
    expect(patched.body.queue).toMatchObject({ strategy: 'least-occupied', serviceLevel: { targetFraction: 0.9, thresholdSeconds: 30 } });

    const audits = await running.hub.db.selectFrom('audit_log').select('action').where('subject_id', '=', res.body.queue.id).orderBy('id').execute();
    expect(audits.map((a) => a.action)).toEqual(['queue.create', 'queue.update']);
  });

  it('rejects bad configuration with a message naming the field', async () => {
    const empty = await admin.json<{ error: { message: string; details: { path: string }[] } }>('POST', '/api/queues', { name: 'bad', channel: 'webchat', requirement: { all: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.map((d) => d.path).join(' ')).toContain('body.requirement');

    const level = await admin.json<{ error: { message: string } }>('POST', '/api/queues', { name: 'bad2', channel: 'sms', requirement: { skill: 'fa', minLevel: 11 } });
    expect(level.status).toBe(400);

    const channel = await admin.json<{ error: { details: { path: string }[] } }>('POST', '/api/queues', { name: 'bad3', channel: 'fax' });
    expect(channel.body.error.details.map((d) => d.path)).toContain('body.channel');

    const unknown = await admin.json<{ error: { message: string; details: { path: string }[] } }>('POST', '/api/queues', { name: 'bad4', channel: 'webchat', requirement: { skill: 'klingon' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0]!.path).toBe('body.requirement.skill');
    expect(unknown.body.error.message).toContain('klingon');

    // Overflow chains may not loop: q1 → q2 → q1 is refused, naming the cycle.
    const q1 = await admin.json<{ queue: { id: string } }>('POST', '/api/queues', { name: 'loop-1', channel: 'sms' });
    const q2 = await admin.json<{ queue: { id: string } }>('POST', '/api/queues', { name: 'loop-2', channel: 'sms', escalation: [{ afterSeconds: 60, overflowToQueueId: q1.body.queue.id }] });
    expect(q2.status).toBe(201);
    const cycle = await admin.json<{ error: { message: string; details: { path: string }[] } }>('PATCH', `/api/queues/${q1.body.queue.id}`, {
      escalation: [{ afterSeconds: 60, overflowToQueueId: q2.body.queue.id }],
    });
    expect(cycle.status).toBe(400);
    // The cycle is reported where the validator closes it: here on the other queue, by name.
    expect(cycle.body.error.message).toMatch(/loop-2.*overflow cycle/);

    const dup = await admin.json<{ error: { code: string } }>('POST', '/api/queues', { name: 'webchat', channel: 'webchat' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('name_taken');
  });

  it('only admins change queues and skills; skill changes are audited and applied', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Skilled', skills: [{ skill: 'fa', level: 3 }] });
    expect((await agent.client.json('POST', '/api/queues', { name: 'mine', channel: 'webchat' })).status).toBe(403);
    expect((await agent.client.json('PUT', `/api/users/${agent.id}/skills`, { skills: [] })).status).toBe(403);

    const res = await admin.json<{ skills: unknown[] }>('PUT', `/api/users/${agent.id}/skills`, { skills: [{ skill: 'fa', level: 9 }, { skill: 'billing', level: 4 }] });
    expect(res.status).toBe(200);
    const rows = await running.hub.db.selectFrom('agent_skills').select(['skill', 'level']).where('user_id', '=', agent.id).orderBy('skill').execute();
    expect(rows).toEqual([
      { skill: 'billing', level: 4 },
      { skill: 'fa', level: 9 },
    ]);
    const twice = await admin.json('PUT', `/api/users/${agent.id}/skills`, { skills: [{ skill: 'fa', level: 1 }, { skill: 'fa', level: 2 }] });
    expect(twice.status).toBe(400);

    const cap = await admin.json<{ capacity: number }>('PATCH', `/api/users/${agent.id}/agent`, { capacity: 200 });
    expect(cap.body.capacity).toBe(200);
    expect(await running.hub.routing.agentSelf(agent.id)).toMatchObject({ capacity: 200 });
  });
});

describe('supervisor figures', () => {
  it('/metrics shows a waiting task, then the answer and the service level, per queue', async () => {
    const { chatSocket, agentSocket, nextEvent } = await import('../helpers/hub.js');
    const visitor = await chatSocket(running.url, { name: 'Counted' });
    await visitor.socket.emitWithAck('message', { clientId: '1', body: 'count me' });
    await running.hub.routing.idle();
    const scrape = async () => (await fetch(`${running.url}/metrics`)).text();
    expect(await scrape()).toMatch(/pasokh_queue_waiting\{queue="webchat",channel="webchat"\} 1/);

    const agent = await createAgent(running.url, admin, { name: 'Answerer' });
    const ws = await agentSocket(running.url, agent.client);
    const offerP = nextEvent<{ offerId: string }>(ws, 'offer');
    await ws.emitWithAck('presence:set', { status: 'available' });
    await ws.emitWithAck('offer:accept', { offerId: (await offerP).offerId });

    const text = await scrape();
    expect(text).toMatch(/pasokh_queue_waiting\{queue="webchat",channel="webchat"\} 0/);
    expect(text).toMatch(/pasokh_queue_service_level_today\{queue="webchat",channel="webchat"\} 1/);
    expect(text).toMatch(/pasokh_agents\{status="available"\} 1/);
    ws.close();
    visitor.socket.close();
  });
});
