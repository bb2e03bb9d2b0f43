import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEventMeta, ConversationDto, OfferDto } from '../../src/contracts/index.js';
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
  type ChatSocket,
  type Client,
  type RunningHub,
} from '../helpers/hub.js';

// However a conversation ends, the console that lists it must hear of it:
// before this, only a close through the agent's own console button updated the
// inbox, and a close by the API, a supervisor or the hub itself left it listed.

const iso = isolate('closed_notice');
const config = testConfig(iso);
let running: RunningHub;
let admin: Client;
let supervisor: Client;
const sockets: { close(): unknown }[] = [];

beforeAll(async () => {
  running = await startHub(config);
  admin = await adminClient(running.url);
  supervisor = (await createAgent(running.url, admin, { name: 'Shirin Supervisor', role: 'supervisor' })).client;
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await running?.stop();
  await iso.cleanup();
});

/** An agent with a console open and available, holding one web chat. */
async function agentHoldingChat(name: string): Promise<{ agent: Awaited<ReturnType<typeof createAgent>>; ws: AgentSocket; conversationId: string; visitor: ChatSocket }> {
  const agent = await createAgent(running.url, admin, { name });
  const ws = await agentSocket(running.url, agent.client);
  sockets.push(ws);
  await ws.emitWithAck('presence:set', { status: 'available' });
  const offerP = nextEvent<OfferDto>(ws, 'offer');
  const visitor = await chatSocket(running.url, { name: `${name}'s customer` });
  sockets.push(visitor.socket);
  await visitor.socket.emitWithAck('message', { clientId: 'c-1', body: 'hello' });
  const offer = await offerP;
  const accepted = await ws.emitWithAck('offer:accept', { offerId: offer.offerId });
  if (!accepted.ok) throw new Error(`accept failed: ${accepted.error.message}`);
  // Away: the next test's chat must go to its own agent.
  await ws.emitWithAck('presence:set', { status: 'away' });
  return { agent, ws, conversationId: offer.conversationId, visitor: visitor.socket };
}

/** Resolves with the `conversation:closed` for that conversation and the seq it was logged under. */
function closedNotice(ws: AgentSocket, conversationId: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no conversation:closed for ${conversationId} within 10 s`)), 10_000);
    ws.on('conversation:closed', (payload, meta?: AgentEventMeta) => {
      if (payload.conversationId !== conversationId) return;
      clearTimeout(timer);
      resolve(meta?.seq);
    });
  });
}

const inbox = async (client: Client) => (await client.json<{ conversations: ConversationDto[] }>('GET', '/api/conversations?mine=1')).body.conversations.map((c) => c.id);

describe('a closed conversation leaves the holder’s inbox, whoever closed it', () => {
  it('closed through the API with the agent’s own session (another tab, a script): the console is told, with a seq', async () => {
    const { agent, ws, conversationId } = await agentHoldingChat('Arash');
    const notice = closedNotice(ws, conversationId);
    expect((await agent.client.json('POST', `/api/conversations/${conversationId}/close`)).status).toBe(200);
    expect(await notice).toBeGreaterThan(0);
    expect(await inbox(agent.client)).not.toContain(conversationId);
  });

  it('closed by a supervisor: the holder’s console is told', async () => {
    const { ws, conversationId } = await agentHoldingChat('Bahar');
    const notice = closedNotice(ws, conversationId);
    expect((await supervisor.json('POST', `/api/conversations/${conversationId}/close`)).status).toBe(200);
    expect(await notice).toBeGreaterThan(0);
  });

  it('closed by the hub itself (the path a hang-up or the dialer takes): the holder’s console is told, and the chat widget too', async () => {
    const { ws, conversationId, visitor } = await agentHoldingChat('Cyrus');
    const notice = closedNotice(ws, conversationId);
    const widget = nextEvent<{ conversationId: string }>(visitor, 'conversation:closed');
    expect(await running.hub.closeConversation(conversationId)).toBe(true);
    expect(await notice).toBeGreaterThan(0);
    expect((await widget).conversationId).toBe(conversationId);
    // A repeated close (both legs of a call hanging up) changes nothing and says nothing more.
    expect(await running.hub.closeConversation(conversationId)).toBe(false);
  });

  it('a person’s close is audited once, with who closed; a repeat or the hub’s own close adds no entry', async () => {
    const closes = (conversationId: string) =>
      running.hub.db.selectFrom('audit_log').select(['actor_user_id', 'subject_type']).where('action', '=', 'conversation.close').where('subject_id', '=', conversationId).execute();
    const { agent, conversationId } = await agentHoldingChat('Azar');
    expect((await agent.client.json('POST', `/api/conversations/${conversationId}/close`)).status).toBe(200);
    expect((await supervisor.json('POST', `/api/conversations/${conversationId}/close`)).status).toBe(200);
    expect(await closes(conversationId)).toEqual([{ actor_user_id: agent.id, subject_type: 'conversation' }]);

    const byHub = await agentHoldingChat('Babak');
    expect(await running.hub.closeConversation(byHub.conversationId)).toBe(true);
    expect(await closes(byHub.conversationId)).toEqual([]);
  });

  it('a console that was away when it was closed gets the close replayed on reconnect', async () => {
    const { agent, ws, conversationId } = await agentHoldingChat('Dara');
    const head = async () => Number((await running.hub.redis.get(`${config.redisPrefix}:agent-events:${agent.id}:seq`)) ?? 0);
    const lastSeq = await head();
    ws.close();
    expect((await supervisor.json('POST', `/api/conversations/${conversationId}/close`)).status).toBe(200);
    await eventually(async () => (await head()) > lastSeq, 10_000, 'the close logged for the agent');

    const back: AgentSocket = connect(`${running.url}/agent`, { transports: ['websocket'], extraHeaders: { cookie: agent.client.cookie }, auth: { lastSeq }, forceNew: true, reconnection: false });
    sockets.push(back);
    const replayed: { event: string; payload: unknown; seq: number | undefined }[] = [];
    back.onAny((event: string, ...args: unknown[]) => {
      const meta = args.length > 1 ? (args.at(-1) as AgentEventMeta) : undefined;
      replayed.push({ event, payload: args[0], seq: meta?.seq });
    });
    const sync = nextEvent<{ seq: number; resync: boolean; replayed: number }>(back, 'events:sync');
    expect(await sync).toMatchObject({ resync: false });
    expect(replayed.filter((r) => r.seq !== undefined).map((r) => [r.event, r.payload])).toContainEqual(['conversation:closed', { conversationId }]);
  });

  it('closed while still ringing an agent: that agent’s offer is taken back instead of ringing on', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Elham' });
    const ws = await agentSocket(running.url, agent.client);
    sockets.push(ws);
    await ws.emitWithAck('presence:set', { status: 'available' });
    const offerP = nextEvent<OfferDto>(ws, 'offer');
    const visitor = await chatSocket(running.url, { name: 'Gone before answer' });
    sockets.push(visitor.socket);
    await visitor.socket.emitWithAck('message', { clientId: 'r-1', body: 'anyone?' });
    const offer = await offerP;
    const revoked = nextEvent<{ offerId: string; reason: string }>(ws, 'offer:revoked');
    expect((await supervisor.json('POST', `/api/conversations/${offer.conversationId}/close`)).status).toBe(200);
    expect(await revoked).toEqual({ offerId: offer.offerId, reason: 'cancelled' });
    const accept = await ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    expect(accept.ok).toBe(false);
    await ws.emitWithAck('presence:set', { status: 'away' });
  });
});
