import type { Channel } from '../contracts/index.js';
import type { IdentityKind } from '../db/schema.js';

/** What every channel adapter hands to ingest: one contact from the outside, normalised. */
export interface InboundEvent {
  channel: Channel;
  /** The provider's id for this message (MessageSid, Message-ID, chat client id), already scoped so it is unique per channel. */
  externalId: string;
  /** Strongest identity first: the first one already known decides the customer. */
  identities: { kind: IdentityKind; value: string }[];
  customerName?: string | null;
  /** Details the customer gave but did not prove (a pre-chat email); stored on the profile, never used to match. */
  unverifiedEmail?: string | null;
  body: string;
  /** Queue by name; the channel's default queue when absent or unknown. */
  queueName?: string;
  metadata?: Record<string, unknown>;
}

/** A reply on its way out, as the outbox worker hands it to an adapter. */
export interface OutboundMessage {
  outboxId: string;
  messageId: string;
  conversationId: string;
  customerId: string;
  channel: Channel;
  seq: number;
  body: string;
  at: Date;
}

export interface SendResult {
  /** The provider's id for the sent message, when it gives one. */
  externalId?: string;
  status: 'sent' | 'delivered';
}

export interface ChannelAdapter {
  readonly channel: Channel;
  send(message: OutboundMessage): Promise<SendResult>;
}

/** A send that must not be retried: an invalid address, an opted-out customer. Becomes a failed status on the timeline. */
export class PermanentSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}
