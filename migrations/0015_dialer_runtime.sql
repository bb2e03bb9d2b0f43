-- The dialer runtime (src/dialer/runtime): each agent working outbound campaigns
-- waits on a standby leg in a conference of their own (pasokh-dialer-<agent>),
-- so a live answer can be bridged at once. The row is also the agent's dialer
-- lock: a call is bridged only by setting attempt_id where it is null.
create table dialer_agent_legs (
  agent_id uuid primary key references users(id) on delete cascade,
  call_sid text unique,
  conference text not null,
  status text not null default 'ringing' check (status in ('ringing', 'ready', 'ended')),
  -- The call bridged to the agent now.
  attempt_id uuid references dialer_attempts(id) on delete set null,
  -- A progressive / preview call placed for this agent, not yet answered.
  reserved_for uuid references dialer_attempts(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
