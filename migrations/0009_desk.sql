-- Agent desk: canned responses, private notes with @mentions, conversation
-- tags, disposition codes and the wrap-up recorded when a conversation ends.
-- Notes live in their own table, never in messages: the outbox and the channel
-- adapters only ever see messages, so a note cannot reach a customer.

create table canned_responses (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(title) between 1 and 120),
  -- Typed after "/" in the reply box; unique per language.
  shortcut text not null check (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
  body text not null check (length(body) between 1 and 5000),
  language text not null check (language in ('en', 'fa')),
  -- Optional scope: only offered on conversations of this queue / channel.
  queue_id uuid references queues(id) on delete cascade,
  channel text check (channel in ('webchat', 'sms', 'email', 'voice')),
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (shortcut, language)
);

create table conversation_notes (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations(id) on delete cascade,
  author_user_id uuid references users(id) on delete set null,
  body text not null check (length(body) between 1 and 5000),
  -- Ids of the users the note @mentions (resolved when it was written).
  mentions jsonb not null default '[]',
  created_at timestamptz not null default now()
);
create index conversation_notes_conversation on conversation_notes (conversation_id, created_at);
create index conversation_notes_mentions on conversation_notes using gin (mentions);

create table conversation_tags (
  conversation_id uuid not null references conversations(id) on delete cascade,
  tag text not null check (length(tag) between 1 and 32),
  created_at timestamptz not null default now(),
  primary key (conversation_id, tag)
);
create index conversation_tags_tag on conversation_tags (tag);

create table dispositions (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[a-z0-9][a-z0-9_.-]{0,39}$'),
  label_en text not null check (length(label_en) between 1 and 80),
  label_fa text not null check (length(label_fa) between 1 and 80),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One wrap-up per conversation (the agent may correct it); reports group by disposition.
create table conversation_wrap_ups (
  conversation_id uuid primary key references conversations(id) on delete cascade,
  disposition_id uuid not null references dispositions(id) on delete restrict,
  note text check (note is null or length(note) <= 2000),
  agent_id uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index conversation_wrap_ups_disposition on conversation_wrap_ups (disposition_id, created_at);
