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

/** A private note on a conversation: staff only, never sent on any channel. */
export interface NoteDto {
  id: string;
  conversationId: string;
  authorId: string | null;
  authorName: string | null;
  body: string;
  /** Users the note @mentions, resolved when it was written. */
  mentions: { id: string; name: string }[];
  at: string;
}

// ---- /agent namespace -------------------------------------------------------

/**
 * Envelope passed as an extra, last argument with every event the hub logs for
 * an agent (offers, assignments, messages, statuses, closes): `seq` rises by one
 * per event for that agent, so a console can tell a duplicate or a gap.
 * Listeners that read only the first argument are unaffected.
 */
export interface AgentEventMeta {
  seq: number;
}

/** Handshake `auth` of the /agent socket. */
export interface AgentAuth {
  /** Highest event seq the console has applied; the hub replays everything after it. */
  lastSeq?: number;
}

export interface StaffViewerDto {
  id: string;
  name: string;
  role: Role;
}

export interface AgentServerToClient {
  offer: (offer: OfferDto, meta?: AgentEventMeta) => void;
  /** An offer this agent holds is gone (expired, taken back); the pop-up closes. */
  'offer:revoked': (payload: { offerId: string; reason: 'expired' | 'cancelled' }, meta?: AgentEventMeta) => void;
  'conversation:assigned': (conversation: ConversationDto, meta?: AgentEventMeta) => void;
  'conversation:message': (message: MessageDto, meta?: AgentEventMeta) => void;
  /** Delivery status of an outbound message moved (queued → sent → delivered / failed). */
  'message:status': (payload: { id: string; conversationId: string; status: DeliveryStatus; statusReason: string | null }, meta?: AgentEventMeta) => void;
  'conversation:closed': (payload: { conversationId: string }, meta?: AgentEventMeta) => void;
  presence: (self: AgentSelfDto) => void;
  /**
   * After every connect (and `events:replay`), once missed events have been
   * replayed: `seq` is the newest event issued. `resync` true: the gap was older
   * than the hub keeps, so refetch the conversation list and the open conversation.
   */
  'events:sync': (payload: { seq: number; resync: boolean; replayed: number }) => void;
  /** Someone is typing in a conversation this agent holds or views (never stored). */
  'conversation:typing': (payload: { conversationId: string; from: 'customer' | 'agent'; name: string | null; typing: boolean }) => void;
  /** Staff who have this conversation open now (the receiver included). */
  'conversation:viewers': (payload: { conversationId: string; viewers: StaffViewerDto[] }) => void;
  /** A private note on a conversation this agent works (staff only, never the customer). */
  'conversation:note': (note: NoteDto) => void;
  /** Someone @mentioned this user in a private note. */
  'note:mention': (payload: { note: NoteDto; authorName: string }) => void;
}

export interface AgentClientToServer {
  'offer:accept': (payload: { offerId: string }, ack: (res: Ack<{ conversation: ConversationDto }>) => void) => void;
  'offer:reject': (payload: { offerId: string }, ack: (res: Ack) => void) => void;
  'presence:set': (payload: { status: PresenceStatus }, ack?: (res: Ack<{ self: AgentSelfDto }>) => void) => void;
  /** Replay events after `after` now (a gap noticed while connected); answered by `events:sync`. */
  'events:replay': (payload: { after: number }) => void;
  /** The agent is (or stopped) typing a reply; relayed to the web-chat visitor. */
  'conversation:typing': (payload: { conversationId: string; typing: boolean }) => void;
  /** This console shows the conversation now (`viewing` false: not any more). */
  'conversation:viewing': (payload: { conversationId: string; viewing: boolean }, ack?: (res: Ack<{ viewers: StaffViewerDto[] }>) => void) => void;
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

export interface DialerRateDto {
  /** (abandoned + AMD false positives) / (live + false positives); 0 before any live answer. */
  rate: number;
  live: number;
  abandoned: number;
  machine: number;
  falsePositives: number;
}

/** One outbound campaign's live figures (GET /api/dialer/campaigns/:id/stats, the supervisor feed). */
export interface DialerCampaignStatsDto {
  campaignId: string;
  name: string;
  status: 'draft' | 'running' | 'paused' | 'completed';
  mode: 'preview' | 'progressive' | 'predictive';
  ruleSet: 'US' | 'UK';
  /** The campaign's abandonment target (a fraction). */
  target: number;
  /** FCC counting over 30 days (the campaign's life when younger). */
  abandon30d: DialerRateDto;
  /** The last 24 hours; Ofcom counting (AMD false positives included) for UK campaigns. */
  abandon24h: DialerRateDto;
  attempts: number;
  connected: number;
  abandoned: number;
  machines: number;
  noAnswer: number;
  inFlight: number;
  /** Why the runtime paused the campaign (the abandonment backstop), if it did. */
  pausedReason: string | null;
}

export interface SupervisorServerToClient {
  stats: (payload: { at: string; queues: QueueStatsDto[]; agents: AgentStatsDto[] }) => void;
  dialer: (payload: { at: string; campaigns: DialerCampaignStatsDto[] }) => void;
}

export type SupervisorClientToServer = Record<string, never>;

// ---- reports (GET /api/reports) -----------------------------------------------

/**
 * One queue's or agent's figures over the report range; rates are fractions (0.8 = 80 %), null when undefined.
 * Agent rows credit each agent with their own assignment segments (see src/reports/metrics.ts).
 */
export interface ReportRowDto {
  id: string;
  name: string;
  offered: number;
  answered: number;
  /** null on agent rows: abandonment belongs to a queue. */
  abandoned: number | null;
  serviceLevel: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  abandonRate: number | null;
  occupancy: number | null;
  /** Agent rows and the total: seconds logged in (not offline) and holding work within the range; null on queue rows. */
  loggedInSeconds: number | null;
  busySeconds: number | null;
  firstResponseSeconds: number | null;
  resolutionSeconds: number | null;
  csatAverage: number | null;
  csatCount: number;
}

export interface ReportDto {
  /** Echo of the validated query: ISO dates, `to` exclusive, day boundaries in `tz`. */
  from: string;
  to: string;
  tz: string;
  groupBy: 'queue' | 'agent';
  rows: ReportRowDto[];
  /** The whole center over the range. */
  total: ReportRowDto;
}

// ---- voice (GET /api/voice/…; the console's phone and call bar) -------------

export type VoiceCallState = 'ivr' | 'queued' | 'callback' | 'bridging' | 'connected' | 'voicemail' | 'ended';
export type VoiceLegRole = 'agent' | 'consult' | 'supervisor' | 'customer';
export type VoiceMonitorMode = 'listen' | 'whisper' | 'barge';

/** GET /api/voice/token: a Twilio access token for the browser phone (503 voice_not_configured when it cannot be made). */
export interface VoiceTokenDto {
  token: string;
  identity: string;
  expiresAt: string;
}

/** GET/PUT /api/voice/me: where the hub rings this user. */
export interface VoiceDeviceDto {
  device: 'browser' | 'phone';
  phoneNumber: string | null;
}

/** GET /api/voice/calls/:conversationId (`call`). */
export interface VoiceCallDto {
  callSid: string;
  conversationId: string | null;
  state: VoiceCallState;
  /** The caller's number (null: anonymous). */
  from: string | null;
  to: string;
  language: string;
  queue: string | null;
  onHold: boolean;
  agentId: string | null;
  callbackRequested: boolean;
  transfer: { toAgentId: string; legSid: string; byUserId: string } | null;
  /** The caller's way through the IVR. */
  ivrPath: { node: string; type: string; input?: string; at: string }[];
  legs: { callSid: string; role: VoiceLegRole; userId: string | null; mode: VoiceMonitorMode | null; status: string | null; answeredAt: string | null }[];
  createdAt: string;
  connectedAt: string | null;
  endedAt: string | null;
}

/** GET /api/voice/legs/:legSid: the call a leg the hub rang belongs to, and the leg's part in it. */
export interface VoiceLegCallDto {
  call: VoiceCallDto;
  leg: { callSid: string; role: VoiceLegRole; mode: VoiceMonitorMode | null };
}

/** GET /api/voice/transfer-targets: who and where a call can be handed to. */
export interface VoiceTransferTargetsDto {
  /** Other agents; `canTakeCall`: available with room for a call now (a warm transfer needs it). */
  agents: { id: string; name: string; status: PresenceStatus; canTakeCall: boolean }[];
  queues: { id: string; name: string }[];
}

/** GET /api/voice/live (supervisors): calls with an agent on them now, and the caller's own monitoring of each. */
export interface VoiceLiveCallDto {
  conversationId: string;
  callSid: string;
  agentId: string;
  state: 'bridging' | 'connected';
  from: string | null;
  onHold: boolean;
  connectedAt: string | null;
  /** The requesting supervisor's monitoring leg on this call, if any. */
  monitoring: VoiceMonitorMode | null;
}

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
  /** The agent is typing (never stored; the widget hides it after a few seconds without a repeat). */
  typing: (payload: { typing: boolean }) => void;
  /** The conversation was closed by the agent: the widget may ask for a rating. */
  'conversation:closed': (payload: { conversationId: string }) => void;
}

export interface ChatClientToServer {
  message: (
    payload: { clientId: string; body: string },
    ack: (res: Ack<{ id: string; seq: number; conversationId: string }>) => void,
  ) => void;
  /** A 1–5 rating of the visitor's own closed conversation; the first one counts, a repeat is acknowledged with it. */
  csat: (
    payload: { conversationId: string; score: number; comment?: string },
    ack: (res: Ack<{ score: number; comment: string | null }>) => void,
  ) => void;
  /** The visitor is typing (throttled by the widget and the hub; never stored). */
  typing: (payload: { typing: boolean }) => void;
}
