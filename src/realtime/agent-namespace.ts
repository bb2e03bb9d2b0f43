import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import type { Ack, AgentClientToServer, AgentSelfDto, AgentServerToClient, ConversationDto } from '../contracts/index.js';
import type { InFlight } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import type { AgentNotifier, RoutingRuntime } from '../routing/runtime/runtime.js';
import type { StaffSocketData } from './auth.js';
import type { Presence } from './presence.js';

export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, Record<string, never>, StaffSocketData>;
type AgentSocket = Socket<AgentClientToServer, AgentServerToClient, Record<string, never>, StaffSocketData>;

export const agentRoom = (agentId: string) => `agent:${agentId}`;

const offerPayload = z.object({ offerId: z.uuid() });
const presencePayload = z.object({ status: z.enum(['available', 'away', 'break', 'offline']) });

/** Emits to an agent's room, so every console the agent has open on any hub process hears it. */
export function agentNotifier(ns: AgentNamespace): AgentNotifier {
  return {
    notify: (agentId, event, ...args) => {
      ns.to(agentRoom(agentId)).emit(event, ...args);
    },
  };
}

function invalid(error: z.ZodError): Extract<Ack, { ok: false }> {
  const issue = error.issues[0];
  return { ok: false, error: { code: 'invalid_payload', message: issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid payload' } };
}

/** Ack helper: a client that sent no callback gets nothing, and never crashes us. */
function ackOf<T>(ack: unknown): (res: T) => void {
  return typeof ack === 'function' ? (ack as (res: T) => void) : () => undefined;
}

export function attachAgentNamespace(ns: AgentNamespace, deps: { routing: RoutingRuntime; presence: Presence; log: Logger; inFlight: InFlight }): void {
  ns.on('connection', async (socket: AgentSocket) => {
    const agentId = socket.data.user.id;
    await socket.join(agentRoom(agentId));

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

    socket.on('disconnect', () => {
      void deps.presence
        .disconnected(agentId)
        .then(() => deps.routing.agentChanged(agentId))
        .catch((err: unknown) => deps.log.warn({ err }, 'presence update failed'));
    });

    try {
      await deps.presence.connected(agentId);
      const self = await deps.routing.agentSelf(agentId);
      if (self) socket.emit('presence', self);
      for (const offer of await deps.routing.pendingOffersFor(agentId)) socket.emit('offer', offer);
      await deps.routing.agentChanged(agentId);
    } catch (err) {
      deps.log.error({ err }, 'agent connect setup failed');
    }
  });
}
