import { sql } from 'kysely';
import { z } from 'zod';
import type { Ack } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import type { HubEvents } from '../events.js';
import type { Logger } from '../logger.js';
import { customerRoom, type ChatNamespace } from '../channels/webchat/outbound.js';

export const csatSchema = z.object({
  conversationId: z.uuid('must be a conversation id'),
  score: z.number('score must be a number').int('score must be a whole number').min(1, 'score must be 1 to 5').max(5, 'score must be 1 to 5'),
  comment: z.string().trim().max(2000, 'comment is longer than 2000 characters').optional(),
});

export type CsatAck = Ack<{ score: number; comment: string | null }>;

/**
 * Stores a visitor's rating of their own closed web-chat conversation. The
 * visitor is known only by the hash of their token, so a conversation of
 * anyone else is "not found". The first rating counts; a repeat (a retry after
 * a lost acknowledgement, a second tab) is answered with the stored one.
 */
export async function rateConversation(db: Db, visitorTokenHash: string, payload: unknown): Promise<CsatAck> {
  const parsed = csatSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, error: { code: 'invalid_rating', message: parsed.error.issues[0]?.message ?? 'invalid rating' } };
  const { conversationId, score } = parsed.data;
  const comment = parsed.data.comment ? parsed.data.comment : null;
  const conversation = await db
    .selectFrom('conversations')
    .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
    .select(['conversations.status'])
    .where('conversations.id', '=', conversationId)
    .where('conversations.channel', '=', 'webchat')
    .where('customer_identities.kind', '=', 'visitor')
    .where('customer_identities.value', '=', visitorTokenHash)
    .executeTakeFirst();
  if (!conversation) return { ok: false, error: { code: 'not_found', message: 'no such conversation of yours' } };
  if (conversation.status !== 'closed') return { ok: false, error: { code: 'not_closed', message: 'a conversation is rated after it is closed' } };
  await db
    .insertInto('csat_responses')
    .values({ conversation_id: conversationId, score, comment })
    .onConflict((oc) => oc.column('conversation_id').doNothing())
    .execute();
  const stored = await db.selectFrom('csat_responses').select(['score', 'comment']).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow();
  return { ok: true, score: stored.score, comment: stored.comment };
}

/** How long after closing a returning visitor is still asked to rate the chat. */
export const RATING_WINDOW_HOURS = 24;

/** Closed recently and not rated: a reconnecting widget shows the question again. */
export async function awaitingRating(db: Db, conversationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('conversations')
    .leftJoin('csat_responses', 'csat_responses.conversation_id', 'conversations.id')
    .select('conversations.id')
    .where('conversations.id', '=', conversationId)
    .where('conversations.status', '=', 'closed')
    .where('conversations.closed_at', '>', sql<Date>`now() - make_interval(hours => ${RATING_WINDOW_HOURS})`)
    .where('csat_responses.id', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Tells the visitor's open widgets that their web-chat conversation was closed, so they can ask for a rating. */
export function announceClosedChats(chat: ChatNamespace, events: HubEvents, log: Logger): void {
  events.on('conversation.closed', ({ conversationId, channel, customerId }) => {
    if (channel !== 'webchat') return;
    // The emitter runs listeners inside the closer's call: a failed notice must not fail a committed close.
    try {
      chat.to(customerRoom(customerId)).emit('conversation:closed', { conversationId });
    } catch (err) {
      log.warn({ err, conversationId }, 'closed-chat notice failed');
    }
  });
}
