// Table types for migrations/0008_dialer.sql.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type CampaignStatus = 'draft' | 'running' | 'paused' | 'completed';
export type DialMode = 'preview' | 'progressive' | 'predictive';
export type CampaignRuleSet = 'US' | 'UK';

export interface CampaignMessage {
  audioUrl?: string;
  text?: string;
  language?: 'en' | 'fa';
}

export interface CampaignMachine {
  action: 'drop' | 'hangup';
  audioUrl?: string;
  text?: string;
}

export interface CampaignWindow {
  /** 'HH:MM' in the callee's local time. */
  start: string;
  end: string;
  days?: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
}

export interface RetryRule {
  gapMinutes: number;
  maxAttempts: number;
}

export type RetryPolicy = Partial<Record<'noAnswer' | 'busy' | 'machine' | 'abandoned' | 'failed', RetryRule>>;

export type ContactStatus = 'pending' | 'dialing' | 'done' | 'dnc' | 'exhausted' | 'invalid';
export type AttemptStatus = 'placing' | 'queued' | 'ringing' | 'answered' | 'connected' | 'completed';
export type AttemptOutcomeColumn = 'connected' | 'abandoned' | 'machine' | 'no-answer' | 'busy' | 'failed' | 'opted-out' | 'cancelled';
export type DncSource = 'company' | 'keypress' | 'sms' | 'api';

export interface ImportRowProblem {
  line: number;
  reason: 'invalid-number' | 'duplicate' | 'do-not-call' | 'invalid-time-zone' | 'missing-phone' | 'malformed-row';
  value?: string;
}

export interface DialerCampaignsTable {
  id: Generated<string>;
  name: string;
  status: Generated<CampaignStatus>;
  rule_set: CampaignRuleSet;
  mode: DialMode;
  pacing: Generated<string>;
  caller_id: string;
  queue_id: string;
  abandon_target: ColumnType<string, number | string | undefined, number | string>;
  message: Json<CampaignMessage>;
  machine: Json<CampaignMachine>;
  calling_window: Json<CampaignWindow>;
  retry: Json<RetryPolicy>;
  max_attempts: Generated<number>;
  ring_seconds: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DialerImportsTable {
  id: Generated<string>;
  campaign_id: string;
  status: Generated<'running' | 'done' | 'failed'>;
  filename: string | null;
  total: Generated<number>;
  imported: Generated<number>;
  invalid: Generated<number>;
  duplicates: Generated<number>;
  dnc: Generated<number>;
  report: Json<ImportRowProblem[]>;
  error: string | null;
  created_by: string | null;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface DialerContactsTable {
  id: Generated<string>;
  campaign_id: string;
  phone: string;
  name: string | null;
  time_zones: ColumnType<string[], string[] | undefined, string[]>;
  fields: Json<Record<string, string>>;
  customer_id: string | null;
  status: Generated<ContactStatus>;
  attempts: Generated<number>;
  last_outcome: string | null;
  next_attempt_at: Timestamp;
  import_id: string | null;
  line: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DialerDncTable {
  phone: string;
  source: DncSource;
  reason: string | null;
  added_by: string | null;
  created_at: Timestamp;
}

export interface DialerAttemptsTable {
  id: Generated<string>;
  campaign_id: string;
  contact_id: string;
  call_sid: string | null;
  status: Generated<AttemptStatus>;
  outcome: AttemptOutcomeColumn | null;
  answered_by: string | null;
  agent_id: string | null;
  conversation_id: string | null;
  placed_at: Timestamp;
  answered_at: NullableTimestamp;
  connected_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  queue_time_ms: number | null;
  amd_ms: number | null;
  evidence: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface DialerTables {
  dialer_campaigns: DialerCampaignsTable;
  dialer_imports: DialerImportsTable;
  dialer_contacts: DialerContactsTable;
  dialer_dnc: DialerDncTable;
  dialer_attempts: DialerAttemptsTable;
}
