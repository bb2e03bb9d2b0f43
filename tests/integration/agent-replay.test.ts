import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAuth, AgentEventMeta, ConversationDto, MessageDto, OfferDto } from '../../src/contracts/index.js';
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

const iso = isolate('agent_replay');
const config = testConfig(iso);
let running: RunningHub;
let admin: Client;

beforeAll(async () => {
  running = await startHub(config);
  admin = await adminClient(running.url);
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

interface Received {
  event: string;
  payload: unknown;
  seq: number | undefined;
}

/** An agent socket that records every event with its seq, from the first packet on. */
async function recordingSocket(url: string, client: Client, auth: AgentAuth = {}): Promise<{ socket: AgentSocket; got: Received[]; sync: Promise<{ seq: number; resync: boolean; replayed: number }> }> {
  const socket: AgentSocket = connect(`${url}/agent`, { transports: ['websocket'], extraHeaders: { cookie: client.cookie }, auth: { ...auth }, forceNew: true, reconnection: false });
  const got: Received[] = [];
  socket.onAny((event: string, ...args: unknown[]) => {
    const meta = args.length > 1 ? (args.at(-1) as AgentEventMeta) : undefined;
    got.push({ event, payload: args[0], seq: meta?.seq });
  });
  const sync = nextEvent<{ seq: number; resync: boolean; replayed: number }>(socket, 'events:sync');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, got, sync };
}

const headOf = async (agentId: string) => Number((await running.hub.redis.get(`${config.redisPrefix}:agent-events:${agentId}:seq`)) ?? 0);

describe('agent events replay by sequence number', () => {
  it('a gap older than the log keeps, or a log that was lost, asks the console to resync', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Gap Agent' });
    const ws = await agentSocket(running.url, agent.client);
    await ws.emitWithAck('presence:set', { status: 'available' });
    const visitor = await chatSocket(running.url, { name: 'Gap visitor' });
    const offerP = nextEvent<OfferDto>(ws, 'offer');
    await visitor.socket.emitWithAck('message', { clientId: 'g-1', body: 'hi' });
    const offer = await offerP;
    await ws.emitWithAck('offer:accept', { offerId: offer.offerId });
    ws.close();
    for (let i = 2; i <= 5; i++) await visitor.socket.emitWithAck('message', { clientId: `g-${i}`, body: `message ${i}` });
    await eventually(async () => (await headOf(agent.id)) >= 6, 10_000, 'six logged events');
    const head = await headOf(agent.id);

    // Retention dropped the oldest entries (as MAXLEN trimming does for a long absence).
    await running.hub.redis.xtrim(`${config.redisPrefix}:agent-events:${agent.id}:log`, 'MAXLEN', 2);
    const stale = await recordingSocket(running.url, agent.client, { lastSeq: 1 });
    expect(await stale.sync).toEqual({ seq: head, resync: true, replayed: 0 });
    expect(stale.got.filter((g) => g.seq !== undefined)).toEqual([]);
    stale.socket.close();

    // Within what is kept: replayed normally.
    const recent = await recordingSocket(running.url, agent.client, { lastSeq: head - 1 });
    expect(await recent.sync).toMatchObject({ resync: false, replayed: 1 });
    recent.socket.close();

    // A console ahead of the hub (the log was flushed) is told to resync too.
    const ahead = await recordingSocket(running.url, agent.client, { lastSeq: head + 100 });
    expect(await ahead.sync).toEqual({ seq: head, resync: true, replayed: 0 });
    ahead.socket.close();
    visitor.socket.close();
  });

  it('a reconnecting console gets exactly the events it missed, in order, once — also across a hub restart (runs last: it restarts the hub)', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Replay Agent' });
    const first = await recordingSocket(running.url, agent.client);
    // A fresh console is told where the log stands, with nothing replayed.
    expect(await first.sync).toEqual({ seq: 0, resync: false, replayed: 0 });
    await first.socket.emitWithAck('presence:set', { status: 'available' });

    const visitor = await chatSocket(running.url, { name: 'Nima' });
    const offerP = nextEvent<OfferDto>(first.socket, 'offer');
    await visitor.socket.emitWithAck('message', { clientId: 'v-1', body: 'hello' });
    const offer = await offerP;
    const accepted = await first.socket.emitWithAck('offer:accept', { offerId: offer.offerId });
    const conversation = (accepted as { conversation: ConversationDto }).conversation;
    await eventually(async () => first.got.some((g) => g.event === 'conversation:assigned'));
    const liveSeqs = first.got.filter((g) => g.seq !== undefined).map((g) => g.seq);
    // Live events already carry consecutive seqs, starting at 1.
    expect(liveSeqs).toEqual(liveSeqs.map((_, i) => i + 1));
    const lastSeq = liveSeqs.at(-1)!;
    first.socket.close();

    // While the console is away: two customer messages and an agent reply that the outbox marks sent.
    await visitor.socket.emitWithAck('message', { clientId: 'v-2', body: 'are you there?' });
    await visitor.socket.emitWithAck('message', { clientId: 'v-3', body: 'my order is 42' });
    const reply = await agent.client.json<{ message: MessageDto }>('POST', `/api/conversations/${conversation.id}/messages`, { body: 'Looking now.' });
    expect(reply.status).toBe(201);
    await eventually(async () => (await headOf(agent.id)) >= lastSeq + 4, 10_000, 'four logged events');

    const back = await recordingSocket(running.url, agent.client, { lastSeq });
    const sync = await back.sync;
    expect(sync).toEqual({ seq: lastSeq + 4, resync: false, replayed: 4 });
    const replayed = back.got.filter((g) => g.seq !== undefined);
    expect(replayed.map((g) => [g.seq, g.event])).toEqual([
      [lastSeq + 1, 'conversation:message'],
      [lastSeq + 2, 'conversation:message'],
      [lastSeq + 3, 'conversation:message'],
      [lastSeq + 4, 'message:status'],
    ]);
    // Payloads keep their usual fields.
    expect((replayed[0]!.payload as MessageDto).body).toBe('are you there?');
    expect((replayed[1]!.payload as MessageDto).body).toBe('my order is 42');
    expect(replayed[2]!.payload).toMatchObject({ body: 'Looking now.', from: 'agent', conversationId: conversation.id });
    expect(replayed[3]!.payload).toMatchObject({ id: reply.body.message.id, conversationId: conversation.id, status: 'sent' });
    // The replay comes before the hub's usual "hello" (presence), so history is applied first.
    await eventually(async () => back.got.some((g) => g.event === 'presence'));
    expect(back.got.findIndex((g) => g.event === 'events:sync')).toBeLessThan(back.got.findIndex((g) => g.event === 'presence'));
    back.socket.close();
    visitor.socket.close();

    // The hub restarts while the console is away; the log lives in Redis.
    await running.stop();
    running = await startHub(config);
    const visitorAgain = await chatSocket(running.url, { visitorToken: visitor.session.visitorToken, lastSeq: 4 });
    await visitorAgain.socket.emitWithAck('message', { clientId: 'v-4', body: 'after restart' });
    await eventually(async () => (await headOf(agent.id)) >= lastSeq + 5, 10_000, 'the post-restart event');

    const afterRestart = await recordingSocket(running.url, agent.client, { lastSeq: lastSeq + 4 });
    expect(await afterRestart.sync).toEqual({ seq: lastSeq + 5, resync: false, replayed: 1 });
    const again = afterRestart.got.filter((g) => g.seq !== undefined);
    expect(again.map((g) => [g.seq, g.event, (g.payload as MessageDto).body])).toEqual([[lastSeq + 5, 'conversation:message', 'after restart']]);

    // Live after the replay: the next event continues the sequence.
    const liveP = nextEvent<MessageDto>(afterRestart.socket, 'conversation:message');
    await visitorAgain.socket.emitWithAck('message', { clientId: 'v-5', body: 'live again' });
    expect((await liveP).body).toBe('live again');
    await eventually(async () => afterRestart.got.some((g) => g.seq === lastSeq + 6));
    afterRestart.socket.close();
    visitorAgain.socket.close();
  });
});
