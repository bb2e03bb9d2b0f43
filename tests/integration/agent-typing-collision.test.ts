import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, OfferDto, StaffViewerDto } from '../../src/contracts/index.js';
import {
  adminClient,
  agentSocket,
  chatSocket,
  createAgent,
  isolate,
  nextEvent,
  startHub,
  testConfig,
  type AgentSocket,
  type Client,
  type RunningHub,
} from '../helpers/hub.js';

const iso = isolate('agent_typing');
const config = testConfig(iso);
let hubA: RunningHub;
let hubB: RunningHub;
let admin: Client;

beforeAll(async () => {
  hubA = await startHub(config);
  // A second process on the same Postgres and Redis, as behind a load balancer.
  hubB = await startHub(config);
  admin = await adminClient(hubA.url);
});

/** Each test's agent consoles, closed even when it fails: a console left available would take the next test's chat. */
const opened: AgentSocket[] = [];
afterEach(() => {
  for (const ws of opened.splice(0)) ws.close();
});

afterAll(async () => {
  await hubB?.stop();
  await hubA?.stop();
  await iso.cleanup();
});

/** An agent with an accepted web chat from a fresh visitor. */
async function assignedChat(name: string) {
  const agent = await createAgent(hubA.url, admin, { name });
  const ws = await agentSocket(hubA.url, agent.client);
  opened.push(ws);
  await ws.emitWithAck('presence:set', { status: 'available' });
  const visitor = await chatSocket(hubA.url, { name: `Visitor of ${name}` });
  const offerP = nextEvent<OfferDto>(ws, 'offer');
  await visitor.socket.emitWithAck('message', { clientId: 'first', body: 'hello' });
  const accepted = await ws.emitWithAck('offer:accept', { offerId: (await offerP).offerId });
  const conversation = (accepted as { conversation: ConversationDto }).conversation;
  return { agent, ws, visitor, conversation };
}

type Typing = { conversationId: string; from: 'customer' | 'agent'; name: string | null; typing: boolean };

/** Collects `conversation:typing` until one with typing false arrives. */
function typingUntilStop(ws: AgentSocket): Promise<Typing[]> {
  const seen: Typing[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no typing stop; saw ${JSON.stringify(seen)}`)), 10_000);
    const on = (p: Typing) => {
      seen.push(p);
      if (!p.typing) {
        clearTimeout(timer);
        ws.off('conversation:typing', on);
        resolve(seen);
      }
    };
    ws.on('conversation:typing', on);
  });
}

describe('typing indicators', () => {
  it('visitor typing reaches the assigned agent, throttled; agent typing reaches the widget; nothing is stored', async () => {
    const { ws, visitor, conversation } = await assignedChat('Typist');
    const countMessages = async () =>
      (await hubA.hub.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('conversation_id', '=', conversation.id).executeTakeFirstOrThrow()).n;
    const before = await countMessages();

    const seenP = typingUntilStop(ws);
    // A burst of key presses: the agent hears "typing" once, then the stop.
    for (let i = 0; i < 5; i++) visitor.socket.emit('typing', { typing: true });
    visitor.socket.emit('typing', { typing: false });
    const seen = await seenP;
    expect(seen).toEqual([
      { conversationId: conversation.id, from: 'customer', name: 'Visitor of Typist', typing: true },
      { conversationId: conversation.id, from: 'customer', name: 'Visitor of Typist', typing: false },
    ]);

    // Sending a message ends "typing" on the agent's side by itself.
    const stopP = typingUntilStop(ws);
    visitor.socket.emit('typing', { typing: true });
    await visitor.socket.emitWithAck('message', { clientId: 'second', body: 'done typing' });
    expect((await stopP).at(-1)).toMatchObject({ typing: false });

    const widgetP = nextEvent<{ typing: boolean }>(visitor.socket, 'typing');
    ws.emit('conversation:typing', { conversationId: conversation.id, typing: true });
    expect(await widgetP).toEqual({ typing: true });

    expect(await countMessages()).toBe(before + 1);
    ws.close();
    visitor.socket.close();
  });

  it('an agent cannot type into a conversation that is not theirs', async () => {
    const { visitor, conversation, ws } = await assignedChat('Owner');
    const other = await createAgent(hubA.url, admin, { name: 'Intruder' });
    const otherWs = await agentSocket(hubA.url, other.client);
    const widgetSaw: { typing: boolean }[] = [];
    visitor.socket.on('typing', (p) => widgetSaw.push(p));
    otherWs.emit('conversation:typing', { conversationId: conversation.id, typing: true });
    // The owner's typing, sent after, arrives; the intruder's, sent before, never does.
    const ownP = nextEvent<{ typing: boolean }>(visitor.socket, 'typing');
    ws.emit('conversation:typing', { conversationId: conversation.id, typing: true });
    await ownP;
    expect(widgetSaw).toEqual([{ typing: true }]);
    const viewing = await otherWs.emitWithAck('conversation:viewing', { conversationId: conversation.id, viewing: true });
    expect(viewing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    for (const s of [ws, otherWs, visitor.socket]) s.close();
  });
});

describe('who else is viewing', () => {
  it('two staff on different hub processes see each other on the same conversation; a disconnect removes the entry', async () => {
    const { ws, visitor, conversation } = await assignedChat('Viewer Agent');
    const sup = await createAgent(hubA.url, admin, { name: 'Supervisor Sima', role: 'supervisor' });
    const supWs = await agentSocket(hubB.url, sup.client);

    const alone = await ws.emitWithAck('conversation:viewing', { conversationId: conversation.id, viewing: true });
    expect(alone).toMatchObject({ ok: true, viewers: [{ name: 'Viewer Agent', role: 'agent' }] });

    const agentSeesP = nextEvent<{ conversationId: string; viewers: StaffViewerDto[] }>(ws, 'conversation:viewers');
    const both = await supWs.emitWithAck('conversation:viewing', { conversationId: conversation.id, viewing: true });
    const names = ['Supervisor Sima', 'Viewer Agent'];
    expect(both).toMatchObject({ ok: true });
    expect((both as { viewers: StaffViewerDto[] }).viewers.map((v) => v.name)).toEqual(names);
    const agentSees = await agentSeesP;
    expect(agentSees.conversationId).toBe(conversation.id);
    expect(agentSees.viewers.map((v) => v.name)).toEqual(names);

    // The agent's typing shows to the supervisor watching (and not back to the agent).
    const supTypingP = nextEvent<Typing>(supWs, 'conversation:typing');
    ws.emit('conversation:typing', { conversationId: conversation.id, typing: true });
    expect(await supTypingP).toEqual({ conversationId: conversation.id, from: 'agent', name: 'Viewer Agent', typing: true });

    // The supervisor's console goes away: the agent sees only themself again.
    const afterDropP = nextEvent<{ viewers: StaffViewerDto[] }>(ws, 'conversation:viewers');
    supWs.close();
    expect((await afterDropP).viewers.map((v) => v.name)).toEqual(['Viewer Agent']);

    // Stopping explicitly empties the list.
    const stopped = await ws.emitWithAck('conversation:viewing', { conversationId: conversation.id, viewing: false });
    expect(stopped).toEqual({ ok: true, viewers: [] });
    ws.close();
    visitor.socket.close();
  });
});
