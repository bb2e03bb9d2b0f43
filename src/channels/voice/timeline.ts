import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { HubEvents } from '../../events.js';

export interface TimelineNote {
  conversationId: string;
  body: string;
  metadata?: Record<string, unknown>;
  /**
   * Makes the note idempotent (unique per channel with the messages' own
   * external ids): a repeated webhook does not add it twice. Prefixed `voice:`.
   */
  key?: string;
}

/**
 * Adds a system line about the call to the conversation's timeline (agent
 * connected, hold, transfer, recording, call ended) and tells the assigned
 * agent's console after commit. Works on closed conversations too: a
 * recording can arrive after the call ended.
 */
export async function addNote(db: Db, events: HubEvents, note: TimelineNote): Promise<string | null> {
  const written = await db.transaction().execute(async (tx) => {
    if (note.key) {
      const seen = await tx.selectFrom('messages').select('id').where('channel', '=', 'voice').where('external_id', '=', `voice:${note.key}`).executeTakeFirst();
      if (seen) return null;
    }
    const conv = await tx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', note.conversationId)
      .returning(['last_seq', 'customer_id'])
      .executeTakeFirst();
    if (!conv) return null;
    const message = await tx
      .insertInto('messages')
      .values({
        conversation_id: note.conversationId,
        seq: conv.last_seq,
        channel: 'voice',
        direction: 'in',
        sender: 'system',
        author_user_id: null,
        body: note.body,
        external_id: note.key ? `voice:${note.key}` : null,
        status: 'received',
        status_reason: null,
        metadata: JSON.stringify({ voice: true, ...(note.metadata ?? {}) }),
      })
      .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!message) throw new RaceLost();
    return { messageId: message.id, customerId: conv.customer_id };
  }).catch((err: unknown) => {
    if (err instanceof RaceLost) return null;
    throw err;
  });
  if (!written) return null;
  events.emit('message.created', { messageId: written.messageId, conversationId: note.conversationId, customerId: written.customerId, direction: 'in' });
  return written.messageId;
}

class RaceLost extends Error {}

export const formatDuration = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
