import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, MessageDto, OfferDto, QueueStatsDto, SupervisorClientToServer, SupervisorServerToClient } from '../../src/contracts/index.js';
import {
  ADMIN,
  adminClient,
  agentSocket,
  chatSocket,
  Client,
  createAgent,
  isolate,
  nextEvent,
  startHub,
  testConfig,
  type AgentSocket,
  type ChatSocket,
  type RunningHub,
} from '../helpers/hub.js';

const iso = isolate('http_auth');
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

type ErrorBody = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

function login(base: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email, password }) });
}

function me(cookie: string): Promise<Response> {
  return fetch(`${running.url}/api/auth/me`, { headers: cookie ? { cookie } : {} });
}

function sessionCookieOf(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith('pasokh_sid='));
}

async function countUsers(role?: 'agent' | 'supervisor' | 'admin'): Promise<number> {
  let q = running.hub.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n'));
  if (role) q = q.where('role', '=', role);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Connects to a staff namespace; resolves with the socket once connected, or with the connect_error. */
function tryConnect<S extends Socket>(base: string, ns: '/agent' | '/supervisor', headers: Record<string, string>, onCreate?: (s: S) => void): Promise<{ socket: S; error: Error | null }> {
  const socket = connect(`${base}${ns}`, { transports: ['websocket'], extraHeaders: headers, forceNew: true, reconnection: false }) as S;
  onCreate?.(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (error: Error) => {
      socket.close();
      resolve({ socket, error });
    });
  });
}

describe('login and sessions', () => {
  it('login sets an httpOnly, SameSite=Lax session cookie and returns the user', async () => {
    const res = await login(running.url, ADMIN.email, ADMIN.password);
    expect(res.status).toBe(200);
    const cookie = sessionCookieOf(res);
    expect(cookie).toBeDefined();
    const attrs = cookie!.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    const body = (await res.json()) as { user: Record<string, unknown> };
    expect(body.user).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(JSON.stringify(body)).not.toMatch(/password|argon2/i);
  });

  it('the email is matched however the user capitalises it', async () => {
    const res = await login(running.url, '  Admin@Test.PASOKH ', ADMIN.password);
    expect(res.status).toBe(200);
  });

  it('a wrong password and an unknown email get the same 401 invalid_credentials, and no cookie', async () => {
    const wrong = await login(running.url, ADMIN.email, 'not-the-password');
    const unknown = await login(running.url, 'nobody@test.pasokh', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(sessionCookieOf(wrong)).toBeUndefined();
    expect(sessionCookieOf(unknown)).toBeUndefined();
    const wrongBody = (await wrong.json()) as ErrorBody;
    const unknownBody = (await unknown.json()) as ErrorBody;
    expect(wrongBody.error.code).toBe('invalid_credentials');
    // No user enumeration: the two answers are indistinguishable.
    expect(unknownBody).toEqual(wrongBody);
  });

  it('GET /api/auth/me returns the logged-in user, and 401 without a session', async () => {
    const c = await adminClient(running.url);
    const res = await me(c.cookie);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: unknown }).user).toMatchObject({ email: ADMIN.email, role: 'admin', name: 'Administrator' });
    const anonymous = await me('');
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ErrorBody).error.code).toBe('unauthorized');
  });

  it('after logout (204) the same cookie no longer works', async () => {
    const c = await adminClient(running.url);
    expect((await me(c.cookie)).status).toBe(200);
    const out = await c.request('POST', '/api/auth/logout');
    expect(out.status).toBe(204);
    // The browser is told to drop the cookie…
    expect(sessionCookieOf(out)).toMatch(/^pasokh_sid=;.*expires=thu, 01 jan 1970/i);
    // …and a copy kept by anyone else is dead on the server too.
    expect((await me(c.cookie)).status).toBe(401);
    // Another session of the same user is unaffected.
    expect((await me(admin.cookie)).status).toBe(200);
  });

  it('a tampered or forged cookie is refused', async () => {
    const c = await adminClient(running.url);
    const value = c.cookie.slice('pasokh_sid='.length);
    const dot = value.lastIndexOf('.');
    expect(dot).toBeGreaterThan(0);
    const token = value.slice(0, dot);
    const sig = value.slice(dot + 1);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = [
      `${token}.${flip(sig, sig.length - 1)}`, // signature altered
      `${flip(token, 0)}.${sig}`, // token altered, old signature
      token, // signature dropped
      `${randomUUID()}.${sig}`,
      'x'.repeat(43),
    ];
    for (const v of forged) {
      const res = await me(`pasokh_sid=${v}`);
      expect(res.status, v).toBe(401);
    }
    // The untouched cookie still works.
    expect((await me(c.cookie)).status).toBe(200);
  });

  it('passwords are stored as argon2id hashes, never in clear', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Hash Check' });
    const rows = await running.hub.db.selectFrom('users').select(['email', 'password_hash']).where('email', 'in', [ADMIN.email, agent.email]).execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
      expect(row.password_hash).not.toContain(row.email === ADMIN.email ? ADMIN.password : agent.password);
    }
  });
});

describe('login rate limiting (LOGIN_RATE_LIMIT=3)', () => {
  // A hub of its own, so the counters of the rest of this file do not interfere.
  const rlIso = isolate('http_auth_rl');
  let rl: RunningHub;
  // The hub trusts a proxy on loopback (app 'trust proxy' = loopback), so X-Forwarded-For names the client
  // here just as a reverse proxy in front of the hub would.
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  beforeAll(async () => {
    rl = await startHub(testConfig(rlIso, { LOGIN_RATE_LIMIT: '3' }));
  });

  afterAll(async () => {
    await rl?.stop();
    await rlIso.cleanup();
  });

  it('the 4th wrong attempt for one email from one IP is refused with 429 and Retry-After, even with the right password', async () => {
    const ip = from('203.0.113.10');
    for (let i = 1; i <= 3; i += 1) {
      const res = await login(rl.url, ADMIN.email, `wrong-password-${i}`, ip);
      expect(res.status, `attempt ${i}`).toBe(401);
    }
    const fourth = await login(rl.url, ADMIN.email, 'wrong-password-4', ip);
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as ErrorBody).error.code).toBe('too_many_attempts');
    const retryAfter = Number(fourth.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    const right = await login(rl.url, ADMIN.email, ADMIN.password, ip);
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).not.toBeNull();
    expect(sessionCookieOf(right)).toBeUndefined();
  });

  it('the real user elsewhere is not locked out by someone guessing from another IP', async () => {
    const res = await login(rl.url, ADMIN.email, ADMIN.password, from('203.0.113.11'));
    expect(res.status).toBe(200);
    expect(sessionCookieOf(res)).toBeDefined();
  });

  it('staff sharing one office IP can all log in at shift start (successful logins do not use up the limit)', async () => {
    const adminLogin = await login(rl.url, ADMIN.email, ADMIN.password, from('192.0.2.50'));
    expect(adminLogin.status).toBe(200);
    const rlAdmin = new Client(rl.url);
    rlAdmin.cookie = sessionCookieOf(adminLogin)!.split(';')[0]!;
    const staff: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const email = `office${i}-${randomUUID().slice(0, 6)}@test.pasokh`;
      const created = await rlAdmin.json('POST', '/api/users', { email, password: 'agent-password-123', name: `Office ${i}`, role: 'agent', skills: [] });
      expect(created.status).toBe(201);
      staff.push(email);
    }
    // Four different agents, each typing the right password once, behind the same NAT address.
    const statuses: number[] = [];
    for (const email of staff) statuses.push((await login(rl.url, email, 'agent-password-123', from('198.51.100.7'))).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});

describe('roles on /api/users', () => {
  it('an agent cannot create users (403); without a session it is 401', async () => {
    const agent = await createAgent(running.url, admin);
    const before = await countUsers();
    const body = { email: `x-${randomUUID()}@test.pasokh`, password: 'agent-password-123', name: 'X', role: 'agent', skills: [] };
    const asAgent = await agent.client.json<ErrorBody>('POST', '/api/users', body);
    expect(asAgent.status).toBe(403);
    expect(asAgent.body.error.code).toBe('forbidden');
    // An agent cannot promote themself to admin either.
    const promote = await agent.client.json<ErrorBody>('POST', '/api/users', { ...body, email: `y-${randomUUID()}@test.pasokh`, role: 'admin' });
    expect(promote.status).toBe(403);
    const anonymous = await new Client(running.url).json<ErrorBody>('POST', '/api/users', body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
    expect(await countUsers()).toBe(before);
  });

  it('an admin creates a user (201) with the skills echoed, and the new user can log in', async () => {
    const email = `Nazanin-${randomUUID().slice(0, 6)}@Test.Pasokh`;
    const res = await admin.json<{ user: { id: string; email: string; role: string; name: string; skills: { skill: string; level: number }[] } }>('POST', '/api/users', {
      email,
      password: 'nazanin-password-1',
      name: 'نازنین',
      role: 'agent',
      skills: [
        { skill: 'Persian', level: 9 },
        { skill: 'billing', level: 3 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: email.toLowerCase(), name: 'نازنین', role: 'agent' });
    expect(res.body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.user.skills).toEqual([
      { skill: 'persian', level: 9 },
      { skill: 'billing', level: 3 },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/password|argon2/i);
    expect((await login(running.url, email.toLowerCase(), 'nazanin-password-1')).status).toBe(200);
  });

  it('creating the same email twice is 409 email_taken, whatever its case', async () => {
    const email = `twice-${randomUUID().slice(0, 6)}@test.pasokh`;
    const body = { email, password: 'twice-password-1', name: 'Twice', role: 'agent', skills: [] };
    expect((await admin.json('POST', '/api/users', body)).status).toBe(201);
    const before = await countUsers();
    const again = await admin.json<ErrorBody>('POST', '/api/users', body);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
    const upper = await admin.json<ErrorBody>('POST', '/api/users', { ...body, email: email.toUpperCase() });
    expect(upper.status).toBe(409);
    expect(upper.body.error.code).toBe('email_taken');
    expect(await countUsers()).toBe(before);
    // The first account still has its own password.
    expect((await login(running.url, email, 'twice-password-1')).status).toBe(200);
  });

  it('a supervisor lists users with their skills; an agent may not', async () => {
    const skilled = await createAgent(running.url, admin, { name: 'Skilled', skills: [{ skill: 'sales', level: 7 }] });
    const supervisor = await createAgent(running.url, admin, { name: 'Supervisor', role: 'supervisor' });
    const list = await supervisor.client.json<{ users: { id: string; email: string; role: string; skills: { skill: string; level: number }[] }[] }>('GET', '/api/users');
    expect(list.status).toBe(200);
    const row = list.body.users.find((u) => u.id === skilled.id);
    expect(row).toMatchObject({ email: skilled.email, role: 'agent', skills: [{ skill: 'sales', level: 7 }] });
    expect(list.body.users.some((u) => u.email === ADMIN.email && u.role === 'admin')).toBe(true);
    expect(JSON.stringify(list.body)).not.toMatch(/password|argon2/i);

    const asAgent = await skilled.client.json<ErrorBody>('GET', '/api/users');
    expect(asAgent.status).toBe(403);
    expect(asAgent.body.error.code).toBe('forbidden');
  });
});

describe('bootstrap admin', () => {
  it('the ADMIN_EMAIL of the environment can log in as admin', async () => {
    const res = await login(running.url, ADMIN.email, ADMIN.password);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { role: string } }).user.role).toBe('admin');
  });

  it('a second hub on the same database with another ADMIN_EMAIL does not create a second admin', async () => {
    const other = { ADMIN_EMAIL: 'second-admin@test.pasokh', ADMIN_PASSWORD: 'second-admin-password' };
    const second = await startHub(testConfig(iso, other));
    try {
      expect(await countUsers('admin')).toBe(1);
      const admins = await running.hub.db.selectFrom('users').select('email').where('role', '=', 'admin').execute();
      expect(admins.map((a) => a.email)).toEqual([ADMIN.email]);
      // The second hub serves the same accounts: the original admin logs in there, the other one nowhere.
      expect((await login(second.url, ADMIN.email, ADMIN.password)).status).toBe(200);
      expect((await login(second.url, other.ADMIN_EMAIL, other.ADMIN_PASSWORD)).status).toBe(401);
      expect((await login(running.url, other.ADMIN_EMAIL, other.ADMIN_PASSWORD)).status).toBe(401);
    } finally {
      await second.stop();
    }
    // The first hub is unaffected by the second one stopping.
    expect((await me(admin.cookie)).status).toBe(200);
  });
});

describe('socket namespaces', () => {
  it('/agent without a cookie is refused as unauthorized', async () => {
    const { error } = await tryConnect(running.url, '/agent', {});
    expect(error?.message).toBe('unauthorized');
    const forged = await tryConnect(running.url, '/agent', { cookie: 'pasokh_sid=forged.value' });
    expect(forged.error?.message).toBe('unauthorized');
  });

  it('an agent’s cookie on /supervisor is refused as forbidden (and accepted on /agent)', async () => {
    const agent = await createAgent(running.url, admin);
    const sup = await tryConnect(running.url, '/supervisor', { cookie: agent.client.cookie });
    expect(sup.error?.message).toBe('forbidden');
    const own = await tryConnect(running.url, '/agent', { cookie: agent.client.cookie });
    expect(own.error).toBeNull();
    own.socket.close();
  });

  it('a supervisor connects to /supervisor and receives stats with the four default queues', async () => {
    const supervisor = await createAgent(running.url, admin, { role: 'supervisor', name: 'Watcher' });
    type SupervisorSocket = Socket<SupervisorServerToClient, SupervisorClientToServer>;
    let statsP: Promise<{ at: string; queues: QueueStatsDto[] }> | undefined;
    const { socket, error } = await tryConnect<SupervisorSocket>(running.url, '/supervisor', { cookie: supervisor.client.cookie }, (s) => {
      statsP = nextEvent(s, 'stats');
    });
    expect(error).toBeNull();
    const stats = await statsP!;
    expect(new Date(stats.at).getTime()).not.toBeNaN();
    expect(stats.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['webchat', 'sms', 'email', 'voice']));
    for (const ch of ['webchat', 'sms', 'email', 'voice'] as const) {
      const q = stats.queues.find((x) => x.name === ch);
      expect(q).toMatchObject({ channel: ch, waiting: expect.any(Number), offered: expect.any(Number) });
    }
    socket.close();
  });

  it('an agent socket opened from another site (Origin: http://evil.example) is refused', async () => {
    const agent = await createAgent(running.url, admin);
    const evil = await tryConnect(running.url, '/agent', { cookie: agent.client.cookie, origin: 'http://evil.example' });
    expect(evil.error).not.toBeNull();
    expect(evil.socket.connected).toBe(false);
    const evilSup = await tryConnect(running.url, '/supervisor', { cookie: admin.cookie, origin: 'http://evil.example' });
    expect(evilSup.error).not.toBeNull();
    // The console's own origin is fine.
    const same = await tryConnect(running.url, '/agent', { cookie: agent.client.cookie, origin: running.url });
    expect(same.error).toBeNull();
    same.socket.close();
  });
});

describe('conversation access', () => {
  let agentA: Awaited<ReturnType<typeof createAgent>>;
  let agentB: Awaited<ReturnType<typeof createAgent>>;
  let supervisor: Awaited<ReturnType<typeof createAgent>>;
  let agentAWs: AgentSocket;
  const visitors: ChatSocket[] = [];

  /** A web-chat conversation offered to and accepted by agent A (the only available agent). */
  async function conversationOfAgentA(text: string): Promise<ConversationDto> {
    const { socket: visitor } = await chatSocket(running.url, { name: 'Visitor' });
    visitors.push(visitor);
    const offerP = nextEvent<OfferDto>(agentAWs, 'offer');
    const ack = await visitor.emitWithAck('message', { clientId: randomUUID(), body: text });
    expect(ack.ok).toBe(true);
    const offer = await offerP;
    const accepted = await agentAWs.emitWithAck('offer:accept', { offerId: offer.offerId });
    if (!accepted.ok) throw new Error(`accept failed: ${JSON.stringify(accepted)}`);
    expect(accepted.conversation.assignedAgentId).toBe(agentA.id);
    return accepted.conversation;
  }

  async function messageCount(conversationId: string): Promise<number> {
    const r = await running.hub.db
      .selectFrom('messages')
      .select(sql<string>`count(*)`.as('n'))
      .where('conversation_id', '=', conversationId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  beforeAll(async () => {
    agentA = await createAgent(running.url, admin, { name: 'Agent A' });
    agentB = await createAgent(running.url, admin, { name: 'Agent B' });
    supervisor = await createAgent(running.url, admin, { name: 'Sup', role: 'supervisor' });
    agentAWs = await agentSocket(running.url, agentA.client);
    const presence = await agentAWs.emitWithAck('presence:set', { status: 'available' });
    expect(presence.ok).toBe(true);
  });

  afterAll(() => {
    agentAWs?.close();
    for (const v of visitors) v.close();
  });

  it('an agent cannot read nor reply to a conversation assigned to someone else', async () => {
    const conversation = await conversationOfAgentA('where is my order?');
    // The assignee can read it.
    const own = await agentA.client.json<{ conversation: ConversationDto; messages: MessageDto[] }>('GET', `/api/conversations/${conversation.id}`);
    expect(own.status).toBe(200);
    expect(own.body.messages.map((m) => m.body)).toEqual(['where is my order?']);

    const read = await agentB.client.json<ErrorBody>('GET', `/api/conversations/${conversation.id}`);
    expect(read.status).toBe(403);
    expect(read.body.error.code).toBe('forbidden');
    expect(JSON.stringify(read.body)).not.toContain('where is my order');

    const reply = await agentB.client.json<ErrorBody>('POST', `/api/conversations/${conversation.id}/messages`, { body: 'I am not your agent' });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('forbidden');
    expect(await messageCount(conversation.id)).toBe(1);

    // Nor does it show up in B's list or B's view of the customer.
    const list = await agentB.client.json<{ conversations: ConversationDto[] }>('GET', '/api/conversations');
    expect(list.status).toBe(200);
    expect(list.body.conversations.map((c) => c.id)).not.toContain(conversation.id);
    const timeline = await agentB.client.json<ErrorBody>('GET', `/api/customers/${conversation.customer.id}/timeline`);
    expect(timeline.status).toBe(403);

    // A supervisor sees it.
    const sup = await supervisor.client.json<{ conversation: ConversationDto }>('GET', `/api/conversations/${conversation.id}`);
    expect(sup.status).toBe(200);
    expect(sup.body.conversation.assignedAgentId).toBe(agentA.id);
  });

  it('a conversation id that is not a uuid is a 400 naming the parameter', async () => {
    const res = await supervisor.client.json<ErrorBody>('GET', '/api/conversations/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details?.map((d) => d.path)).toContain('params.id');
  });

  it('the timeline of an unknown customer is 404 for a supervisor', async () => {
    const res = await supervisor.client.json<ErrorBody>('GET', `/api/customers/${randomUUID()}/timeline`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('replying to a closed conversation is 409 conversation_closed', async () => {
    const conversation = await conversationOfAgentA('please close this');
    const closed = await agentA.client.json<{ conversation: ConversationDto }>('POST', `/api/conversations/${conversation.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.conversation.status).toBe('closed');
    const reply = await agentA.client.json<ErrorBody>('POST', `/api/conversations/${conversation.id}/messages`, { body: 'too late' });
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('conversation_closed');
    expect(await messageCount(conversation.id)).toBe(1);
  });
});
