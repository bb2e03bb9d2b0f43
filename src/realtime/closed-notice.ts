import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { HubEvents } from '../events.js';
import type { Logger } from '../logger.js';
import type { AgentNotifier } from '../routing/runtime/runtime.js';

/**
 * Tells agents' consoles that a conversation ended, whoever ended it: the
 * holder's own close, a supervisor, another tab or an API token, a caller
 * hanging up, the dialer, a customer abandoning in the queue. Driven by the
 * `conversation.closed` hub event (after commit), so it is one listener rather
 * than one emit per close path — a path that forgot to notify is how a closed
 * conversation used to stay in the inbox.
 *
 * The notifier logs each event with the agent's seq, so a console that was
 * away gets the close replayed when it reconnects.
 */
export function announceClosedToAgents(events: HubEvents, deps: { db: Db; notifier: AgentNotifier; log: Logger }): void {
  events.on('conversation.closed', ({ conversationId }) => {
    void notifyClosed(deps, conversationId).catch((err: unknown) => deps.log.warn({ err, conversationId }, 'closed-conversation notice failed'));
  });
}

async function notifyClosed(deps: { db: Db; notifier: AgentNotifier }, conversationId: string): Promise<void> {
  // Closing leaves assigned_agent_id as it was, so it still names the agent whose inbox lists it.
  const conv = await deps.db.selectFrom('conversations').select(['assigned_agent_id', 'status']).where('id', '=', conversationId).executeTakeFirst();
  if (!conv || conv.status !== 'closed') return;
  if (conv.assigned_agent_id) deps.notifier.notify(conv.assigned_agent_id, 'conversation:closed', { conversationId });

  // An agent whose phone or pop-up was still ringing for it (the caller hung up
  // in the queue): the close cancelled the offer in its own transaction, so the
  // offer's decided_at is the conversation's closed_at to the microsecond.
  const ringing = await deps.db
    .selectFrom('offers')
    .innerJoin('routing_tasks', 'routing_tasks.id', 'offers.task_id')
    .innerJoin('conversations', 'conversations.id', 'routing_tasks.conversation_id')
    .select(['offers.id', 'offers.agent_id'])
    .where('conversations.id', '=', conversationId)
    .where('offers.status', '=', 'cancelled')
    .where(sql<boolean>`offers.decided_at = conversations.closed_at`)
    .execute();
  for (const offer of ringing) deps.notifier.notify(offer.agent_id, 'offer:revoked', { offerId: offer.id, reason: 'cancelled' });
}
