-- Reports: the agent presence history occupancy is computed from, and the
-- customer satisfaction (CSAT) ratings web-chat visitors give after a chat.

-- One row per presence change: the status holds from `at` until the agent's next row.
create table agent_status_history (
  id bigserial primary key,
  user_id uuid not null references users(id) on delete cascade,
  status text not null check (status in ('available', 'away', 'break', 'offline')),
  at timestamptz not null default now()
);
create index agent_status_history_user_at on agent_status_history(user_id, at);

-- Recorded where presence is persisted, so every path that changes agent_state.status
-- (console, missed offers, admin tools, future ones) leaves history without remembering to.
create function agent_status_history_record() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' or new.status is distinct from old.status then
    insert into agent_status_history (user_id, status, at) values (new.user_id, new.status, coalesce(new.status_since, now()));
  end if;
  return new;
end
$$;
create trigger agent_state_status_history after insert or update of status on agent_state
  for each row execute function agent_status_history_record();

-- What agents are in right now is the starting point of the history.
insert into agent_status_history (user_id, status, at) select user_id, status, status_since from agent_state;

-- One rating per conversation: a repeated submit from the widget changes nothing.
create table csat_responses (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null unique references conversations(id),
  score smallint not null check (score between 1 and 5),
  comment text check (char_length(comment) <= 2000),
  created_at timestamptz not null default now()
);
create index csat_responses_created on csat_responses(created_at);
