import { sql } from 'kysely';
import { smsSegments } from '../domain/sms-segments.js';
import type { Db } from '../db/index.js';
import type { MessageRow } from '../db/schema.js';
import { conflict, notFound } from '../errors.js';

/**
 * Stores an agent's reply and its outbox row in one transaction. Sending
 * happens later, from the outbox, so a reply the API acknowledged is never lost.
 */
export async function storeReply(db: Db, conversationId: string, authorUserId: string, body: string): Promise<{ message: MessageRow; outboxId: string; customerId: string }> {
  return db.transaction().execute(async (tx) => {
    const conv = await tx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', conversationId)
      .where('status', '=', 'open')
      .returning(['last_seq', 'channel', 'customer_id'])
      .executeTakeFirst();
    if (!conv) {
      const exists = await tx.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst();
      throw exists ? conflict('conversation_closed', 'the conversation is closed') : notFound('conversation');
    }
    const message = await tx
      .insertInto('messages')
      .values({
        conversation_id: conversationId,
        seq: conv.last_seq,
        channel: conv.channel,
        direction: 'out',
        sender: 'agent',
        author_user_id: authorUserId,
        body,
        external_id: null,
        status: 'queued',
        status_reason: null,
        // The console shows what an SMS reply costs.
        metadata: JSON.stringify(conv.channel === 'sms' ? { segments: smsSegments(body) } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const outbox = await tx.insertInto('outbox').values({ message_id: message.id, channel: conv.channel, last_error: null }).returning('id').executeTakeFirstOrThrow();
    return { message, outboxId: outbox.id, customerId: conv.customer_id };
  });
}
