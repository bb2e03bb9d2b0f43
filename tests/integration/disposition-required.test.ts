import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, OfferDto } from '../../src/contracts/index.js';
import { adminClient, agentSocket, chatSocket, createAgent, isolate, nextEvent, startHub, testConfig, type AgentSocket, type ChatSocket, type Client, type RunningHub } from '../helpers/hub.js';

// "A disposition is required to close": a center-wide switch. A person closing
// through the API without a code is refused (400 naming body.dispositionCode);
// the hub's own closes (a caller hanging up, the dialer) are never blocked.

const iso = isolate('dispo_req');
let running: RunningHub;
let admin: Client;
let agent: Awaited<ReturnType<typeof createAgent>>;
let ws: AgentSocket;
const visitors: ChatSocket[] = [];

beforeAll(async () => {
  running = await startHub(testConfig(iso));
  admin = await adminClient(running.url);
  agent = await createAgent(running.url, admin, { name: 'Closer' });
  ws = await agentSocket(running.url, agent.client);
  await ws.emitWithAck('presence:set', { status: 'available' });
});

afterAll(async () => {
  ws?.close();
  for (const v of visitors) v.close();
  await running?.stop();
  await iso.cleanup();
});

type Failure = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

let n = 0;
/** A new visitor writes and the agent accepts: an open, assigned web chat. */
async function assignedChat(): Promise<string> {
  const visitor = await chatSocket(running.url, { name: `Visitor ${++n}` });
  visitors.push(visitor.socket);
  const offerP = nextEvent<OfferDto>(ws, 'offer');
  await visitor.socket.emitWithAck('message', { clientId: `m-${n}`, body: 'hello' });
  const accepted = await ws.emitWithAck('offer:accept', { offerId: (await offerP).offerId });
  return (accepted as { conversation: ConversationDto }).conversation.id;
}

const status = async (id: string) => (await running.hub.db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('disposition required (center-wide)', () => {
  it('is off on a fresh install: a close without a code goes through', async () => {
    expect((await agent.client.json('GET', '/api/desk/settings')).body).toEqual({ dispositionRequired: false });
    const id = await assignedChat();
    expect((await agent.client.json('POST', `/api/conversations/${id}/close`)).status).toBe(200);
    expect(await status(id)).toBe('closed');
  });

  it('only admins change it, and only once there is an active code to choose', async () => {
    expect((await agent.client.json('PUT', '/api/desk/settings', { dispositionRequired: true })).status).toBe(403);
    const bad = await admin.json<Failure>('PUT', '/api/desk/settings', { dispositionRequired: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.map((d) => d.path)).toEqual(['body.dispositionRequired']);
    const none = await admin.json<Failure>('PUT', '/api/desk/settings', { dispositionRequired: true });
    expect(none.status).toBe(400);
    expect(none.body.error.details).toEqual([{ path: 'body.dispositionRequired', message: expect.stringContaining('active disposition code') }]);

    expect((await admin.json('POST', '/api/dispositions', { code: 'sold', labelEn: 'Sold', labelFa: 'فروش' })).status).toBe(201);
    expect(await admin.json('PUT', '/api/desk/settings', { dispositionRequired: true })).toEqual({ status: 200, body: { dispositionRequired: true } });
    const audited = await running.hub.db.selectFrom('audit_log').select('data').where('action', '=', 'desk.settings').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audited.data).toEqual({ dispositionRequired: true });
  });

  it('then a close without a code is refused, naming the field, and nothing changes', async () => {
    const id = await assignedChat();
    const refused = await agent.client.json<Failure>('POST', `/api/conversations/${id}/close`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('disposition_required');
    expect(refused.body.error.details).toEqual([{ path: 'body.dispositionCode', message: expect.stringContaining('requires one') }]);
    expect(await status(id)).toBe('open');
    // A supervisor or admin closing it is a person too.
    expect((await admin.json<Failure>('POST', `/api/conversations/${id}/close`, {})).status).toBe(400);

    const closed = await agent.client.json<{ conversation: ConversationDto }>('POST', `/api/conversations/${id}/close`, { dispositionCode: 'sold' });
    expect(closed.status).toBe(200);
    expect(closed.body.conversation.status).toBe('closed');
    const desk = await agent.client.json<{ wrapUp: { dispositionCode: string } }>('GET', `/api/conversations/${id}/desk`);
    expect(desk.body.wrapUp.dispositionCode).toBe('sold');
  });

  it('a wrap-up recorded before the close (during a call) satisfies it', async () => {
    const id = await assignedChat();
    expect((await agent.client.json('PUT', `/api/conversations/${id}/wrap-up`, { dispositionCode: 'sold' })).status).toBe(200);
    expect((await agent.client.json('POST', `/api/conversations/${id}/close`)).status).toBe(200);
    expect(await status(id)).toBe('closed');
  });

  it('the hub’s own close (a caller hanging up, the dialer) is never blocked; the agent records the outcome afterwards', async () => {
    const id = await assignedChat();
    // What the voice channel and the dialer call when the call ends.
    expect(await running.hub.routing.closeConversation(id)).toBe(true);
    expect(await status(id)).toBe('closed');
    // The console's close after the fact (the call already ended it) is not refused either: nothing is being closed.
    expect((await agent.client.json('POST', `/api/conversations/${id}/close`)).status).toBe(200);
    expect((await agent.client.json('PUT', `/api/conversations/${id}/wrap-up`, { dispositionCode: 'sold' })).status).toBe(200);
  });

  it('with every code retired nothing could satisfy it, so closes go through again', async () => {
    const codes = await admin.json<{ dispositions: { id: string }[] }>('GET', '/api/dispositions');
    for (const d of codes.body.dispositions) expect((await admin.json('PATCH', `/api/dispositions/${d.id}`, { active: false })).status).toBe(200);
    const id = await assignedChat();
    expect((await agent.client.json('POST', `/api/conversations/${id}/close`)).status).toBe(200);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${running.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { summary?: string }>> };
    expect(doc.paths['/api/desk/settings']?.['put']?.summary).toContain('dispositionRequired');
    expect(doc.paths['/api/conversations/{id}/close']?.['post']?.summary).toContain('disposition_required');
  });
});
