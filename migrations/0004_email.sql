-- Email: mailboxes (IMAP in, SMTP out), per-mailbox UID checkpoints, the
-- Message-ID → conversation map used for threading, attachments, bounces,
-- automatic acknowledgements and the quarantine for mail we cannot read.

-- Email is threaded by subject and headers, not by "one open conversation per
-- customer": a customer may have several open email threads at once. The
-- other channels keep the rule (ingest's ON CONFLICT names the same predicate).
drop index if exists conversations_open_per_channel;
create unique index conversations_open_per_channel on conversations(customer_id, channel) where status = 'open' and channel <> 'email';
create index conversations_open_email on conversations(customer_id) where status = 'open' and channel = 'email';

create table email_mailboxes (
  id uuid primary key default gen_random_uuid(),
  address text not null unique check (address = lower(address)),
  display_name text not null default '',
  imap_host text not null,
  imap_port integer not null check (imap_port between 1 and 65535),
  imap_tls boolean not null default true,
  imap_user text not null,
  imap_password_enc text not null,      -- AES-256-GCM, key derived from SECRET_KEY; never returned by the API
  imap_folder text not null default 'INBOX',
  smtp_host text not null,
  smtp_port integer not null check (smtp_port between 1 and 65535),
  smtp_tls boolean not null default true, -- true: TLS from the start (465); false: STARTTLS when offered
  smtp_user text,
  smtp_password_enc text,
  queue_id uuid not null references queues(id),
  enabled boolean not null default true,
  auto_ack_enabled boolean not null default false,
  auto_ack_text text,
  -- Last fetch outcome, for the admin screen.
  last_error text,
  last_sync_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Where fetching stopped: the next fetch asks for UIDs above last_uid while
-- UIDVALIDITY is unchanged. Written only after the message was ingested.
create table email_checkpoints (
  mailbox_id uuid primary key references email_mailboxes(id) on delete cascade,
  folder text not null,
  uid_validity bigint not null,
  last_uid bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Every Message-ID we saw or sent, and its conversation: In-Reply-To and
-- References are looked up here. Outbound rows are written before the send.
create table email_messages (
  id bigserial primary key,
  mailbox_id uuid references email_mailboxes(id) on delete set null,
  message_id text not null,              -- without angle brackets
  conversation_id uuid not null references conversations(id),
  message_row_id uuid references messages(id),
  direction text not null check (direction in ('in', 'out')),
  counterpart text,                      -- the customer's address (sender of in, recipient of out)
  subject text,
  created_at timestamptz not null default now()
);
create unique index email_messages_mailbox_message on email_messages(mailbox_id, message_id);
create index email_messages_message_id on email_messages(message_id);
create index email_messages_conversation on email_messages(conversation_id, id);

-- Attachments are files under ATTACHMENTS_DIR; a row is keyed by the message's
-- external id and part index, so a re-fetch finds the same row. Access is
-- checked through the message's conversation.
create table email_attachments (
  id uuid primary key default gen_random_uuid(),
  mailbox_id uuid references email_mailboxes(id) on delete set null,
  external_id text not null,
  part_index integer not null,
  filename text,
  content_type text not null,
  size integer not null,
  sha256 text not null,
  path text not null,                    -- relative to ATTACHMENTS_DIR
  inline boolean not null default false,
  content_id text,
  created_at timestamptz not null default now(),
  unique (external_id, part_index)
);

-- Delivery reports (bounces): they never open a conversation, they fail the original message.
create table email_bounces (
  id bigserial primary key,
  mailbox_id uuid references email_mailboxes(id) on delete set null,
  external_id text not null unique,
  original_message_id text,
  message_row_id uuid references messages(id),
  action text,
  status text,
  reason text,
  raw_path text,
  created_at timestamptz not null default now()
);

-- Automatic acknowledgements: one per inbound message at most (the unique key
-- is claimed before sending), and counted per recipient for the hourly cap.
create table email_auto_replies (
  id bigserial primary key,
  mailbox_id uuid references email_mailboxes(id) on delete set null,
  inbound_external_id text not null unique,
  recipient text not null,
  message_id text not null,
  status text not null default 'sending' check (status in ('sending', 'sent', 'failed')),
  error text,
  created_at timestamptz not null default now()
);
create index email_auto_replies_recipient on email_auto_replies(recipient, created_at);

-- Mail we could not read (no sender, broken structure, too large): kept raw
-- for an admin to look at. The mailbox checkpoint moves past it.
create table email_quarantine (
  id uuid primary key default gen_random_uuid(),
  mailbox_id uuid references email_mailboxes(id) on delete cascade,
  uid_validity bigint,
  uid bigint,
  content_hash text not null,
  reason text not null,
  size integer not null,
  raw bytea not null,
  created_at timestamptz not null default now(),
  unique (mailbox_id, content_hash)
);
create index email_quarantine_created on email_quarantine(created_at);
