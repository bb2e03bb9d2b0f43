import type { ConversationClosed, HubEvents } from '../events.js';
import type { Logger } from '../logger.js';
import type { AgentNotifier } from '../routing/runtime/runtime.js';

/**
 * Tells agents' consoles that a conversation ended, whoever ended it: the
 * holder's own close, a supervisor, another tab or an API token, a caller
 * hanging up, the dialer, a customer abandoning in the queue. Driven by the
 * `conversation.closed` hub event (after commit), so it is one listener rather
 * than one emit per close path — a path that forgot to notify is how a closed
 * conversation used to stay in the inbox. The event carries what the close
 * statement returned, so no notice costs a read.
 *
 * The notifier logs each event with the agent's seq, so a console that was
 * away gets the close replayed when it reconnects.
 */
export function announceClosedToAgents(events: HubEvents, deps: { notifier: AgentNotifier; log: Logger }): void {
  events.on('conversation.closed', (closed) => {
    // The emitter runs listeners inside the closer's call: a failed notice must not fail a committed close.
    try {
      notifyClosed(deps.notifier, closed);
    } catch (err) {
      deps.log.warn({ err, conversationId: closed.conversationId }, 'closed-conversation notice failed');
    }
  });
}

function notifyClosed(notifier: AgentNotifier, closed: ConversationClosed): void {
  const { conversationId } = closed;
  if (closed.assignedAgentId) notifier.notify(closed.assignedAgentId, 'conversation:closed', { conversationId });
  // An agent whose phone or pop-up was still ringing for it (the caller hung up in the queue).
  for (const offer of closed.revokedOffers) notifier.notify(offer.agentId, 'offer:revoked', { offerId: offer.offerId, reason: 'cancelled' });
}
