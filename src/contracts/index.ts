// Type-only contract shared by the hub and agent-ui: both ends compile against
// these event maps, so a renamed field breaks the build instead of the demo.

export type Channel = 'webchat' | 'sms' | 'email' | 'voice';
export type Role = 'agent' | 'supervisor' | 'admin';
export type PresenceStatus = 'available' | 'away' | 'break' | 'offline';
export type MessageFrom = 'customer' | 'agent' | 'system';
export type DeliveryStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'failed';

/** Acknowledgement shape for every client → server event that takes a callback. */
export type Ack<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: string; message: string } };

export interface CustomerSummary {
  id: string;
  name: string | null;
  /** Identities the customer is known by (email, phone, chat visitor). */
  identities: { kind: 'email' | 'phone' | 'visitor'; value: string }[];
  /** An email the customer typed (web-chat pre-chat form), not verified. */
  unverifiedEmail: string | null;
}

export interface OfferDto {
  offerId: string;
  taskId: string;
  conversationId: string;
  channel: Channel;
  queue: string;
  customer: CustomerSummary;
  /** ISO time after which the offer is void and the task goes to the next agent. */
  expiresAt: string;
  /** First words of the customer's latest message, for the pop-up. */
  preview: string | null;
}

export interface MessageDto {
  id: string;
  conversationId: string;
  seq: number;
  channel: Channel;
  from: MessageFrom;
  authorName: string | null;
  body: string;
  status: DeliveryStatus;
  /** Why delivery failed or was refused, shown on the timeline. */
  statusReason: string | null;
  at: string;
  /** Channel details: SMS `segments` ({encoding, segments, charactersPerSegment, length}), MMS `attachments` ([{url, contentType}]). */
  metadata?: Record<string, unknown>;
}

export interface ConversationDto {
  id: string;
  channel: Channel;
  status: 'open' | 'closed';
  queue: string | null;
  customer: CustomerSummary;
  assignedAgentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TimelineDto {
  customer: CustomerSummary;
  conversations: (ConversationDto & { messages: MessageDto[] })[];
}

export interface AgentSelfDto {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: PresenceStatus;
  capacity: number;
  used: number;
}

// ---- /agent namespace -------------------------------------------------------

export interface AgentServerToClient {
  offer: (offer: OfferDto) => void;
  /** An offer this agent holds is gone (expired, taken back); the pop-up closes. */
  'offer:revoked': (payload: { offerId: string; reason: 'expired' | 'cancelled' }) => void;
  'conversation:assigned': (conversation: ConversationDto) => void;
  'conversation:message': (message: MessageDto) => void;
  /** Delivery status of an outbound message moved (queued → sent → delivered / failed). */
  'message:status': (payload: { id: string; conversationId: string; status: DeliveryStatus; statusReason: string | null }) => void;
  'conversation:closed': (payload: { conversationId: string }) => void;
  presence: (self: AgentSelfDto) => void;
}

export interface AgentClientToServer {
  'offer:accept': (payload: { offerId: string }, ack: (res: Ack<{ conversation: ConversationDto }>) => void) => void;
  'offer:reject': (payload: { offerId: string }, ack: (res: Ack) => void) => void;
  'presence:set': (payload: { status: PresenceStatus }, ack?: (res: Ack<{ self: AgentSelfDto }>) => void) => void;
}

// ---- /supervisor namespace -------------------------------------------------

export interface QueueStatsDto {
  queueId: string;
  name: string;
  channel: Channel;
  waiting: number;
  offered: number;
  longestWaitSeconds: number;
  /** Since midnight UTC. SL = answered within the threshold / answered; null before the first answer. */
  today: {
    offered: number;
    answered: number;
    abandoned: number;
    serviceLevel: number | null;
    serviceLevelTarget: number;
    thresholdSeconds: number;
    asaSeconds: number | null;
    abandonRate: number | null;
  };
}

export interface AgentStatsDto {
  id: string;
  name: string;
  status: PresenceStatus;
  connected: boolean;
  used: number;
  capacity: number;
  /** When the agent entered this status. */
  since: string;
  secondsInState: number;
  /** Open conversations assigned to the agent now. */
  conversations: number;
  /** Wrap-up ends at this time, when in wrap-up. */
  wrapUpUntil: string | null;
}

export interface SupervisorServerToClient {
  stats: (payload: { at: string; queues: QueueStatsDto[]; agents: AgentStatsDto[] }) => void;
}

export type SupervisorClientToServer = Record<string, never>;

// ---- /chat namespace (widget visitors) -------------------------------------

export interface ChatAuth {
  visitorToken?: string;
  /** Pre-chat form; used when the visitor is new or has no name/email yet. */
  name?: string;
  email?: string;
  /** Highest message sequence number the widget already shows; later ones are replayed. */
  lastSeq?: number;
}

export interface ChatMessageDto {
  id: string;
  seq: number;
  clientId: string | null;
  body: string;
  from: MessageFrom;
  at: string;
}

export interface ChatServerToClient {
  session: (payload: { visitorToken: string; conversationId: string | null }) => void;
  message: (message: ChatMessageDto) => void;
}

export interface ChatClientToServer {
  message: (
    payload: { clientId: string; body: string },
    ack: (res: Ack<{ id: string; seq: number; conversationId: string }>) => void,
  ) => void;
}
