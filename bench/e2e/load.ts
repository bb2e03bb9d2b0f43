/**
 * Load generator for e2e-chat, run as a child process so the clients do not share the server's
 * event loop. It connects the agent consoles and a pool of web-chat visitors, then, per phase,
 * sends visitor messages at a fixed rate and measures the time from the visitor's `message` emit
 * to the agent's `offer` (both timestamps taken here, on one clock).
 *
 * mode 'hub':  real Pasokh. Agents set themselves available, accept every offer and close the
 *              conversation (POST /api/conversations/:id/close) so capacity frees; a visitor whose
 *              conversation was closed sends again and so opens a new conversation.
 * mode 'bare': a bare express + socket.io relay: the server hands each visitor message to one agent
 *              socket as `offer`. The ceiling of the transport on this machine.
 */
import { io as connect, type Socket } from 'socket.io-client';

export type LoadCommand =
  | { type: 'setup'; mode: 'hub' | 'bare'; url: string; agentCookies: string[]; visitors: number }
  | { type: 'phase'; rate: number; durationMs: number; drainMs: number }
  /** Waits until every conversation sent so far was offered and closed (or the timeout). */
  | { type: 'settle'; timeoutMs: number }
  | { type: 'stop' };

export type LoadReport =
  | { type: 'ready'; agents: number; visitors: number; ms: number }
  | { type: 'phase'; result: PhaseResult }
  | { type: 'settled'; busy: number; ms: number }
  | { type: 'error'; message: string };

export interface PhaseResult {
  rate: number;
  sent: number;
  delivered: number;
  achievedRate: number;
  p50: number;
  p99: number;
  max: number;
  /** Sends skipped because no visitor was free (every conversation still open). */
  poolDry: number;
  errors: number;
  /** Offers seen for messages sent in this phase within the drain time. */
  deliveredFraction: number;
}

interface Pending {
  sentAt: number;
  phase: number;
  visitor: Visitor;
  done: boolean;
}

interface Visitor {
  socket: Socket;
  busy: boolean;
  /** Permanently out of the pool (its conversation never got an offer). */
  lost: boolean;
}

const now = () => performance.now();

let mode: 'hub' | 'bare' = 'hub';
let url = '';
const agents: Socket[] = [];
const visitors: Visitor[] = [];
let msgSeq = 0;
let phaseNo = 0;
const byClientId = new Map<string, Pending>();
const byConversation = new Map<string, Pending>();
/** Offers that arrived before the visitor's ack told us which conversation it was. */
const earlyOffers = new Map<string, number>();
const latencies = new Map<number, number[]>();
const errorsByPhase = new Map<number, number>();
let cookies: string[] = [];

function send(r: LoadReport): void {
  process.send?.(r);
}

function record(p: Pending, at: number): void {
  if (p.done) return;
  p.done = true;
  const list = latencies.get(p.phase) ?? [];
  list.push(at - p.sentAt);
  latencies.set(p.phase, list);
}

function countError(): void {
  errorsByPhase.set(phaseNo, (errorsByPhase.get(phaseNo) ?? 0) + 1);
}

function waitConnect(s: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
}

async function setup(cmd: Extract<LoadCommand, { type: 'setup' }>): Promise<void> {
  const started = now();
  mode = cmd.mode;
  url = cmd.url;
  cookies = cmd.agentCookies;
  const opts = { transports: ['websocket'], forceNew: true, reconnection: false };
  // Agents, a few at a time.
  for (let i = 0; i < cookies.length; i += 20) {
    await Promise.all(
      cookies.slice(i, i + 20).map(async (cookie, j) => {
        const s = connect(`${url}/agent`, { ...opts, extraHeaders: { cookie } });
        await waitConnect(s);
        const idx = i + j;
        s.on('offer', (offer: { offerId?: string; conversationId: string; clientId?: string }) => onOffer(s, idx, offer));
        if (mode === 'hub') {
          await new Promise<void>((resolve, reject) => {
            s.emit('presence:set', { status: 'available' }, (res: { ok: boolean; error?: { message: string } }) => (res.ok ? resolve() : reject(new Error(res.error?.message))));
          });
        }
        agents.push(s);
      }),
    );
  }
  for (let i = 0; i < cmd.visitors; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, cmd.visitors - i) }, async () => {
        const s = connect(`${url}/chat`, { ...opts, auth: {} });
        if (mode === 'hub') {
          await new Promise<void>((resolve, reject) => {
            s.once('session', () => resolve());
            s.once('connect_error', reject);
          });
        } else await waitConnect(s);
        visitors.push({ socket: s, busy: false, lost: false });
      }),
    );
  }
  send({ type: 'ready', agents: agents.length, visitors: visitors.length, ms: now() - started });
}

function onOffer(agent: Socket, idx: number, offer: { offerId?: string; conversationId: string; clientId?: string }): void {
  const at = now();
  if (mode === 'bare') {
    const p = offer.clientId ? byClientId.get(offer.clientId) : undefined;
    if (p) {
      record(p, at);
      byClientId.delete(offer.clientId!);
    }
    return;
  }
  const p = byConversation.get(offer.conversationId);
  if (p) record(p, at);
  else earlyOffers.set(offer.conversationId, at);
  // Accept, then close so the agent's capacity comes back and the visitor may start a new conversation.
  agent.emit('offer:accept', { offerId: offer.offerId }, (res: { ok: boolean }) => {
    if (!res.ok) {
      countError();
      return;
    }
    void fetch(`${url}/api/conversations/${offer.conversationId}/close`, { method: 'POST', headers: { cookie: cookies[idx]! } })
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.status !== 200) countError();
      })
      .catch(() => countError())
      .finally(() => {
        const q = byConversation.get(offer.conversationId);
        if (q) {
          byConversation.delete(offer.conversationId);
          // Free again, even if an earlier phase had given up on it.
          q.visitor.busy = false;
          q.visitor.lost = false;
        }
      });
  });
}

function sendOne(phase: number): Pending | null {
  let v: Visitor | undefined;
  if (mode === 'bare') v = visitors[msgSeq % visitors.length];
  else {
    // Round robin over idle visitors.
    for (let k = 0; k < visitors.length; k++) {
      const c = visitors[(msgSeq + k) % visitors.length]!;
      if (!c.busy && !c.lost) {
        v = c;
        break;
      }
    }
  }
  if (!v) return null;
  const clientId = `m${++msgSeq}`;
  const p: Pending = { sentAt: now(), phase, visitor: v, done: false };
  if (mode === 'hub') v.busy = true;
  else byClientId.set(clientId, p);
  v.socket.emit('message', { clientId, body: `hello ${clientId}` }, (res: { ok: boolean; conversationId?: string }) => {
    if (!res.ok || !res.conversationId) {
      countError();
      v.busy = false;
      return;
    }
    if (mode !== 'hub') return;
    byConversation.set(res.conversationId, p);
    const early = earlyOffers.get(res.conversationId);
    if (early !== undefined) {
      earlyOffers.delete(res.conversationId);
      record(p, early);
    }
  });
  return p;
}

async function phase(cmd: Extract<LoadCommand, { type: 'phase' }>): Promise<void> {
  const id = ++phaseNo;
  const pendings: Pending[] = [];
  const start = now();
  let sent = 0;
  let dry = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(now() - start, cmd.durationMs);
      const due = Math.floor((elapsed / 1000) * cmd.rate);
      while (sent < due) {
        const p = sendOne(id);
        if (!p) {
          dry += due - sent;
          sent = due; // skipped: counted as not sent
          break;
        }
        sent += 1;
        pendings.push(p);
      }
      if (now() - start >= cmd.durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const actuallySent = sent - dry;
  await new Promise((r) => setTimeout(r, cmd.drainMs));
  const list = (latencies.get(id) ?? []).slice().sort((a, b) => a - b);
  const q = (f: number) => (list.length === 0 ? Number.NaN : list[Math.min(list.length - 1, Math.max(0, Math.ceil(f * list.length) - 1))]!);
  // Visitors whose conversation never got an offer are taken out of the pool for good.
  for (const p of pendings) if (!p.done && mode === 'hub') p.visitor.lost = true;
  send({
    type: 'phase',
    result: {
      rate: cmd.rate,
      sent: actuallySent,
      delivered: list.length,
      achievedRate: actuallySent / (cmd.durationMs / 1000),
      p50: q(0.5),
      p99: q(0.99),
      max: list.length > 0 ? list[list.length - 1]! : Number.NaN,
      poolDry: dry,
      errors: errorsByPhase.get(id) ?? 0,
      deliveredFraction: actuallySent > 0 ? list.length / actuallySent : 0,
    },
  });
}

process.on('message', (cmd: LoadCommand) => {
  void (async () => {
    try {
      if (cmd.type === 'setup') await setup(cmd);
      else if (cmd.type === 'phase') await phase(cmd);
      else if (cmd.type === 'settle') {
        const t0 = now();
        const busy = () => visitors.filter((v) => v.busy).length;
        while (busy() > 0 && now() - t0 < cmd.timeoutMs) await new Promise((r) => setTimeout(r, 100));
        send({ type: 'settled', busy: busy(), ms: now() - t0 });
      }
      else {
        for (const s of agents) s.disconnect();
        for (const v of visitors) v.socket.disconnect();
        process.disconnect?.();
        setTimeout(() => process.exit(0), 100).unref();
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  })();
});
