import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChatMessageDto } from '../../contracts/index.js';
import type { Db } from '../../db/index.js';
import { hashVisitorToken, normalizeEmail } from '../../domain/identity.js';
import type { Ingest } from '../../ingest/ingest.js';
import type { InFlight } from '../../lifecycle.js';
import type { Logger } from '../../logger.js';
import { awaitingRating, rateConversation, type CsatAck } from '../../reports/csat.js';
import { customerRoom, type ChatNamespace } from './outbound.js';

const authSchema = z.object({
  visitorToken: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/).optional().catch(undefined),
  name: z.string().trim().min(1).max(120).optional().catch(undefined),
  email: z.string().trim().max(254).optional().catch(undefined),
  lastSeq: z.coerce.number().int().min(0).optional().catch(undefined),
});

const messageSchema = z.object({
  clientId: z.string().min(1).max(100),
  body: z.string().trim().min(1, 'message is empty').max(5000, 'message is longer than 5000 characters'),
});

export interface WebchatInboundDeps {
  db: Db;
  ingest: Ingest;
  log: Logger;
  inFlight: InFlight;
  /** Relays the visitor's typing to staff (never stored). */
  onTyping?: (customerId: string, typing: boolean) => void;
}

const typingSchema = z.object({ typing: z.boolean() });
/** A held key repeats "typing" at most this often towards the agent. */
const TYPING_REPEAT_MS = 1000;

/**
 * The /chat namespace. A visitor is known only by a random bearer token the
 * widget keeps; we store its hash as the customer's "visitor" identity, so
 * every read is scoped to the customer that token belongs to.
 */
export function attachWebchat(chat: ChatNamespace, deps: WebchatInboundDeps): void {
  chat.on('connection', async (socket) => {
    const auth = authSchema.safeParse(socket.handshake.auth ?? {});
    const a = auth.success ? auth.data : {};
    const visitorToken = a.visitorToken ?? randomBytes(24).toString('base64url');
    const tokenHash = hashVisitorToken(visitorToken);
    const profile = { name: a.name ?? null, email: a.email ? normalizeEmail(a.email) : null };

    // Listen first: a message sent right after connecting must not be missed.
    let ready: Promise<void> = Promise.resolve();
    let customerId: string | null = null;
    let lastTyping = { typing: false, at: 0 };
    socket.on('typing', (payload: unknown) => {
      const parsed = typingSchema.safeParse(payload);
      if (!parsed.success || !customerId || !deps.onTyping) return;
      const now = Date.now();
      if (parsed.data.typing === lastTyping.typing && (!parsed.data.typing || now - lastTyping.at < TYPING_REPEAT_MS)) return;
      lastTyping = { typing: parsed.data.typing, at: now };
      deps.onTyping(customerId, parsed.data.typing);
    });
    socket.on('message', (payload: unknown, ack: unknown) => void deps.inFlight.track(onMessage(payload, ack)));
    socket.on('csat', (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: CsatAck) => void) : () => undefined;
      void deps.inFlight.track(
        rateConversation(deps.db, tokenHash, payload)
          .then(reply)
          .catch((err: unknown) => {
            deps.log.error({ err }, 'web-chat rating not stored');
            reply({ ok: false, error: { code: 'unavailable', message: 'rating not stored, please retry' } });
          }),
      );
    });
    const onMessage = async (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
      const parsed = messageSchema.safeParse(payload);
      if (!parsed.success) {
        reply({ ok: false, error: { code: 'invalid_message', message: parsed.error.issues[0]?.message ?? 'invalid message' } });
        return;
      }
      try {
        await ready;
        const result = await deps.ingest.ingest({
          channel: 'webchat',
          // Scoped by visitor so one visitor's client ids can never collide with another's.
          externalId: `${tokenHash.slice(0, 32)}:${parsed.data.clientId}`,
          identities: [{ kind: 'visitor', value: tokenHash }],
          customerName: profile.name,
          unverifiedEmail: profile.email,
          body: parsed.data.body,
        });
        const room = customerRoom(result.customerId);
        customerId = result.customerId;
        // Sending ends typing: the agent's indicator must not outlive the message.
        if (lastTyping.typing) {
          lastTyping = { typing: false, at: Date.now() };
          deps.onTyping?.(result.customerId, false);
        }
        if (!socket.rooms.has(room)) {
          await socket.join(room);
          socket.emit('session', { visitorToken, conversationId: result.conversationId });
        }
        reply({ ok: true, id: result.message.id, seq: result.message.seq, conversationId: result.conversationId });
        // Other tabs of the same visitor show it too.
        socket.to(room).emit('message', toChat(result.message, parsed.data.clientId));
      } catch (err) {
        deps.log.error({ err }, 'web-chat message not stored');
        reply({ ok: false, error: { code: 'unavailable', message: 'message not stored, please retry' } });
      }
    };

    ready = (async () => {
      const known = await deps.db
        .selectFrom('customer_identities')
        .select('customer_id')
        .where('kind', '=', 'visitor')
        .where('value', '=', tokenHash)
        .executeTakeFirst();
      if (!known) {
        socket.emit('session', { visitorToken, conversationId: null });
        return;
      }
      await socket.join(customerRoom(known.customer_id));
      customerId = known.customer_id;
      const conversation = await deps.db
        .selectFrom('conversations')
        .select('id')
        .where('customer_id', '=', known.customer_id)
        .where('channel', '=', 'webchat')
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      socket.emit('session', { visitorToken, conversationId: conversation?.id ?? null });
      if (!conversation) return;
      // Replay what the widget has not shown yet: nothing lost across reconnects.
      const missed = await deps.db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversation.id)
        .where('seq', '>', a.lastSeq ?? 0)
        .where('status', 'not in', ['queued', 'failed'])
        .orderBy('seq')
        .execute();
      for (const m of missed) socket.emit('message', toChat(m, m.direction === 'in' ? clientIdOf(m.external_id) : null));
      // Closed while the widget was away and not rated yet: it may still ask.
      if (await awaitingRating(deps.db, conversation.id)) socket.emit('conversation:closed', { conversationId: conversation.id });
    })().catch((err: unknown) => {
      deps.log.error({ err }, 'web-chat session setup failed');
      socket.disconnect(true);
    });
  });
}

function clientIdOf(externalId: string | null): string | null {
  if (!externalId) return null;
  const i = externalId.indexOf(':');
  return i >= 0 ? externalId.slice(i + 1) : null;
}

function toChat(m: { id: string; seq: number; body: string; sender: 'customer' | 'agent' | 'system'; created_at: Date }, clientId: string | null): ChatMessageDto {
  return { id: m.id, seq: m.seq, clientId, body: m.body, from: m.sender, at: m.created_at.toISOString() };
}
