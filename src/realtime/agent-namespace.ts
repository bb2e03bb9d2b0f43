import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import type { Ack, AgentClientToServer, AgentSelfDto, AgentServerToClient, ConversationDto, StaffViewerDto } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import type { InFlight } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import type { AgentNotifier, RoutingRuntime } from '../routing/runtime/runtime.js';
import type { StaffSocketData } from './auth.js';
import type { ConsoleSessions } from './console-sessions.js';
import type { AgentEventLog } from './event-log.js';
import type { Presence } from './presence.js';
import type { ConversationViewers } from './viewers.js';

export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, Record<string, never>, StaffSocketData>;
type AgentSocket = Socket<AgentClientToServer, AgentServerToClient, Record<string, never>, StaffSocketData>;

export const agentRoom = (agentId: string) => `agent:${agentId}`;
/** Every staff console that has the conversation open, on any hub process. */
export const viewingRoom = (conversationId: string) => `viewing:${conversationId}`;

const offerPayload = z.object({ offerId: z.uuid() });
const presencePayload = z.object({ status: z.enum(['available', 'away', 'break', 'offline']) });
const authPayload = z.object({ lastSeq: z.coerce.number().int().min(0).optional().catch(undefined) });
const replayPayload = z.object({ after: z.number().int().min(0) });
const typingPayload = z.object({ conversationId: z.uuid(), typing: z.boolean() });
const viewingPayload = z.object({ conversationId: z.uuid(), viewing: z.boolean() });

/**
 * Every event the hub pushes to an agent is logged with a per-agent seq and
 * replayed after a drop (new events included by default), except these: state
 * sent afresh on each connect, and momentary signals that are never stored.
 */
const UNSEQUENCED: ReadonlySet<string> = new Set<keyof AgentServerToClient>(['presence', 'events:sync', 'conversation:typing', 'conversation:viewers']);

type LooseEmit = { emit(event: string, ...args: unknown[]): unknown };

/**
 * Emits to an agent's room, so every console the agent has open on any hub
 * process hears it. Sequenced events are logged first and carry `{ seq }` as a
 * last argument; appends for one agent go over one Redis connection in call
 * order, so the emits leave in seq order too.
 */
export function agentNotifier(ns: AgentNamespace, log?: AgentEventLog, logger?: Logger): AgentNotifier {
  return {
    notify: (agentId, event, ...args) => {
      const room = ns.to(agentRoom(agentId)) as unknown as LooseEmit;
      if (!log || UNSEQUENCED.has(event)) {
        room.emit(event, ...args);
        return;
      }
      log.append(agentId, event, args).then(
        (seq) => room.emit(event, ...args, { seq }),
        (err: unknown) => {
          // Better late-detected than lost: without a seq the console cannot
          // spot the gap, but it still gets the event now.
          logger?.warn({ err, agentId, event }, 'agent event not logged');
          room.emit(event, ...args);
        },
      );
    },
  };
}

/** Sends this socket the events after `after` in order, then `events:sync`. */
async function replay(socket: AgentSocket, log: AgentEventLog, agentId: string, after: number | undefined): Promise<void> {
  if (after === undefined) {
    // A fresh console loads everything over HTTP; it only needs to know where the log stands.
    socket.emit('events:sync', { seq: await log.head(agentId), resync: false, replayed: 0 });
    return;
  }
  const result = await log.after(agentId, after);
  if (result.kind === 'resync') {
    socket.emit('events:sync', { seq: result.head, resync: true, replayed: 0 });
    return;
  }
  const loose = socket as unknown as LooseEmit;
  for (const e of result.events) loose.emit(e.event, ...e.args, { seq: e.seq });
  const last = result.events.at(-1)?.seq ?? after;
  socket.emit('events:sync', { seq: Math.max(result.head, last), resync: false, replayed: result.events.length });
}

function invalid(error: z.ZodError): Extract<Ack, { ok: false }> {
  const issue = error.issues[0];
  return { ok: false, error: { code: 'invalid_payload', message: issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid payload' } };
}

/** Ack helper: a client that sent no callback gets nothing, and never crashes us. */
function ackOf<T>(ack: unknown): (res: T) => void {
  return typeof ack === 'function' ? (ack as (res: T) => void) : () => undefined;
}

export interface AgentNamespaceDeps {
  routing: RoutingRuntime;
  presence: Presence;
  /** Puts back the status of an agent the hub marked offline after their last console went. */
  sessions?: ConsoleSessions;
  log: Logger;
  inFlight: InFlight;
  db: Db;
  events: AgentEventLog;
  viewers: ConversationViewers;
  /** Relays an agent's typing to the web-chat visitor (a customer's open widgets). */
  toVisitorTyping: (customerId: string, typing: boolean) => void;
}

export function attachAgentNamespace(ns: AgentNamespace, deps: AgentNamespaceDeps): void {
  const broadcastViewers = async (conversationId: string): Promise<StaffViewerDto[]> => {
    const viewers = await deps.viewers.list(conversationId);
    ns.to(viewingRoom(conversationId)).emit('conversation:viewers', { conversationId, viewers });
    return viewers;
  };
  /** Staff may watch what they may read: supervisors and admins anything, agents their own. */
  const mayRead = async (user: StaffSocketData['user'], conversationId: string) => {
    const conv = await deps.db.selectFrom('conversations').select(['assigned_agent_id', 'customer_id', 'channel']).where('id', '=', conversationId).executeTakeFirst();
    if (!conv) return null;
    if (user.role !== 'agent' || conv.assigned_agent_id === user.id) return conv;
    return null;
  };

  ns.on('connection', async (socket: AgentSocket) => {
    const agentId = socket.data.user.id;
    await socket.join(agentRoom(agentId));

    socket.on('events:replay', (payload: unknown) => {
      const parsed = replayPayload.safeParse(payload);
      if (!parsed.success) return;
      void replay(socket, deps.events, agentId, parsed.data.after).catch((err: unknown) => deps.log.warn({ err }, 'agent event replay failed'));
    });

    // Typing is relayed, never stored; a stale "typing…" expires on the receiving side.
    let lastTyping = { conversationId: '', typing: false, at: 0 };
    socket.on('conversation:typing', (payload: unknown) => {
      const parsed = typingPayload.safeParse(payload);
      if (!parsed.success) return;
      const { conversationId, typing } = parsed.data;
      const now = Date.now();
      const same = lastTyping.conversationId === conversationId && lastTyping.typing === typing;
      if (same && typing && now - lastTyping.at < 1000) return;
      lastTyping = { conversationId, typing, at: now };
      void mayRead(socket.data.user, conversationId)
        .then((conv) => {
          if (!conv) return;
          socket.to(viewingRoom(conversationId)).emit('conversation:typing', { conversationId, from: 'agent', name: socket.data.user.name, typing });
          if (conv.channel === 'webchat' && conv.assigned_agent_id === agentId) deps.toVisitorTyping(conv.customer_id, typing);
        })
        .catch((err: unknown) => deps.log.warn({ err }, 'typing relay failed'));
    });

    const stopViewing = async () => {
      const current = socket.data.viewing;
      if (!current) return;
      socket.data.viewing = undefined;
      await socket.leave(viewingRoom(current));
      await deps.viewers.remove(current, socket.id);
      await broadcastViewers(current);
    };
    // One viewing change at a time per socket: a quick leave-then-open must not interleave.
    let viewingQueue: Promise<unknown> = Promise.resolve();
    const serially = <T>(work: () => Promise<T>): Promise<T> => {
      const next = viewingQueue.then(work, work);
      viewingQueue = next.catch(() => undefined);
      return next;
    };
    socket.on('conversation:viewing', (payload: unknown, ack: unknown) => void deps.inFlight.track(serially(async () => {
      const reply = ackOf<Ack<{ viewers: StaffViewerDto[] }>>(ack);
      const parsed = viewingPayload.safeParse(payload);
      if (!parsed.success) return reply(invalid(parsed.error));
      const { conversationId, viewing } = parsed.data;
      try {
        if (!viewing) {
          if (socket.data.viewing === conversationId) await stopViewing();
          return reply({ ok: true, viewers: await deps.viewers.list(conversationId) });
        }
        if (!(await mayRead(socket.data.user, conversationId))) return reply({ ok: false, error: { code: 'not_found', message: 'no such conversation for you' } });
        if (socket.data.viewing !== conversationId) await stopViewing();
        socket.data.viewing = conversationId;
        await socket.join(viewingRoom(conversationId));
        const { id, name, role } = socket.data.user;
        await deps.viewers.add(conversationId, socket.id, { id, name, role });
        reply({ ok: true, viewers: await broadcastViewers(conversationId) });
      } catch (err) {
        deps.log.warn({ err }, 'viewing update failed');
        reply({ ok: false, error: { code: 'unavailable', message: 'try again' } });
      }
    })));

    socket.on('offer:accept', (payload: unknown, ack: unknown) => void deps.inFlight.track((async () => {
      const reply = ackOf<Ack<{ conversation: ConversationDto }>>(ack);
      const parsed = offerPayload.safeParse(payload);
      if (!parsed.success) return reply(invalid(parsed.error));
      try {
        const res = await deps.routing.accept(agentId, parsed.data.offerId);
        reply(res.ok ? { ok: true, conversation: res.value } : { ok: false, error: { code: res.code, message: res.message } });
      } catch (err) {
        deps.log.error({ err }, 'offer accept failed');
        reply({ ok: false, error: { code: 'unavailable', message: 'could not accept, try again' } });
      }
    })()));

    socket.on('offer:reject', (payload: unknown, ack: unknown) => void deps.inFlight.track((async () => {
      const reply = ackOf<Ack>(ack);
      const parsed = offerPayload.safeParse(payload);
      if (!parsed.success) return reply(invalid(parsed.error));
      try {
        const res = await deps.routing.reject(agentId, parsed.data.offerId);
        reply(res.ok ? { ok: true } : { ok: false, error: { code: res.code, message: res.message } });
      } catch (err) {
        deps.log.error({ err }, 'offer reject failed');
        reply({ ok: false, error: { code: 'unavailable', message: 'could not reject, try again' } });
      }
    })()));

    socket.on('presence:set', (payload: unknown, ack: unknown) => void deps.inFlight.track((async () => {
      const reply = ackOf<Ack<{ self: AgentSelfDto }>>(ack);
      const parsed = presencePayload.safeParse(payload);
      if (!parsed.success) return reply(invalid(parsed.error));
      try {
        const res = await deps.routing.setPresence(agentId, parsed.data.status);
        if (!res.ok) return reply({ ok: false, error: { code: res.code, message: res.message } });
        ns.to(agentRoom(agentId)).emit('presence', res.value);
        reply({ ok: true, self: res.value });
      } catch (err) {
        deps.log.error({ err }, 'presence change failed');
        reply({ ok: false, error: { code: 'unavailable', message: 'could not change status, try again' } });
      }
    })()));

    // Tracked: a hub stopping disconnects every socket, and this clean-up (Redis, and broadcasts that
    // the Redis adapter publishes) must finish before the hub closes its Redis connections.
    socket.on('disconnect', () => {
      void deps.inFlight.track(serially(stopViewing).catch((err: unknown) => deps.log.warn({ err }, 'viewing cleanup failed')));
      void deps.inFlight.track(
        deps.presence
          .disconnected(agentId)
          .then(() => deps.routing.agentChanged(agentId))
          .catch((err: unknown) => deps.log.warn({ err }, 'presence update failed')),
      );
    });

    const lastSeq = authPayload.safeParse(socket.handshake.auth ?? {}).data?.lastSeq;
    // Ahead of the offers and presence below, so the console sees history first.
    await replay(socket, deps.events, agentId, lastSeq).catch((err: unknown) => {
      deps.log.warn({ err }, 'agent event replay failed');
      // Cannot tell what was missed: have the console refetch.
      socket.emit('events:sync', { seq: 0, resync: true, replayed: 0 });
    });

    try {
      // Presence first, then the restore under the row lock: see ConsoleSessions for why this order.
      await deps.presence.connected(agentId);
      // A failed restore must not cost the console its offers: the agent can still set a status by hand.
      await deps.sessions?.resume(agentId).catch((err: unknown) => deps.log.warn({ err, agentId }, 'status restore failed'));
      const self = await deps.routing.agentSelf(agentId);
      if (self) socket.emit('presence', self);
      for (const offer of await deps.routing.pendingOffersFor(agentId)) socket.emit('offer', offer);
      await deps.routing.agentChanged(agentId);
    } catch (err) {
      deps.log.error({ err }, 'agent connect setup failed');
    }
  });
}
