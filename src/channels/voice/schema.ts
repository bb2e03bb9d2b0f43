import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type NullableDate = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

export type CallState = 'ivr' | 'queued' | 'callback' | 'bridging' | 'connected' | 'voicemail' | 'ended';
export type LegRole = 'agent' | 'consult' | 'supervisor' | 'customer';
export type MonitorMode = 'listen' | 'whisper' | 'barge';

/** One step of the caller's way through the IVR, as shown on the timeline. */
export interface PathEntry {
  node: string;
  type: string;
  /** What the caller did or what was decided: a digit, `speech:…`, `open`/`closed`, `timeout`, a language. */
  input?: string;
  at: string;
}

export interface WarmTransfer {
  toAgentId: string;
  legSid: string;
  byUserId: string;
}

export interface VoiceFlowsTable {
  number: string;
  definition: Json<unknown>;
  warnings: Json<{ path: string; message: string }[]>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface VoiceQueueSettingsTable {
  queue_id: string;
  record_calls: Generated<boolean>;
  hold_music_url: string | null;
  offer_callback: Generated<boolean>;
  updated_at: Timestamp;
}

export interface VoiceAgentSettingsTable {
  user_id: string;
  device: Generated<'browser' | 'phone'>;
  phone_number: string | null;
  updated_at: Timestamp;
}

export interface VoiceCallsTable {
  call_sid: string;
  from_number: string;
  to_number: string;
  caller_number: string | null;
  flow_number: string;
  language: Generated<string>;
  state: Generated<CallState>;
  node: Optional<string>;
  step: Generated<number>;
  last_twiml: Optional<string>;
  path: Json<PathEntry[]>;
  vars: Json<Record<string, string>>;
  conversation_id: Optional<string>;
  queue_name: Optional<string>;
  callback_requested_at: NullableDate;
  conference_name: Optional<string>;
  conference_sid: Optional<string>;
  customer_leg_sid: Optional<string>;
  agent_id: Optional<string>;
  agent_leg_sid: Optional<string>;
  on_hold: Generated<boolean>;
  transfer: ColumnType<WarmTransfer | null, string | null | undefined, string | null>;
  twilio_status: Optional<string>;
  status_rank: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  connected_at: NullableDate;
  ended_at: NullableDate;
}

export interface VoiceLegsTable {
  call_sid: string;
  parent_call_sid: string;
  role: LegRole;
  user_id: string | null;
  conference_name: string;
  mode: Optional<MonitorMode>;
  released: Generated<boolean>;
  twilio_status: Optional<string>;
  status_rank: Generated<number>;
  answered_at: NullableDate;
  ended_at: NullableDate;
  created_at: Timestamp;
}

export interface VoiceRecordingsTable {
  recording_sid: string;
  call_sid: string | null;
  conversation_id: string | null;
  kind: 'call' | 'voicemail';
  url: string;
  duration_seconds: number | null;
  created_at: Timestamp;
}

export interface VoiceErrorsTable {
  id: Generated<string>;
  call_sid: string | null;
  context: string;
  message: string;
  at: Timestamp;
}

/** Tables owned by the voice channel (migrations/0007_voice.sql). */
export interface VoiceTables {
  voice_flows: VoiceFlowsTable;
  voice_queue_settings: VoiceQueueSettingsTable;
  voice_agent_settings: VoiceAgentSettingsTable;
  voice_calls: VoiceCallsTable;
  voice_legs: VoiceLegsTable;
  voice_recordings: VoiceRecordingsTable;
  voice_errors: VoiceErrorsTable;
}
