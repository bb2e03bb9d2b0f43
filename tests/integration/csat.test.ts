import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, OfferDto, ReportDto } from '../../src/contracts/index.js';
import { awaitingRating } from '../../src/reports/csat.js';
import { adminClient, agentSocket, chatSocket, createAgent, isolate, nextEvent, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';

const iso = isolate('csat');
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

describe('web-chat satisfaction rating over the chat socket', () => {
  it('after the agent closes the chat the visitor is told, rates once, and the report counts it', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Rater' });
    const agentWs = await agentSocket(running.url, agent.client);
    await agentWs.emitWithAck('presence:set', { status: 'available' });

    const visitor = await chatSocket(running.url, { name: 'Nima' });
    const offerP = nextEvent<OfferDto>(agentWs, 'offer');
    const sent = await visitor.socket.emitWithAck('message', { clientId: 'm1', body: 'سلام' });
    expect(sent.ok).toBe(true);
    const conversationId = (sent as { conversationId: string }).conversationId;
    const accepted = await agentWs.emitWithAck('offer:accept', { offerId: (await offerP).offerId });
    expect((accepted as { conversation: ConversationDto }).conversation.id).toBe(conversationId);

    // Not yet: a conversation is rated after it is closed.
    expect(await visitor.socket.emitWithAck('csat', { conversationId, score: 5 })).toMatchObject({ ok: false, error: { code: 'not_closed' } });

    const closedP = nextEvent<{ conversationId: string }>(visitor.socket, 'conversation:closed');
    const close = await agent.client.json('POST', `/api/conversations/${conversationId}/close`);
    expect(close.status).toBe(200);
    expect(await closedP).toEqual({ conversationId });

    // A widget that comes back later (reload, another tab) is asked too, after the replay.
    const again = connect(`${running.url}/chat`, { transports: ['websocket'], auth: { visitorToken: visitor.session.visitorToken }, forceNew: true, reconnection: false });
    const reminder = nextEvent<{ conversationId: string }>(again, 'conversation:closed');
    expect(await reminder).toEqual({ conversationId });
    again.close();

    // Bad scores are refused with the reason, and nothing is stored.
    expect(await visitor.socket.emitWithAck('csat', { conversationId, score: 6 })).toMatchObject({ ok: false, error: { code: 'invalid_rating', message: 'score must be 1 to 5' } });
    expect(await visitor.socket.emitWithAck('csat', { conversationId, score: 2.5 })).toMatchObject({ ok: false, error: { code: 'invalid_rating' } });

    // Someone else's widget cannot rate this conversation.
    const other = await chatSocket(running.url, { name: 'Other' });
    expect(await other.socket.emitWithAck('csat', { conversationId, score: 1 })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    expect(await visitor.socket.emitWithAck('csat', { conversationId, score: 4, comment: '  خیلی خوب بود  ' })).toEqual({ ok: true, score: 4, comment: 'خیلی خوب بود' });
    // A retry (lost acknowledgement, second tab) changes nothing and is told what counts.
    expect(await visitor.socket.emitWithAck('csat', { conversationId, score: 1 })).toEqual({ ok: true, score: 4, comment: 'خیلی خوب بود' });
    // Rated: nothing left to ask.
    expect(await awaitingRating(running.hub.db, conversationId)).toBe(false);
    const rows = await running.hub.db.selectFrom('csat_responses').select(['score']).where('conversation_id', '=', conversationId).execute();
    expect(rows).toEqual([{ score: 4 }]);

    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const report = await admin.json<ReportDto>('GET', `/api/reports?from=${today}&to=${tomorrow}&groupBy=agent`);
    expect(report.body.rows.find((r) => r.id === agent.id)).toMatchObject({ answered: 1, csatAverage: 4, csatCount: 1 });

    for (const s of [visitor.socket, other.socket, agentWs]) s.close();
  });
});
