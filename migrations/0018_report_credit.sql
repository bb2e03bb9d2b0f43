-- Honest reports: who held each conversation when (assignment segments), why a
-- presence change happened, and the status a console puts back after the hub
-- marked an agent offline for a lost connection.

-- One row per stretch of time one agent held one task: from taking it (offer
-- accepted, supervisor reassign, dialer connect) until it was reassigned,
-- put back in a queue (transfer to a queue, unanswered agent leg) or completed.
-- Per-agent report rows credit each agent with their own segments.
create table assignment_segments (
  id bigserial primary key,
  task_id uuid not null references routing_tasks(id),
  conversation_id uuid not null references conversations(id),
  queue_id uuid not null references queues(id),
  agent_id uuid not null references users(id),
  started_at timestamptz not null,
  ended_at timestamptz,
  end_reason text check (end_reason in ('completed', 'reassigned', 'requeued', 'cancelled')),
  check ((ended_at is null) = (end_reason is null)),
  check (ended_at is null or ended_at >= started_at)
);
create index assignment_segments_started on assignment_segments (started_at);
create index assignment_segments_conversation on assignment_segments (conversation_id, started_at);
create index assignment_segments_task on assignment_segments (task_id, started_at);
create index assignment_segments_open on assignment_segments (agent_id) where ended_at is null;

-- History from before this migration: one segment per taken task, credited to the
-- agent who held it last (reassignments before now were not recorded).
insert into assignment_segments (task_id, conversation_id, queue_id, agent_id, started_at, ended_at, end_reason)
select id, conversation_id, queue_id, assigned_agent_id, assigned_at,
       case when status = 'completed' then greatest(coalesce(completed_at, assigned_at), assigned_at) end,
       case when status = 'completed' then 'completed' end
from routing_tasks
where assigned_agent_id is not null and assigned_at is not null and status in ('assigned', 'completed');

-- Written where the assignment is, like agent_status_history: every path that
-- moves a task between agents (today's and future ones) leaves its segments
-- without remembering to, and the routing runtime pays nothing extra in code.
create function assignment_segments_record() returns trigger language plpgsql as $$
declare
  was_held boolean := tg_op = 'UPDATE' and old.status = 'assigned' and old.assigned_agent_id is not null;
  is_held boolean := new.status = 'assigned' and new.assigned_agent_id is not null;
begin
  if tg_op = 'INSERT' then
    -- A task written already taken (an import, a hand-built history): its one segment as recorded.
    if new.status in ('assigned', 'completed') then
      insert into assignment_segments (task_id, conversation_id, queue_id, agent_id, started_at, ended_at, end_reason)
      values (new.id, new.conversation_id, new.queue_id, new.assigned_agent_id, coalesce(new.assigned_at, now()),
              case when new.status = 'completed' then greatest(coalesce(new.completed_at, now()), coalesce(new.assigned_at, now())) end,
              case when new.status = 'completed' then 'completed' end);
    end if;
    return null;
  end if;
  if was_held and (not is_held or new.assigned_agent_id <> old.assigned_agent_id) then
    update assignment_segments
       set ended_at = greatest(case when new.status = 'completed' then coalesce(new.completed_at, now()) else now() end, started_at),
           end_reason = case new.status when 'completed' then 'completed' when 'assigned' then 'reassigned' when 'cancelled' then 'cancelled' else 'requeued' end
     where task_id = new.id and agent_id = old.assigned_agent_id and ended_at is null;
  end if;
  if is_held and (not was_held or new.assigned_agent_id <> old.assigned_agent_id) then
    insert into assignment_segments (task_id, conversation_id, queue_id, agent_id, started_at)
    values (new.id, new.conversation_id, new.queue_id, new.assigned_agent_id, now());
  end if;
  return null;
end
$$;
create trigger routing_tasks_assignment_insert after insert on routing_tasks
  for each row when (new.assigned_agent_id is not null) execute function assignment_segments_record();
-- The WHEN clause keeps the hot paths (offers, leases) from calling the function at all.
create trigger routing_tasks_assignment_update after update of status, assigned_agent_id on routing_tasks
  for each row when (old.assigned_agent_id is distinct from new.assigned_agent_id or (old.status = 'assigned') is distinct from (new.status = 'assigned'))
  execute function assignment_segments_record();

-- Why a presence change happened: null = the agent (or routing) chose it;
-- 'connection_lost' = the hub, after the agent's last console stayed away past
-- the grace period; 'reconnected' = the hub, putting back the status the agent had.
alter table agent_status_history add column reason text check (reason in ('connection_lost', 'reconnected'));

-- The writer names the reason for one transaction with set_config('pasokh.status_reason', …, true).
create or replace function agent_status_history_record() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' or new.status is distinct from old.status then
    insert into agent_status_history (user_id, status, at, reason)
    values (new.user_id, new.status, coalesce(new.status_since, now()), nullif(current_setting('pasokh.status_reason', true), ''));
  end if;
  return new;
end
$$;

-- The status an agent had when the hub marked them offline for a lost connection;
-- their next console puts it back (a closed tab must not change what they chose).
alter table agent_state add column resume_status text check (resume_status in ('available', 'away', 'break'));
