import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { EmailTables } from '../channels/email/schema.js';
import type { SmsTables } from '../channels/sms/schema.js';
import type { VoiceTables } from '../channels/voice/schema.js';
import type { DialerTables } from '../dialer/campaigns/schema.js';
import type { DialerRuntimeTables } from '../dialer/runtime/schema.js';
import type { DeskTables } from '../desk/schema.js';
import type { ReportsTables } from '../reports/schema.js';
import type { CustomerTables } from '../customers/schema.js';
import type { Channel, DeliveryStatus, MessageFrom, PresenceStatus, Role } from '../contracts/index.js';
import type { EscalationStep, SkillExpr, Strategy } from '../routing/engine/types.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface SkillRequirement {
  skill: string;
  minLevel: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  disabled: Generated<boolean>;
  created_at: Timestamp;
  /** Console language ('en' | 'fa'); NULL follows the browser (migration 0011). */
  language: ColumnType<'en' | 'fa' | null, 'en' | 'fa' | null | undefined, 'en' | 'fa' | null>;
}

export interface AgentSkillsTable {
  user_id: string;
  skill: string;
  level: number;
}

export interface AgentStateTable {
  user_id: string;
  status: Generated<PresenceStatus>;
  status_since: Timestamp;
  capacity: Generated<number>;
  used: Generated<number>;
  last_assigned_at: Date | null;
  missed_offers: Generated<number>;
  wrap_up_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Put back by the agent's next console after the hub marked them offline for a lost connection (migration 0018). */
  resume_status: ColumnType<Exclude<PresenceStatus, 'offline'> | null, Exclude<PresenceStatus, 'offline'> | null | undefined, Exclude<PresenceStatus, 'offline'> | null>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface CustomerProfile {
  email?: string;
  /** What the customer told us, unverified: kept apart from identities. */
  phone?: string;
  accountNumber?: string;
  [key: string]: unknown;
}

export interface CustomersTable {
  id: Generated<string>;
  display_name: string | null;
  profile: Json<CustomerProfile>;
  created_at: Timestamp;
  /** Set when this customer was merged into another (src/customers/merge.ts); the row is kept for undo. */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
}

export type IdentityKind = 'visitor' | 'email' | 'phone';

export interface CustomerIdentitiesTable {
  id: Generated<string>;
  customer_id: string;
  kind: IdentityKind;
  value: string;
  created_at: Timestamp;
}

export interface QueuesTable {
  id: Generated<string>;
  name: string;
  channel: Channel;
  required_skills: Json<SkillRequirement[]>;
  priority: Generated<number>;
  is_default: Generated<boolean>;
  created_at: Timestamp;
  requirement: ColumnType<SkillExpr | null, string | null | undefined, string | null>;
  strategy: Generated<Strategy>;
  sl_target_fraction: Generated<number>;
  sl_threshold_seconds: Generated<number>;
  escalation: ColumnType<EscalationStep[], string | undefined, string>;
  predictive_escalation: Generated<boolean>;
  aging_per_minute: Generated<number>;
  sticky_wait_seconds: Generated<number>;
  wrap_up_seconds: Generated<number>;
  updated_at: Timestamp;
}

export interface ConversationsTable {
  id: Generated<string>;
  customer_id: string;
  channel: Channel;
  status: Generated<'open' | 'closed'>;
  queue_id: string | null;
  assigned_agent_id: string | null;
  last_seq: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Date | null;
  /** Channel details for the whole conversation (e.g. our SMS number, email thread ids). */
  channel_meta: Json<Record<string, unknown>>;
}

export interface MessagesTable {
  id: Generated<string>;
  conversation_id: string;
  seq: number;
  channel: Channel;
  direction: 'in' | 'out';
  sender: MessageFrom;
  author_user_id: string | null;
  body: string;
  external_id: string | null;
  status: Generated<DeliveryStatus>;
  status_reason: string | null;
  created_at: Timestamp;
  /** Channel details for one message (attachments, SMS segments, email headers). */
  metadata: Json<Record<string, unknown>>;
}

export type TaskStatus = 'waiting' | 'offered' | 'assigned' | 'completed' | 'cancelled';

export interface RoutingTasksTable {
  id: Generated<string>;
  conversation_id: string;
  queue_id: string;
  channel: Channel;
  status: Generated<TaskStatus>;
  priority: Generated<number>;
  cost: number;
  required_skills: Json<SkillRequirement[]>;
  enqueued_at: Timestamp;
  assigned_agent_id: string | null;
  assigned_at: Date | null;
  completed_at: Date | null;
  abandoned_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  customer_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RoutingEventsTable {
  id: Generated<string>;
  task_id: string | null;
  agent_id: string | null;
  kind: string;
  data: Json<Record<string, unknown>>;
  at: Timestamp;
}

/** Today's supervisor figures per queue and UTC day of enqueued_at, kept by a trigger on routing_tasks (migration 0021). */
export interface QueueDayStatsTable {
  queue_id: string;
  /** A UTC calendar day; pg's default parser makes it a Date at local midnight, so compare in SQL. */
  day: Date;
  /** 0–15 from a hash of the task id: a day's figures are the sum of its shards. */
  shard: number;
  offered: number;
  answered: number;
  abandoned: number;
  answered_within: number;
  /** numeric: pg returns it as a string. */
  wait_seconds: string;
}

export type OfferStatus = 'pending' | 'accepted' | 'rejected' | 'expired' | 'cancelled';

export interface OffersTable {
  id: Generated<string>;
  task_id: string;
  agent_id: string;
  cost: number;
  status: Generated<OfferStatus>;
  reason: Json<Record<string, unknown>>;
  created_at: Timestamp;
  expires_at: Timestamp;
  decided_at: Date | null;
}

export interface OutboxTable {
  id: Generated<string>;
  message_id: string;
  channel: Channel;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  actor_user_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  data: Json<Record<string, unknown>>;
  at: Timestamp;
}

/** Each channel declares its own tables beside its code; the database type is their union with the core. */
export interface Database extends SmsTables, EmailTables, VoiceTables, DialerTables, DialerRuntimeTables, ReportsTables, DeskTables, CustomerTables {
  settings: SettingsTable;
  users: UsersTable;
  agent_skills: AgentSkillsTable;
  agent_state: AgentStateTable;
  sessions: SessionsTable;
  customers: CustomersTable;
  customer_identities: CustomerIdentitiesTable;
  queues: QueuesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  routing_tasks: RoutingTasksTable;
  offers: OffersTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  routing_events: RoutingEventsTable;
  queue_day_stats: QueueDayStatsTable;
}

export type UserRow = Selectable<UsersTable>;
export type MessageRow = Selectable<MessagesTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type NewAudit = Insertable<AuditLogTable>;
