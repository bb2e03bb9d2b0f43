-- Pasokh schema, first version. Times are timestamptz (UTC); ids are uuid.

create extension if not exists pgcrypto;

create table settings (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique check (email = lower(email)),
  name text not null,
  password_hash text not null,
  role text not null check (role in ('agent', 'supervisor', 'admin')),
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);

create table agent_skills (
  user_id uuid not null references users(id) on delete cascade,
  skill text not null check (skill ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  level smallint not null check (level between 1 and 10),
  primary key (user_id, skill)
);

-- Live routing state of each agent. "used" is the capacity held by pending
-- offers and assigned tasks; the check constraint is what makes "never over
-- capacity" true even when two routing runtimes race.
create table agent_state (
  user_id uuid primary key references users(id) on delete cascade,
  status text not null default 'offline' check (status in ('available', 'away', 'offline')),
  status_since timestamptz not null default now(),
  capacity integer not null default 100 check (capacity > 0),
  used integer not null default 0,
  last_assigned_at timestamptz,
  missed_offers integer not null default 0,
  constraint agent_state_capacity check (used >= 0 and used <= capacity)
);

create table sessions (
  id text primary key,               -- sha256 of the cookie token, never the token itself
  user_id uuid not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions(user_id);

create table customers (
  id uuid primary key default gen_random_uuid(),
  display_name text,
  -- What the customer told us but we did not verify (a web-chat pre-chat email).
  -- Kept apart from identities so it can never join someone else's timeline.
  profile jsonb not null default '{}',
  created_at timestamptz not null default now()
);

-- One identity belongs to exactly one customer: (kind, value) is unique.
create table customer_identities (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers(id) on delete cascade,
  kind text not null check (kind in ('visitor', 'email', 'phone')),
  value text not null,
  created_at timestamptz not null default now(),
  unique (kind, value)
);
create index customer_identities_customer on customer_identities(customer_id);

create table queues (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  channel text not null check (channel in ('webchat', 'sms', 'email', 'voice')),
  required_skills jsonb not null default '[]',
  priority integer not null default 0,
  is_default boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index queues_default_per_channel on queues(channel) where is_default;

create table conversations (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers(id),
  channel text not null check (channel in ('webchat', 'sms', 'email', 'voice')),
  status text not null default 'open' check (status in ('open', 'closed')),
  queue_id uuid references queues(id),
  assigned_agent_id uuid references users(id),
  last_seq integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  closed_at timestamptz
);
-- A customer has at most one open conversation per channel.
create unique index conversations_open_per_channel on conversations(customer_id, channel) where status = 'open';
create index conversations_customer on conversations(customer_id, created_at);

create table messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations(id),
  seq integer not null,
  channel text not null,
  direction text not null check (direction in ('in', 'out')),
  sender text not null check (sender in ('customer', 'agent', 'system')),
  author_user_id uuid references users(id),
  body text not null,
  external_id text,                 -- provider or client id: the idempotency key
  status text not null default 'received' check (status in ('received', 'queued', 'sent', 'delivered', 'failed')),
  status_reason text,
  created_at timestamptz not null default now(),
  unique (conversation_id, seq),
  unique (channel, external_id)
);

create table routing_tasks (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations(id),
  queue_id uuid not null references queues(id),
  channel text not null,
  status text not null default 'waiting' check (status in ('waiting', 'offered', 'assigned', 'completed', 'cancelled')),
  priority integer not null default 0,
  cost integer not null check (cost > 0),
  required_skills jsonb not null default '[]',
  enqueued_at timestamptz not null default now(),
  assigned_agent_id uuid references users(id),
  assigned_at timestamptz,
  completed_at timestamptz
);
-- One live task per conversation.
create unique index routing_tasks_live on routing_tasks(conversation_id) where status in ('waiting', 'offered', 'assigned');
create index routing_tasks_waiting on routing_tasks(status, enqueued_at);

-- An offer is a lease: pending until accepted, rejected or expires_at passes.
create table offers (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null references routing_tasks(id),
  agent_id uuid not null references users(id),
  cost integer not null,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'rejected', 'expired', 'cancelled')),
  reason jsonb not null default '{}',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  decided_at timestamptz
);
-- Never two live offers for one task.
create unique index offers_one_pending_per_task on offers(task_id) where status = 'pending';
create index offers_pending_expiry on offers(expires_at) where status = 'pending';
create index offers_agent on offers(agent_id, created_at);

create table outbox (
  id uuid primary key default gen_random_uuid(),
  message_id uuid not null unique references messages(id),
  channel text not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index outbox_pending on outbox(created_at) where status = 'pending';

create table audit_log (
  id bigserial primary key,
  actor_user_id uuid references users(id),
  action text not null,
  subject_type text not null,
  subject_id text,
  data jsonb not null default '{}',
  at timestamptz not null default now()
);
create index audit_log_at on audit_log(at);

-- A fresh install routes everything somewhere: one default queue per channel, no skills needed.
insert into queues (name, channel, is_default) values
  ('webchat', 'webchat', true),
  ('sms', 'sms', true),
  ('email', 'email', true),
  ('voice', 'voice', true);
