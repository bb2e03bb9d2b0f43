import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** A support address: IMAP to fetch from, SMTP to send with, the queue its mail goes to. */
export interface EmailMailboxesTable {
  id: Generated<string>;
  address: string;
  display_name: Generated<string>;
  imap_host: string;
  imap_port: number;
  imap_tls: Generated<boolean>;
  imap_user: string;
  /** AES-256-GCM (see crypto.ts); never leaves the hub. */
  imap_password_enc: string;
  imap_folder: Generated<string>;
  smtp_host: string;
  smtp_port: number;
  smtp_tls: Generated<boolean>;
  smtp_user: Nullable<string>;
  smtp_password_enc: Nullable<string>;
  queue_id: string;
  enabled: Generated<boolean>;
  auto_ack_enabled: Generated<boolean>;
  auto_ack_text: Nullable<string>;
  last_error: Nullable<string>;
  last_sync_at: Nullable<Date>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** How far a mailbox has been fetched (UIDVALIDITY and the last UID ingested). */
export interface EmailCheckpointsTable {
  mailbox_id: string;
  folder: string;
  uid_validity: number;
  last_uid: Generated<number>;
  updated_at: Timestamp;
}

/** A Message-ID seen or sent, and its conversation (threading). */
export interface EmailMessagesTable {
  id: Generated<number>;
  mailbox_id: string | null;
  message_id: string;
  conversation_id: string;
  message_row_id: string | null;
  direction: 'in' | 'out';
  counterpart: string | null;
  subject: string | null;
  created_at: Timestamp;
}

export interface EmailAttachmentsTable {
  id: Generated<string>;
  mailbox_id: string | null;
  /** The inbound message's external id (`mailboxId:Message-ID`): access is checked through it. */
  external_id: string;
  part_index: number;
  filename: string | null;
  content_type: string;
  size: number;
  sha256: string;
  /** Relative to the attachments folder. */
  path: string;
  inline: Generated<boolean>;
  content_id: string | null;
  created_at: Timestamp;
}

export interface EmailBouncesTable {
  id: Generated<number>;
  mailbox_id: string | null;
  external_id: string;
  original_message_id: string | null;
  message_row_id: string | null;
  action: string | null;
  status: string | null;
  reason: string | null;
  raw_path: string | null;
  created_at: Timestamp;
}

export interface EmailAutoRepliesTable {
  id: Generated<number>;
  mailbox_id: string | null;
  inbound_external_id: string;
  recipient: string;
  message_id: string;
  status: Generated<'sending' | 'sent' | 'failed'>;
  error: string | null;
  created_at: Timestamp;
}

export interface EmailQuarantineTable {
  id: Generated<string>;
  mailbox_id: string | null;
  uid_validity: number | null;
  uid: number | null;
  content_hash: string;
  reason: string;
  size: number;
  raw: Buffer;
  created_at: Timestamp;
}

/** Tables owned by the email channel (migrations/0004_email.sql). */
export interface EmailTables {
  email_mailboxes: EmailMailboxesTable;
  email_checkpoints: EmailCheckpointsTable;
  email_messages: EmailMessagesTable;
  email_attachments: EmailAttachmentsTable;
  email_bounces: EmailBouncesTable;
  email_auto_replies: EmailAutoRepliesTable;
  email_quarantine: EmailQuarantineTable;
}
