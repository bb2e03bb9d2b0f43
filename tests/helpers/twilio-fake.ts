// A local stand-in for Twilio's REST API: an HTTP server on 127.0.0.1 that
// records every request and answers the way the Messages API does. The hub's
// twilio client reaches it through the client's own `httpClient` option
// (see `httpClient()`), so requests are real HTTP and nothing goes to the
// internet. Failures are scriptable per call; other resources (voice calls)
// can be added with `route()`.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FormParams = Record<string, string | string[]>;

export interface RecordedRequest {
  method: string;
  /** Path on the Twilio API host, e.g. /2010-04-01/Accounts/AC…/Messages.json. */
  path: string;
  /** The host the client meant to call (api.twilio.com). */
  host: string;
  query: FormParams;
  /** Form body (POST). */
  params: FormParams;
  /** Basic-auth user (the account SID), or null when none was sent. */
  username: string | null;
  /** What the fake answered, or would have (0 when it cut the connection before handling the request). */
  status: number;
  /** The connection was cut instead of answering. */
  dropped: boolean;
  at: Date;
}

export interface FakeMessage {
  sid: string;
  account_sid: string;
  from: string;
  to: string;
  body: string;
  status: string;
  direction: 'outbound-api';
  status_callback: string | null;
  num_segments: string;
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  error_code: number | null;
  error_message: string | null;
  uri: string;
}

/**
 * A scripted answer: an HTTP error with Twilio's error body, or a dropped
 * connection — before the request is handled, or after (Twilio did the work
 * but the client never hears of it: the case that tempts a client to send twice).
 */
export type Failure = { status: number; code?: number; message?: string } | { network: true; afterProcessing?: boolean };

export interface Reply {
  status: number;
  body?: unknown;
}

type Handler = (req: RecordedRequest, match: RegExpExecArray) => Reply;

/** The shape of twilio's RequestClient that the REST client calls. */
export interface FakeHttpClient {
  request(opts: {
    method: string;
    uri: string;
    username?: string;
    password?: string;
    headers?: Record<string, string>;
    params?: Record<string, unknown>;
    data?: Record<string, unknown>;
  }): Promise<{ statusCode: number; body: string; headers: Record<string, string> }>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

function encodeForm(values: Record<string, unknown> | undefined, into: URLSearchParams): URLSearchParams {
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value === undefined || value === null) continue;
    // Repeated keys for arrays, as twilio's own client sends them.
    for (const v of Array.isArray(value) ? value : [value]) into.append(key, v instanceof Date ? v.toISOString() : String(v));
  }
  return into;
}

function formOf(search: URLSearchParams): FormParams {
  const out: FormParams = {};
  for (const [key, value] of search) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

const one = (p: FormParams, key: string): string | undefined => {
  const v = p[key];
  return Array.isArray(v) ? v[0] : v;
};

export class TwilioFake {
  readonly accountSid: string;
  readonly authToken: string;
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, FakeMessage>();
  private readonly failures: { failure: Failure; match: (r: RecordedRequest) => boolean }[] = [];
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  private server: Server | undefined;
  private base = '';
  /**
   * Runs after a request is handled and before its answer is sent, e.g. to
   * post a status callback to the hub before it hears back from its create,
   * as real Twilio sometimes does.
   */
  beforeReply: ((req: RecordedRequest, reply: Reply) => Promise<void>) | null = null;

  constructor(opts: { accountSid?: string; authToken?: string } = {}) {
    this.accountSid = opts.accountSid ?? `AC${hex(16)}`;
    this.authToken = opts.authToken ?? hex(16);
    const account = '/2010-04-01/Accounts/([^/]+)';
    this.route('POST', new RegExp(`^${account}/Messages\\.json$`), (req) => this.createMessage(req));
    this.route('GET', new RegExp(`^${account}/Messages\\.json$`), (req) => this.listMessages(req));
    this.route('GET', new RegExp(`^${account}/Messages/(SM[0-9a-f]{32})\\.json$`), (_req, m) => {
      const msg = this.messages.get(m[2]!);
      return msg ? { status: 200, body: msg } : notFound();
    });
  }

  /** The base URL of the local server (http://127.0.0.1:port). */
  get url(): string {
    return this.base;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Adds a resource, e.g. `route('POST', /\/Calls\.json$/, …)` for voice. Later routes are tried first. */
  route(method: string, pattern: RegExp, handler: Handler): void {
    this.routes.unshift({ method: method.toUpperCase(), pattern, handler });
  }

  /** The next `times` requests (matching `match`, by default any) get this answer instead of the normal one. */
  failNext(times: number, failure: Failure, match: (r: RecordedRequest) => boolean = () => true): void {
    for (let i = 0; i < times; i += 1) this.failures.push({ failure, match });
  }

  /** Forgets recorded requests, messages and pending failures (between tests). */
  reset(): void {
    this.requests.length = 0;
    this.messages.clear();
    this.failures.length = 0;
    this.beforeReply = null;
  }

  /** Message-create calls (POST …/Messages.json), answered or not. */
  messageCreates(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && /\/Messages\.json$/.test(r.path));
  }

  /** Message-create calls Twilio accepted (2xx), whether or not the client heard the answer. */
  acceptedCreates(): RecordedRequest[] {
    return this.messageCreates().filter((r) => r.status >= 200 && r.status < 300);
  }

  /** Sets a stored message's status, as Twilio would before posting a status callback. */
  setStatus(sid: string, status: string, errorCode: number | null = null): FakeMessage {
    const msg = this.messages.get(sid);
    if (!msg) throw new Error(`no fake message ${sid}`);
    msg.status = status;
    msg.error_code = errorCode;
    msg.date_updated = rfc2822(new Date());
    return msg;
  }

  /**
   * An object with the shape of twilio's RequestClient, for
   * `twilio(sid, token, { httpClient })`: it sends each API call to this
   * server instead of api.twilio.com.
   */
  httpClient(): FakeHttpClient {
    return {
      request: async (opts) => {
        if (!this.base) throw new Error('TwilioFake is not started');
        const original = new URL(opts.uri);
        const target = new URL(original.pathname + original.search, this.base);
        encodeForm(opts.params, target.searchParams);
        const headers: Record<string, string> = { 'x-fake-original-host': original.host };
        for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string' && k.toLowerCase() !== 'connection') headers[k] = v;
        if (opts.username && opts.password) headers['Authorization'] = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
        const method = opts.method.toUpperCase();
        const body = opts.data && method !== 'GET' ? encodeForm(opts.data, new URLSearchParams()).toString() : undefined;
        if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
        const res = await fetch(target, { method, headers, body });
        return { statusCode: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
      },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [username, password] = auth ? Buffer.from(auth[1]!, 'base64').toString().split(':') : [null, null];
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      host: String(req.headers['x-fake-original-host'] ?? req.headers.host ?? ''),
      query: formOf(url.searchParams),
      params: formOf(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      username: username ?? null,
      status: 0,
      dropped: false,
      at: new Date(),
    };
    this.requests.push(recorded);

    const scripted = this.failures.findIndex((f) => f.match(recorded));
    const failure = scripted >= 0 ? this.failures.splice(scripted, 1)[0]!.failure : undefined;
    if (failure && !('network' in failure)) {
      return this.reply(res, recorded, { status: failure.status, body: errorBody(failure.status, failure.code, failure.message) });
    }
    if (failure && !failure.afterProcessing) {
      recorded.dropped = true;
      req.socket.destroy();
      return;
    }
    const reply = this.answer(recorded, username, password);
    if (failure) {
      recorded.status = reply.status;
      recorded.dropped = true;
      req.socket.destroy();
      return;
    }
    if (this.beforeReply) await this.beforeReply(recorded, reply);
    this.reply(res, recorded, reply);
  }

  private answer(recorded: RecordedRequest, username: string | null | undefined, password: string | null | undefined): Reply {
    if (username !== this.accountSid || password !== this.authToken) return { status: 401, body: errorBody(401, 20003, 'Authenticate') };
    for (const route of this.routes) {
      const m = route.method === recorded.method ? route.pattern.exec(recorded.path) : null;
      if (!m) continue;
      if (m[1] && m[1] !== this.accountSid) return notFound();
      return route.handler(recorded, m);
    }
    return notFound();
  }

  private reply(res: ServerResponse, recorded: RecordedRequest, reply: Reply): void {
    recorded.status = reply.status;
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  private createMessage(req: RecordedRequest): Reply {
    const to = one(req.params, 'To');
    const from = one(req.params, 'From');
    const body = one(req.params, 'Body');
    if (!to) return { status: 400, body: errorBody(400, 21604, "A 'To' phone number is required.") };
    if (!from && !one(req.params, 'MessagingServiceSid')) return { status: 400, body: errorBody(400, 21603, "A 'From' phone number is required.") };
    if (!body && !req.params['MediaUrl']) return { status: 400, body: errorBody(400, 21602, 'Message body is required.') };
    const now = rfc2822(new Date());
    const sid = `SM${hex(16)}`;
    const msg: FakeMessage = {
      sid,
      account_sid: this.accountSid,
      from: from ?? '',
      to,
      body: body ?? '',
      status: 'queued',
      direction: 'outbound-api',
      status_callback: one(req.params, 'StatusCallback') ?? null,
      num_segments: '1',
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
    };
    this.messages.set(sid, msg);
    return { status: 201, body: msg };
  }

  private listMessages(req: RecordedRequest): Reply {
    const to = one(req.query, 'To');
    const from = one(req.query, 'From');
    const pageSize = Number(one(req.query, 'PageSize') ?? 50);
    const found = [...this.messages.values()]
      .filter((m) => (!to || m.to === to) && (!from || m.from === from))
      .reverse() // newest first, as Twilio lists them
      .slice(0, pageSize);
    const uri = `/2010-04-01/Accounts/${this.accountSid}/Messages.json`;
    return {
      status: 200,
      body: { messages: found, page: 0, page_size: pageSize, start: 0, end: Math.max(found.length - 1, 0), uri, first_page_uri: uri, next_page_uri: null, previous_page_uri: null },
    };
  }
}

function errorBody(status: number, code: number | undefined, message: string | undefined) {
  return {
    code: code ?? (status >= 500 ? 20500 : 20001),
    message: message ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request'),
    more_info: `https://www.twilio.com/docs/errors/${code ?? (status >= 500 ? 20500 : 20001)}`,
    status,
  };
}

function notFound(): Reply {
  return { status: 404, body: errorBody(404, 20404, 'The requested resource was not found') };
}
