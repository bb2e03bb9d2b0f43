import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Channel } from '../contracts/index.js';
import type { Db, Tx } from '../db/index.js';
import type { IdentityKind } from '../db/schema.js';
import type { HubEvents } from '../events.js';
import type { Ingest } from '../ingest/ingest.js';
import type { InFlight } from '../lifecycle.js';
import type { Logger } from '../logger.js';

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
  /** Stored on the message (attachments, segment count, headers). */
  metadata?: Record<string, unknown>;
  /** Merged into the conversation's channel_meta (e.g. the business number the customer wrote to). */
  conversationMeta?: Record<string, unknown>;
  /**
   * The conversation the adapter's own threading found (email In-Reply-To).
   * Used when it is open and belongs to the resolved customer; otherwise the
   * customer's open conversation on the channel is used, or a new one opened.
   */
  threadConversationId?: string | null;
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

/** What the hub gives each channel module when it starts. */
export interface ChannelContext {
  config: Config;
  db: Db;
  redis: Redis;
  log: Logger;
  ingest: Ingest;
  events: HubEvents;
  /** Track webhook or fetch work so graceful shutdown waits for it. */
  inFlight: InFlight;
  /** Secret for encrypting stored credentials (SECRET_KEY or the generated one). */
  secretKey: string;
  /** Test seams and deployment hooks, per channel (e.g. a Twilio HTTP client that records calls). */
  options: ChannelOptions;
  /**
   * Runs inside the transaction that records a phone's opt-out keyword (SMS STOP / START), so the
   * company's other consent lists (the dialer's do-not-call list) change in the same commit. The hub
   * wires it; a channel does not know who listens.
   */
  onPhoneOptChange(tx: Tx, phone: string, optedOut: boolean): Promise<void>;
  /** What a channel may ask of routing: put an assigned task back in line, or end a conversation. */
  routing: {
    /** `queueId`: the task moves to that queue (keeping its place by enqueue time), e.g. a call transferred to another queue. */
    requeue(conversationId: string, reason: string, opts?: { queueId?: string }): Promise<boolean>;
    closeConversation(conversationId: string): Promise<boolean>;
    /** Give an assigned or waiting conversation to another agent now (voice: cold transfer to an agent); emits task.assigned. */
    reassign?(conversationId: string, toAgentId: string): Promise<{ ok: true } | { ok: false; code: string; message: string }>;
  };
}

export interface ChannelOptions {
  /** Replaces the twilio client's HTTP layer (tests: a local recording fake). */
  twilioHttpClient?: unknown;
  /** Folder for email attachments and raw messages. */
  attachmentsDir?: string;
  [key: string]: unknown;
}

/** One channel, as the hub sees it: an adapter for the outbox, routes, and a life cycle. */
export interface ChannelModule {
  channel: Channel;
  adapter?: ChannelAdapter;
  /** Mounted after the body parsers; webhook routes check their own signatures, API routes their roles. */
  routers?: Router[];
  start?(): Promise<void>;
  /** Stop fetching and finish work under way. */
  stop?(): Promise<void>;
}

export type ChannelFactory = (ctx: ChannelContext) => ChannelModule | Promise<ChannelModule>;
