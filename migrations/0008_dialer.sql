-- Outbound campaigns: the campaign, its contacts (imported from CSV), the
-- imports' per-row reports, the company do-not-call list, and every attempt
-- with the evidence it was lawful when it was placed.

create table dialer_campaigns (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  status text not null default 'draft' check (status in ('draft', 'running', 'paused', 'completed')),
  rule_set text not null check (rule_set in ('US', 'UK')),
  mode text not null check (mode in ('preview', 'progressive', 'predictive')),
  -- Pacing policy behind the predictive mode (src/dialer/pacing): pasokh by default.
  pacing text not null default 'pasokh',
  caller_id text not null check (caller_id ~ '^\+[1-9][0-9]{6,14}$'),
  -- Who takes the calls: a voice queue's skills decide which agents may be reserved.
  queue_id uuid not null references queues(id),
  abandon_target numeric(5, 4) not null default 0.03 check (abandon_target > 0 and abandon_target <= 0.03),
  -- Recorded safe-harbour / information message: {audioUrl?, text?, language}.
  message jsonb not null default '{}',
  -- Answering machines: {action: 'drop' | 'hangup', audioUrl?, text?}.
  machine jsonb not null default '{"action":"hangup"}',
  -- Calling window in the callee's local time, inside the rule set's own: {start: 'HH:MM', end: 'HH:MM', days?: ['mon', …]}.
  calling_window jsonb not null default '{"start":"09:00","end":"20:00"}',
  -- Per outcome: {noAnswer: {gapMinutes, maxAttempts}, busy: {…}, machine: {…}, abandoned: {…}}.
  retry jsonb not null default '{}',
  max_attempts integer not null default 3 check (max_attempts between 1 and 20),
  -- Twilio ring timeout (at least the rule set's 15 s).
  ring_seconds integer not null default 25 check (ring_seconds between 15 and 60),
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table dialer_imports (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references dialer_campaigns(id) on delete cascade,
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  filename text,
  total integer not null default 0,
  imported integer not null default 0,
  invalid integer not null default 0,
  duplicates integer not null default 0,
  dnc integer not null default 0,
  -- Rows not imported: [{line, reason, value}], capped; counts above are exact.
  report jsonb not null default '[]',
  error text,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);

create table dialer_contacts (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references dialer_campaigns(id) on delete cascade,
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  name text,
  -- Explicit IANA zone from the CSV, else resolved from the number at import (may be several zones: all must be inside the window).
  time_zones text[] not null default '{}',
  fields jsonb not null default '{}',
  customer_id uuid references customers(id),
  status text not null default 'pending' check (status in ('pending', 'dialing', 'done', 'dnc', 'exhausted', 'invalid')),
  attempts integer not null default 0,
  last_outcome text,
  next_attempt_at timestamptz not null default now(),
  import_id uuid references dialer_imports(id) on delete set null,
  line integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (campaign_id, phone)
);
create index dialer_contacts_due on dialer_contacts(campaign_id, next_attempt_at) where status = 'pending';

-- Company do-not-call list; opt-outs from the message ("press 9") and SMS STOP land here too.
create table dialer_dnc (
  phone text primary key check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  source text not null check (source in ('company', 'keypress', 'sms', 'api')),
  reason text,
  added_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now()
);

create table dialer_attempts (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references dialer_campaigns(id) on delete cascade,
  contact_id uuid not null references dialer_contacts(id) on delete cascade,
  call_sid text unique,
  status text not null default 'placing' check (status in ('placing', 'queued', 'ringing', 'answered', 'connected', 'completed')),
  -- Final: connected (talked to an agent), abandoned, machine, no-answer, busy, failed, opted-out, cancelled.
  outcome text check (outcome in ('connected', 'abandoned', 'machine', 'no-answer', 'busy', 'failed', 'opted-out', 'cancelled')),
  answered_by text,
  agent_id uuid references users(id),
  conversation_id uuid references conversations(id),
  placed_at timestamptz not null default now(),
  answered_at timestamptz,
  connected_at timestamptz,
  ended_at timestamptz,
  queue_time_ms integer,
  amd_ms integer,
  -- Why the call was lawful when placed: window verdict (zones, local times), redial verdict, DNC check, pacing decision.
  evidence jsonb not null default '{}',
  updated_at timestamptz not null default now()
);
create index dialer_attempts_campaign_time on dialer_attempts(campaign_id, placed_at);
create index dialer_attempts_contact on dialer_attempts(contact_id, placed_at);
create index dialer_attempts_live on dialer_attempts(campaign_id) where outcome is null;
