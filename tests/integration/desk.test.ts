import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessageDto, ConversationDto, NoteDto, OfferDto } from '../../src/contracts/index.js';
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

const iso = isolate('desk');
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

type Issues = { error: { code: string; details?: { path: string; message: string }[] } };
const paths = (body: unknown) => ((body as Issues).error.details ?? []).map((d) => d.path);

/** A visitor writes, the agent accepts: an assigned web-chat conversation. */
async function assignedChat(agentName: string) {
  const agent = await createAgent(running.url, admin, { name: agentName });
  const ws = await agentSocket(running.url, agent.client);
  await ws.emitWithAck('presence:set', { status: 'available' });
  const visitor = await chatSocket(running.url, { name: 'Reza' });
  const offerP = nextEvent<OfferDto>(ws, 'offer');
  await visitor.socket.emitWithAck('message', { clientId: 'c-1', body: 'سلام' });
  const offer = await offerP;
  const accepted = await ws.emitWithAck('offer:accept', { offerId: offer.offerId });
  const conversation = (accepted as { conversation: ConversationDto }).conversation;
  return { agent, ws, visitor, conversation };
}

describe('OpenAPI', () => {
  it('describes the desk endpoints', async () => {
    const doc = (await (await fetch(`${running.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/canned-responses', '/api/dispositions/{id}', '/api/conversations/{id}/notes', '/api/conversations/{id}/tags', '/api/conversations/{id}/wrap-up']));
    expect(JSON.stringify(doc.paths['/api/conversations/{id}/close']?.['post']?.requestBody)).toContain('dispositionCode');
  });
});

describe('canned responses', () => {
  it('admin creates, edits and deletes; bad input names the field; agents only read', async () => {
    const created = await admin.json<{ cannedResponse: { id: string; shortcut: string } }>('POST', '/api/canned-responses', {
      title: 'Greeting',
      shortcut: 'Hello',
      body: 'Hi {{customer.name}}, this is {{agent.name}}.',
      language: 'en',
    });
    expect(created.status).toBe(201);
    expect(created.body.cannedResponse.shortcut).toBe('hello');

    const bad = await admin.json('POST', '/api/canned-responses', { title: '', shortcut: 'bad shortcut!', body: 'Order {{order.id}}', language: 'de' });
    expect(bad.status).toBe(400);
    expect(paths(bad.body).sort()).toEqual(['body.body', 'body.language', 'body.shortcut', 'body.title']);
    expect(JSON.stringify(bad.body)).toContain('{{order.id}}');

    const noQueue = await admin.json('POST', '/api/canned-responses', { title: 'x', shortcut: 'x', body: 'x', language: 'fa', queueId: '00000000-0000-4000-8000-000000000000' });
    expect(noQueue.status).toBe(400);
    expect(paths(noQueue.body)).toEqual(['body.queueId']);

    const dup = await admin.json('POST', '/api/canned-responses', { title: 'Again', shortcut: 'hello', body: 'x', language: 'en' });
    expect(dup.status).toBe(409);
    expect(paths(dup.body)).toEqual(['body.shortcut']);
    // The same shortcut in Persian is a different response.
    const fa = await admin.json('POST', '/api/canned-responses', { title: 'سلام', shortcut: 'hello', body: 'سلام {{customer.name}} عزیز', language: 'fa', channel: 'sms' });
    expect(fa.status).toBe(201);

    const patched = await admin.json<{ cannedResponse: { title: string } }>('PATCH', `/api/canned-responses/${created.body.cannedResponse.id}`, { title: 'Greeting v2' });
    expect(patched.body.cannedResponse.title).toBe('Greeting v2');

    const agent = await createAgent(running.url, admin, { name: 'Reader' });
    expect((await agent.client.json('POST', '/api/canned-responses', { title: 'x', shortcut: 'y', body: 'z', language: 'en' })).status).toBe(403);
    const list = await agent.client.json<{ cannedResponses: { title: string }[] }>('GET', '/api/canned-responses');
    expect(list.body.cannedResponses.map((c) => c.title)).toEqual(['Greeting v2', 'سلام']);

    const audits = await running.hub.db.selectFrom('audit_log').select('action').where('subject_type', '=', 'canned_response').execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['canned_response.create', 'canned_response.create', 'canned_response.update']);

    expect((await admin.request('DELETE', `/api/canned-responses/${created.body.cannedResponse.id}`)).status).toBe(204);
    expect((await admin.request('DELETE', `/api/canned-responses/${created.body.cannedResponse.id}`)).status).toBe(404);
  });
});

describe('private notes, tags and wrap-up on a live web chat', () => {
  it('a note never reaches the customer; the mentioned agent is told; tags filter the list; close needs a valid code', async () => {
    const { agent, ws, visitor, conversation } = await assignedChat('Sara');
    const colleague = await createAgent(running.url, admin, { name: 'زهرا رضایی' });
    const colleagueWs = await agentSocket(running.url, colleague.client);
    const outsider = await createAgent(running.url, admin, { name: 'Outsider' });
    const outboxBefore = await running.hub.db.selectFrom('outbox').select('id').execute();

    // Canned responses scoped to SMS are not offered on a web chat.
    const scoped = await agent.client.json<{ cannedResponses: { shortcut: string; channel: string | null }[] }>('GET', `/api/canned-responses?conversationId=${conversation.id}`);
    const everything = await agent.client.json<{ cannedResponses: { shortcut: string; channel: string | null }[] }>('GET', '/api/canned-responses');
    expect(everything.body.cannedResponses.map((c) => c.channel)).toEqual(['sms']);
    expect(scoped.body.cannedResponses).toEqual([]);

    // Before the mention the colleague may not read this conversation's desk.
    expect((await colleague.client.json('GET', `/api/conversations/${conversation.id}/desk`)).status).toBe(403);

    const mentionP = nextEvent<{ note: NoteDto; authorName: string }>(colleagueWs, 'note:mention');
    const noteRes = await agent.client.json<{ note: NoteDto }>('POST', `/api/conversations/${conversation.id}/notes`, {
      body: 'Customer is upset, @زهرا_رضایی can you check the refund?',
    });
    expect(noteRes.status).toBe(201);
    expect(noteRes.body.note.mentions).toEqual([{ id: colleague.id, name: 'زهرا رضایی' }]);
    const mention = await mentionP;
    expect(mention).toMatchObject({ authorName: 'Sara', note: { id: noteRes.body.note.id, conversationId: conversation.id } });

    // Now the colleague is in: reads the note, and writes one back, which the owner sees live.
    const desk = await colleague.client.json<{ notes: NoteDto[] }>('GET', `/api/conversations/${conversation.id}/desk`);
    expect(desk.status).toBe(200);
    expect(desk.body.notes.map((n) => n.body)).toEqual(['Customer is upset, @زهرا_رضایی can you check the refund?']);
    const liveNoteP = nextEvent<NoteDto>(ws, 'conversation:note');
    await colleague.client.json('POST', `/api/conversations/${conversation.id}/notes`, { body: 'Refund approved.' });
    expect((await liveNoteP).authorName).toBe('زهرا رضایی');
    expect((await outsider.client.json('GET', `/api/conversations/${conversation.id}/desk`)).status).toBe(403);
    expect((await agent.client.json('POST', `/api/conversations/${conversation.id}/notes`, { body: '   ' })).status).toBe(400);

    // A real reply after the notes is the first thing the visitor hears: the notes were never sent.
    const replyP = nextEvent<ChatMessageDto>(visitor.socket, 'message');
    await agent.client.json('POST', `/api/conversations/${conversation.id}/messages`, { body: 'We are on it.' });
    expect((await replyP).body).toBe('We are on it.');
    expect(visitor.received.map((m) => m.body)).toEqual(['We are on it.']);
    const outboxAfter = await running.hub.db.selectFrom('outbox').innerJoin('messages', 'messages.id', 'outbox.message_id').select('messages.body').where('outbox.id', 'not in', outboxBefore.length ? outboxBefore.map((o) => o.id) : ['00000000-0000-4000-8000-000000000000']).execute();
    expect(outboxAfter.map((o) => o.body)).toEqual(['We are on it.']);
    const stored = await running.hub.db.selectFrom('messages').select('body').where('conversation_id', '=', conversation.id).execute();
    expect(stored.map((m) => m.body).sort()).toEqual(['We are on it.', 'سلام']);

    // Tags: normalised, de-duplicated, length-limited, and a list filter.
    const tags = await agent.client.json<{ tags: string[] }>('PUT', `/api/conversations/${conversation.id}/tags`, { tags: ['#Refund', 'refund', 'VIP Customer', 'بازگشت وجه'] });
    expect(tags.body.tags).toEqual(['refund', 'vip-customer', 'بازگشت-وجه']);
    const tooLong = await agent.client.json('PUT', `/api/conversations/${conversation.id}/tags`, { tags: ['ok', 'x'.repeat(40)] });
    expect(tooLong.status).toBe(400);
    expect(paths(tooLong.body)).toEqual(['body.tags.1']);
    const filtered = await agent.client.json<{ conversations: ConversationDto[] }>('GET', '/api/conversations?tag=REFUND');
    expect(filtered.body.conversations.map((c) => c.id)).toEqual([conversation.id]);
    expect((await agent.client.json<{ conversations: ConversationDto[] }>('GET', '/api/conversations?tag=other')).body.conversations).toEqual([]);

    // Dispositions: admin CRUD, agents read; close validates the code before closing.
    expect((await agent.client.json('POST', '/api/dispositions', { code: 'x', labelEn: 'x', labelFa: 'x' })).status).toBe(403);
    const badDisp = await admin.json('POST', '/api/dispositions', { code: 'Has Space', labelEn: '', labelFa: 'x' });
    expect(paths(badDisp.body).sort()).toEqual(['body.code', 'body.labelEn']);
    const resolved = await admin.json<{ disposition: { id: string } }>('POST', '/api/dispositions', { code: 'resolved', labelEn: 'Resolved', labelFa: 'حل شد' });
    expect(resolved.status).toBe(201);
    expect((await admin.json('POST', '/api/dispositions', { code: 'resolved', labelEn: 'Again', labelFa: 'دوباره' })).status).toBe(409);
    const old = await admin.json<{ disposition: { id: string } }>('POST', '/api/dispositions', { code: 'legacy', labelEn: 'Legacy', labelFa: 'قدیمی', active: false });
    const active = await agent.client.json<{ dispositions: { code: string }[] }>('GET', '/api/dispositions?active=1');
    expect(active.body.dispositions.map((d) => d.code)).toEqual(['resolved']);

    for (const [code, message] of [
      ['nope', 'unknown disposition code "nope"'],
      ['legacy', 'disposition code "legacy" is no longer active'],
    ] as const) {
      const refused = await agent.client.json('POST', `/api/conversations/${conversation.id}/close`, { dispositionCode: code });
      expect(refused.status).toBe(400);
      expect((refused.body as Issues).error.details).toEqual([{ path: 'body.dispositionCode', message }]);
    }
    const stillOpen = await agent.client.json<{ conversation: ConversationDto }>('GET', `/api/conversations/${conversation.id}`);
    expect(stillOpen.body.conversation.status).toBe('open');

    const closed = await agent.client.json<{ conversation: ConversationDto }>('POST', `/api/conversations/${conversation.id}/close`, { dispositionCode: 'Resolved', wrapUpNote: 'Refund issued' });
    expect(closed.status).toBe(200);
    expect(closed.body.conversation.status).toBe('closed');
    const after = await agent.client.json<{ wrapUp: { dispositionCode: string; note: string; agentId: string } }>('GET', `/api/conversations/${conversation.id}/desk`);
    expect(after.body.wrapUp).toMatchObject({ dispositionCode: 'resolved', note: 'Refund issued', agentId: agent.id });

    // A used code cannot be deleted (reports group by it); an unused one can.
    expect((await admin.request('DELETE', `/api/dispositions/${resolved.body.disposition.id}`)).status).toBe(409);
    expect((await admin.request('DELETE', `/api/dispositions/${old.body.disposition.id}`)).status).toBe(204);

    // Corrected after close through PUT …/wrap-up; an empty code names the field.
    const empty = await agent.client.json('PUT', `/api/conversations/${conversation.id}/wrap-up`, { dispositionCode: '' });
    expect(paths(empty.body)).toEqual(['body.dispositionCode']);
    await admin.json('PATCH', `/api/dispositions/${resolved.body.disposition.id}`, { labelEn: 'Solved' });
    const report = await eventually(() =>
      running.hub.db
        .selectFrom('conversation_wrap_ups')
        .innerJoin('dispositions', 'dispositions.id', 'conversation_wrap_ups.disposition_id')
        .select(['dispositions.code', 'dispositions.label_en'])
        .where('conversation_id', '=', conversation.id)
        .executeTakeFirst(),
    );
    expect(report).toEqual({ code: 'resolved', label_en: 'Solved' });

    ws.disconnect();
    colleagueWs.disconnect();
    visitor.socket.disconnect();
  });

  it('closing without a body still works (no dispositions required by the hub)', async () => {
    const { ws, visitor, agent, conversation } = await assignedChat('Plain');
    const res = await agent.client.json<{ conversation: ConversationDto }>('POST', `/api/conversations/${conversation.id}/close`);
    expect(res.body.conversation.status).toBe('closed');
    const note = await agent.client.json('POST', `/api/conversations/${conversation.id}/close`, { wrapUpNote: 'without a code' });
    expect(paths(note.body)).toEqual(['body.dispositionCode']);
    ws.disconnect();
    visitor.socket.disconnect();
  });
});
