import { EventEmitter } from 'node:events';
import type { Channel } from './contracts/index.js';

/** In-process notifications, emitted only after the transaction that caused them committed. */
export interface HubEventMap {
  'message.created': [{ messageId: string; conversationId: string; customerId: string; direction: 'in' | 'out' }];
  'task.created': [{ taskId: string }];
  'message.status': [{ messageId: string; conversationId: string }];
  /** An agent now owns the task (accepted offer or a supervisor's reassignment); voice bridges the call here. */
  'task.assigned': [{ taskId: string; conversationId: string; agentId: string; channel: Channel; previousAgentId: string | null }];
  /**
   * A conversation was closed, by anyone (staff, the API, a hang-up, the dialer, an abandoned call):
   * the holder's console drops it, a ringing offer for it is revoked, the web-chat widget offers a rating.
   */
  'conversation.closed': [ConversationClosed];
}

/** Carried by `conversation.closed`, taken from the close's own statements so listeners need no reads. */
export interface ConversationClosed {
  conversationId: string;
  channel: Channel;
  customerId: string;
  /** The agent whose inbox lists it (closing leaves the conversation's assignment as it was). */
  assignedAgentId: string | null;
  /** Offers still ringing for it that the close cancelled (the caller hung up in the queue). */
  revokedOffers: { offerId: string; agentId: string }[];
}

export class HubEvents extends EventEmitter<HubEventMap> {}
