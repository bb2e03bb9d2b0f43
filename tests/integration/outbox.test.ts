import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentSendError, type ChannelAdapter, type OutboundMessage } from '../../src/channels/types.js';
import type { ChatMessageDto, MessageDto } from '../../src/contracts/index.js';
import { storeReply } from '../../src/conversations/reply.js';
import { adminClient, chatSocket, eventually, isolate, nextEvent, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';

/** A stand-in SMS provider whose behaviour each test scripts; it records every send. */
class ScriptedSms implements ChannelAdapter {
  readonly channel = 'sms' as const;
  sent: OutboundMessage[] = [];
  script: (m: OutboundMessage, attempt: number) => void = () => undefined;
  private attempts = new Map<string, number>();

  async send(m: OutboundMessage) {
    const attempt = (this.attempts.get(m.messageId) ?? 0) + 1;
    this.attempts.set(m.messageId, attempt);
    this.script(m, attempt);
    this.sent.push(m);
    return { status: 'sent' as const, externalId: `SM${m.messageId.replace(/-/g, '')}` };
  }

  attemptsFor(id: string) {
    return this.attempts.get(id) ?? 0;
  }
}

const iso = isolate('outbox');
const sms = new ScriptedSms();
let running: RunningHub;
let admin: Client;

beforeAll(async () => {
  running = await startHub(testConfig(iso), { adapters: [sms], outbox: { backoffMs: 20, sweepAfterMs: 100, sweepEveryMs: 100 } });
  admin = await adminClient(running.url);
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

async function smsConversation(from: string): Promise<string> {
  const r = await running.hub.ingest.ingest({ channel: 'sms', externalId: `SM-in-${from}-${Date.now()}`, identities: [{ kind: 'phone', value: from }], body: 'hello' });
  return r.conversationId;
}

async function messageStatus(id: string) {
  return running.hub.db.selectFrom('messages').select(['status', 'status_reason']).where('id', '=', id).executeTakeFirstOrThrow();
}

describe('outbox', () => {
  it('a transient provider error is retried with backoff and the message is sent exactly once', async () => {
    const conversationId = await smsConversation('+989121110001');
    sms.script = (_m, attempt) => {
      if (attempt < 3) throw new Error('provider timeout');
    };
    const res = await admin.json<{ message: MessageDto }>('POST', `/api/conversations/${conversationId}/messages`, { body: 'retry me' });
    expect(res.status).toBe(201);
    const id = res.body.message.id;
    await eventually(async () => (await messageStatus(id)).status === 'sent', 10_000, 'message sent');
    expect(sms.attemptsFor(id)).toBe(3);
    expect(sms.sent.filter((m) => m.messageId === id)).toHaveLength(1);
    const row = await running.hub.db.selectFrom('messages').select('external_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.external_id).toMatch(/^SM/);
  });

  it('a permanent failure is not retried and shows on the timeline with its reason', async () => {
    const conversationId = await smsConversation('+989121110002');
    sms.script = () => {
      throw new PermanentSendError('the customer opted out of SMS');
    };
    const res = await admin.json<{ message: MessageDto }>('POST', `/api/conversations/${conversationId}/messages`, { body: 'will fail' });
    const id = res.body.message.id;
    await eventually(async () => (await messageStatus(id)).status === 'failed', 10_000, 'message failed');
    expect(await messageStatus(id)).toEqual({ status: 'failed', status_reason: 'the customer opted out of SMS' });
    expect(sms.attemptsFor(id)).toBe(1);
    const timeline = await admin.json<{ conversations: { messages: MessageDto[] }[] }>('GET', `/api/conversations/${conversationId}`);
    expect(timeline.status).toBe(200);
    sms.script = () => undefined;
  });

  it('a reply whose job never reached Redis is found by the sweeper and delivered', async () => {
    const { socket } = await chatSocket(running.url, { name: 'Swept' });
    const ack = await socket.emitWithAck('message', { clientId: '1', body: 'hi' });
    const { conversationId } = ack as { conversationId: string };
    const adminUser = await running.hub.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow();
    const gotIt = nextEvent<ChatMessageDto>(socket, 'message');
    // Stored with its outbox row, as the API does, but never enqueued (as if Redis were down).
    const stored = await storeReply(running.hub.db, conversationId, adminUser.id, 'found by the sweeper');
    expect((await gotIt).body).toBe('found by the sweeper');
    await eventually(async () => (await messageStatus(stored.message.id)).status === 'sent');
    socket.close();
  });
});
