import type { ColumnType, Generated } from 'kysely';
import type { Channel } from '../contracts/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type DeskLanguage = 'en' | 'fa';

export interface CannedResponsesTable {
  id: Generated<string>;
  title: string;
  shortcut: string;
  body: string;
  language: DeskLanguage;
  queue_id: string | null;
  channel: Channel | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConversationNotesTable {
  id: Generated<string>;
  conversation_id: string;
  author_user_id: string | null;
  body: string;
  mentions: Json<string[]>;
  created_at: Timestamp;
}

export interface ConversationTagsTable {
  conversation_id: string;
  tag: string;
  created_at: Timestamp;
}

export interface DispositionsTable {
  id: Generated<string>;
  code: string;
  label_en: string;
  label_fa: string;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConversationWrapUpsTable {
  conversation_id: string;
  disposition_id: string;
  note: string | null;
  agent_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The agent desk's tables (migrations/0009_desk.sql). */
export interface DeskTables {
  canned_responses: CannedResponsesTable;
  conversation_notes: ConversationNotesTable;
  conversation_tags: ConversationTagsTable;
  dispositions: DispositionsTable;
  conversation_wrap_ups: ConversationWrapUpsTable;
}
