-- Routing grows up: queue policies, wrap-up, the record of every routing
-- decision, and the timestamps service-level statistics are computed from.

alter table queues
  add column requirement jsonb,                       -- skill expression; null = any agent (required_skills is the legacy AND list)
  add column strategy text not null default 'longest-idle'
    check (strategy in ('longest-idle', 'least-occupied', 'most-proficient', 'round-robin')),
  add column sl_target_fraction real not null default 0.8 check (sl_target_fraction > 0 and sl_target_fraction <= 1),
  add column sl_threshold_seconds integer not null default 20 check (sl_threshold_seconds > 0),
  add column escalation jsonb not null default '[]',
  add column predictive_escalation boolean not null default true,
  add column aging_per_minute real not null default 1 check (aging_per_minute >= 0),
  add column sticky_wait_seconds integer not null default 0 check (sticky_wait_seconds >= 0),
  add column wrap_up_seconds integer not null default 0 check (wrap_up_seconds >= 0),
  add column updated_at timestamptz not null default now();

-- Email is answered within hours, not seconds.
update queues set sl_threshold_seconds = 3600, sl_target_fraction = 0.9 where name = 'email' and is_default;
update queues set sl_threshold_seconds = 60 where name = 'sms' and is_default;

alter table agent_state add column wrap_up_until timestamptz;

alter table routing_tasks
  add column abandoned_at timestamptz,               -- the customer left before an agent accepted
  add column customer_id uuid references customers(id);
update routing_tasks t set customer_id = c.customer_id from conversations c where c.id = t.conversation_id;
create index routing_tasks_enqueued on routing_tasks(enqueued_at);

-- Every routing decision that is not an offer (offers keep theirs in offers.reason).
create table routing_events (
  id bigserial primary key,
  task_id uuid references routing_tasks(id),
  agent_id uuid references users(id),
  kind text not null,                                -- escalated, overflowed, agent-away, …
  data jsonb not null default '{}',
  at timestamptz not null default now()
);
create index routing_events_task on routing_events(task_id, at);
