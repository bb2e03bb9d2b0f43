import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig, type Config } from '../../src/config.js';
import type {
  AgentClientToServer,
  AgentServerToClient,
  ChatClientToServer,
  ChatServerToClient,
  ChatAuth,
  ChatMessageDto,
} from '../../src/contracts/index.js';
import { createHub, type Hub, type HubOptions } from '../../src/hub.js';
import { createLogger } from '../../src/logger.js';

export const BASE_DB_URL = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env['TEST_REDIS_URL'] || 'redis://127.0.0.1:6379';
export const ADMIN = { email: 'admin@test.pasokh', password: 'admin-password-123' };

/** A database name and Redis prefix of its own for one test file; dropped by `cleanup`. */
export interface Isolation {
  databaseUrl: string;
  redisPrefix: string;
  cleanup(): Promise<void>;
}

export function isolate(label: string): Isolation {
  const id = `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = new URL(BASE_DB_URL);
  url.pathname = `/pasokh_t_${id}`;
  const redisPrefix = `t:${id}`;
  return {
    databaseUrl: url.toString(),
    redisPrefix,
    async cleanup() {
      const admin = new pg.Client({ connectionString: BASE_DB_URL });
      await admin.connect();
      await admin.query(`drop database if exists "pasokh_t_${id}" with (force)`);
      await admin.end();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

export function testConfig(iso: Isolation, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: iso.databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: iso.redisPrefix,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    OFFER_TIMEOUT_SECONDS: '20',
    ...env,
  });
}

export interface RunningHub {
  hub: Hub;
  url: string;
  stop(): Promise<void>;
}

export async function startHub(config: Config, options: HubOptions = {}): Promise<RunningHub> {
  const hub = await createHub(config, { log: createLogger(config.logLevel), routingTickMs: 200, ...options });
  const port = await hub.listen();
  let stopped = false;
  return {
    hub,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await hub.stop();
    },
  };
}

/** A logged-in HTTP client keeping the session cookie. */
export class Client {
  cookie = '';

  constructor(readonly base: string) {}

  async login(email: string, password: string): Promise<Response> {
    const res = await this.request('POST', '/api/auth/login', { email, password });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('pasokh_sid='));
    if (set) this.cookie = set.split(';')[0]!;
    return res;
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.request(method, path, body);
    return { status: res.status, body: (await res.json()) as T };
  }
}

export async function adminClient(url: string): Promise<Client> {
  const c = new Client(url);
  const res = await c.login(ADMIN.email, ADMIN.password);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status}`);
  return c;
}

let agentCounter = 0;

/** Creates an agent through the API and logs them in. */
export async function createAgent(
  url: string,
  admin: Client,
  opts: { name?: string; skills?: { skill: string; level: number }[]; role?: 'agent' | 'supervisor' | 'admin' } = {},
): Promise<{ id: string; email: string; password: string; client: Client }> {
  agentCounter += 1;
  const email = `agent${agentCounter}-${randomBytes(3).toString('hex')}@test.pasokh`;
  const password = 'agent-password-123';
  const res = await admin.json<{ user: { id: string } }>('POST', '/api/users', {
    email,
    password,
    name: opts.name ?? `Agent ${agentCounter}`,
    role: opts.role ?? 'agent',
    skills: opts.skills ?? [],
  });
  if (res.status !== 201) throw new Error(`create agent failed: ${res.status} ${JSON.stringify(res.body)}`);
  const client = new Client(url);
  await client.login(email, password);
  return { id: res.body.user.id, email, password, client };
}

export type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;
export type ChatSocket = Socket<ChatServerToClient, ChatClientToServer>;

export async function agentSocket(url: string, client: Client): Promise<AgentSocket> {
  const socket: AgentSocket = connect(`${url}/agent`, { transports: ['websocket'], extraHeaders: { cookie: client.cookie }, forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** A visitor socket; `received` collects every server message from the first packet on (replays follow the session at once). */
export async function chatSocket(
  url: string,
  auth: ChatAuth = {},
): Promise<{ socket: ChatSocket; session: { visitorToken: string; conversationId: string | null }; received: ChatMessageDto[] }> {
  const socket: ChatSocket = connect(`${url}/chat`, { transports: ['websocket'], auth: { ...auth }, forceNew: true, reconnection: false });
  const received: ChatMessageDto[] = [];
  socket.on('message', (m) => received.push(m));
  const session = await new Promise<{ visitorToken: string; conversationId: string | null }>((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, session, received };
}

type LooseEmitter = { once(event: string, fn: (arg: unknown) => void): unknown; off(event: string, fn: (arg: unknown) => void): unknown };

/** Resolves with the next event of that name (its first argument), or fails after timeoutMs. */
export function nextEvent<T>(socket: { once: (...args: never[]) => unknown; off: (...args: never[]) => unknown }, event: string, timeoutMs = 10_000): Promise<T> {
  const s = socket as unknown as LooseEmitter;
  return new Promise<T>((resolve, reject) => {
    const handler = (arg: unknown) => {
      clearTimeout(timer);
      resolve(arg as T);
    };
    const timer = setTimeout(() => {
      s.off(event, handler);
      reject(new Error(`no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once(event, handler);
  });
}

/** Polls until fn returns a truthy value (for state that settles asynchronously, e.g. outbox rows). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
