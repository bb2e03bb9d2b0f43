import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessageDto, ConversationDto, MessageDto, OfferDto } from '../../src/contracts/index.js';
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
  type Client,
  type RunningHub,
} from '../helpers/hub.js';

const iso = isolate('webchat');
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

describe('web chat, end to end over real Postgres and Redis', () => {
  it('visitor writes, agent is offered, accepts, replies, visitor sees the reply', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Sara' });
    const agentWs = await agentSocket(running.url, agent.client);
    const presence = await agentWs.emitWithAck('presence:set', { status: 'available' });
    expect(presence).toMatchObject({ ok: true, self: { status: 'available' } });

    const { socket: visitor, session } = await chatSocket(running.url, { name: 'Reza', email: 'Reza@Example.com' });
    expect(session.visitorToken).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(session.conversationId).toBeNull();

    const offerP = nextEvent<OfferDto>(agentWs, 'offer');
    const ack = await visitor.emitWithAck('message', { clientId: 'c-1', body: 'سلام، سفارش من کجاست؟' });
    expect(ack).toMatchObject({ ok: true, seq: 1 });

    const offer = await offerP;
    expect(offer.channel).toBe('webchat');
    expect(offer.queue).toBe('webchat');
    expect(offer.customer.name).toBe('Reza');
    expect(offer.customer.unverifiedEmail).toBe('reza@example.com');
    expect(offer.preview).toBe('سلام، سفارش من کجاست؟');
    expect(new Date(offer.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const loadP = nextEvent<{ used: number }>(agentWs, 'presence');
    const accepted = await agentWs.emitWithAck('offer:accept', { offerId: offer.offerId });
    // The console's load indicator follows: one chat is 34 of 100.
    expect((await loadP).used).toBe(34);
    expect(accepted.ok).toBe(true);
    const conversation = (accepted as { conversation: ConversationDto }).conversation;
    expect(conversation.assignedAgentId).toBe(agent.id);

    const replyP = nextEvent<ChatMessageDto>(visitor, 'message');
    const res = await agent.client.json<{ message: MessageDto }>('POST', `/api/conversations/${conversation.id}/messages`, { body: 'Hello Reza, it ships today.' });
    expect(res.status).toBe(201);
    expect(res.body.message.status).toBe('queued');
    const reply = await replyP;
    expect(reply).toMatchObject({ body: 'Hello Reza, it ships today.', from: 'agent', seq: 2 });

    // The agent's view: the whole conversation, and the reply marked sent by the outbox.
    const view = await eventually(async () => {
      const v = await agent.client.json<{ messages: MessageDto[] }>('GET', `/api/conversations/${conversation.id}`);
      return v.body.messages.at(-1)?.status === 'sent' ? v.body : null;
    });
    expect(view.messages.map((m) => [m.from, m.body])).toEqual([
      ['customer', 'سلام، سفارش من کجاست؟'],
      ['agent', 'Hello Reza, it ships today.'],
    ]);

    // A further customer message goes straight to the assigned agent.
    const liveP = nextEvent<MessageDto>(agentWs, 'conversation:message');
    await visitor.emitWithAck('message', { clientId: 'c-2', body: 'Thanks!' });
    expect(await liveP).toMatchObject({ body: 'Thanks!', from: 'customer', conversationId: conversation.id });

    visitor.close();
    agentWs.close();
  });

  it('a repeated clientId is stored once and acknowledged with the same id', async () => {
    const { socket } = await chatSocket(running.url, { name: 'Dup' });
    const first = await socket.emitWithAck('message', { clientId: 'same', body: 'once' });
    const second = await socket.emitWithAck('message', { clientId: 'same', body: 'once' });
    expect(first.ok && second.ok).toBe(true);
    expect(second).toEqual(first);
    const { id } = first as { id: string; conversationId: string };
    const rows = await running.hub.db.selectFrom('messages').select('id').where('conversation_id', '=', (first as { conversationId: string }).conversationId).execute();
    expect(rows.map((r) => r.id)).toEqual([id]);
    socket.close();
  });

  it('reconnecting with the token resumes the conversation and replays only what was missed', async () => {
    const { socket, session } = await chatSocket(running.url, { name: 'Resumer' });
    await socket.emitWithAck('message', { clientId: 'r-1', body: 'first' });
    await socket.emitWithAck('message', { clientId: 'r-2', body: 'second' });
    socket.close();

    const again = await chatSocket(running.url, { visitorToken: session.visitorToken, lastSeq: 1 });
    const replayed = again.received;
    expect(again.session.visitorToken).toBe(session.visitorToken);
    expect(again.session.conversationId).not.toBeNull();
    await eventually(async () => replayed.length >= 1);
    expect(replayed.map((m) => [m.seq, m.body, m.clientId])).toEqual([[2, 'second', 'r-2']]);

    // Re-sending an unacknowledged message with its clientId after reconnect does not duplicate it.
    const resend = await again.socket.emitWithAck('message', { clientId: 'r-2', body: 'second' });
    expect(resend).toMatchObject({ ok: true, seq: 2 });
    again.socket.close();
  });

  it('a visitor cannot reach another visitor’s conversation', async () => {
    const alice = await chatSocket(running.url, { name: 'Alice' });
    await alice.socket.emitWithAck('message', { clientId: 'x', body: 'secret of alice' });
    const mallory = await chatSocket(running.url, { name: 'Mallory' });
    const seen = mallory.received;
    // Same clientId from another visitor is a different message in a different conversation.
    const ack = await mallory.socket.emitWithAck('message', { clientId: 'x', body: 'hello' });
    expect(ack.ok).toBe(true);
    expect((ack as { conversationId: string }).conversationId).not.toBe(alice.session.conversationId);
    expect(seen.some((m) => m.body.includes('alice'))).toBe(false);
    // A made-up token gets a fresh, empty session.
    const forged = await chatSocket(running.url, { visitorToken: 'A'.repeat(43), lastSeq: 0 });
    expect(forged.session.conversationId).toBeNull();
    for (const s of [alice.socket, mallory.socket, forged.socket]) s.close();
  });

  it('malformed visitor payloads get an error acknowledgement and nothing is stored', async () => {
    const { socket } = await chatSocket(running.url);
    const before = await running.hub.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(await socket.emitWithAck('message', { clientId: '', body: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await socket.emitWithAck('message', { clientId: 'ok', body: '   ' })).toMatchObject({ ok: false, error: { message: 'message is empty' } });
    expect(await socket.emitWithAck('message', 'not an object' as never)).toMatchObject({ ok: false });
    expect(await socket.emitWithAck('message', { clientId: 'big', body: 'x'.repeat(5001) })).toMatchObject({ ok: false });
    const after = await running.hub.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // The connection survives bad input.
    expect(socket.connected).toBe(true);
    socket.close();
  });
});
