-- Per queue and per UTC day of enqueued_at, today's supervisor figures as running sums, so
-- reading them costs one row per queue however many tasks the day has had (the supervisor
-- feed reads them about twice a second in every hub process). Kept in the same transaction as
-- the task change by a trigger, so every process sees exactly what is committed.
-- Invariant: each row equals the aggregate of its routing_tasks under the queue's current
-- SL threshold (offered = tasks, answered = assigned_at set, abandoned = abandoned_at set,
-- answered_within = waited at most the threshold, wait_seconds = total wait of the answered).
create table queue_day_stats (
  queue_id uuid not null references queues(id) on delete cascade,
  day date not null,
  offered integer not null default 0,
  answered integer not null default 0,
  abandoned integer not null default 0,
  answered_within integer not null default 0,
  -- numeric, not float: the trigger adds and takes back waits, and a float sum would drift.
  wait_seconds numeric not null default 0,
  -- Each task counts in one of 16 rows of its queue's day (by a hash of its id): concurrent
  -- arrivals and answers in one busy queue then rarely wait on the same row lock until their
  -- transactions commit. Readers sum a day's shards.
  shard smallint not null default 0 check (shard between 0 and 15),
  -- Day first: the feed reads one day's rows for all queues, a range of this index.
  primary key (day, queue_id, shard)
);

-- Adds one change to a queue's day (negative counts take a task's share back).
create function queue_day_stats_apply(p_queue uuid, p_day date, p_shard smallint, p_offered integer, p_answered integer, p_abandoned integer, p_within integer, p_wait numeric)
returns void language sql as $$
  insert into queue_day_stats as s (queue_id, day, shard, offered, answered, abandoned, answered_within, wait_seconds)
  values (p_queue, p_day, p_shard, p_offered, p_answered, p_abandoned, p_within, p_wait)
  on conflict (day, queue_id, shard) do update
     set offered = s.offered + excluded.offered,
         answered = s.answered + excluded.answered,
         abandoned = s.abandoned + excluded.abandoned,
         answered_within = s.answered_within + excluded.answered_within,
         wait_seconds = s.wait_seconds + excluded.wait_seconds
$$;

create function queue_day_stats_record() returns trigger language plpgsql as $$
declare
  old_day date;
  new_day date;
  old_within integer := 0;
  new_within integer := 0;
  old_wait numeric := 0;
  new_wait numeric := 0;
  -- A task keeps its shard for life, so its take-backs land where its counts did.
  shard smallint := (hashtext(coalesce(new.id, old.id)::text) & 15)::smallint;
begin
  if tg_op <> 'INSERT' then
    old_day := (old.enqueued_at at time zone 'utc')::date;
    if old.assigned_at is not null then
      old_wait := extract(epoch from old.assigned_at - old.enqueued_at);
      select (old.assigned_at - old.enqueued_at <= make_interval(secs => q.sl_threshold_seconds))::int into old_within from queues q where q.id = old.queue_id;
    end if;
  end if;
  if tg_op <> 'DELETE' then
    new_day := (new.enqueued_at at time zone 'utc')::date;
    if new.assigned_at is not null then
      new_wait := extract(epoch from new.assigned_at - new.enqueued_at);
      select (new.assigned_at - new.enqueued_at <= make_interval(secs => q.sl_threshold_seconds))::int into new_within from queues q where q.id = new.queue_id;
    end if;
  end if;
  -- The usual change (answered, abandoned, requeued) stays on one row: one upsert, not two.
  if tg_op = 'UPDATE' and old.queue_id = new.queue_id and old_day = new_day then
    perform queue_day_stats_apply(new.queue_id, new_day, shard, 0,
      (new.assigned_at is not null)::int - (old.assigned_at is not null)::int,
      (new.abandoned_at is not null)::int - (old.abandoned_at is not null)::int,
      new_within - old_within, new_wait - old_wait);
    return null;
  end if;
  if tg_op <> 'INSERT' then
    perform queue_day_stats_apply(old.queue_id, old_day, shard, -1, -(old.assigned_at is not null)::int, -(old.abandoned_at is not null)::int, -old_within, -old_wait);
  end if;
  if tg_op <> 'DELETE' then
    perform queue_day_stats_apply(new.queue_id, new_day, shard, 1, (new.assigned_at is not null)::int, (new.abandoned_at is not null)::int, new_within, new_wait);
  end if;
  return null;
end
$$;

create trigger routing_tasks_queue_day_stats_insert after insert on routing_tasks
  for each row execute function queue_day_stats_record();
-- Only a change to what the figures are made of fires it: the hot paths (offers, leases,
-- waiting <-> offered) change status alone and pay nothing, nor contend on the day's row.
create trigger routing_tasks_queue_day_stats_update after update of queue_id, enqueued_at, assigned_at, abandoned_at on routing_tasks
  for each row when (old.queue_id is distinct from new.queue_id or old.enqueued_at is distinct from new.enqueued_at
                     or old.assigned_at is distinct from new.assigned_at or old.abandoned_at is distinct from new.abandoned_at)
  execute function queue_day_stats_record();
create trigger routing_tasks_queue_day_stats_delete after delete on routing_tasks
  for each row execute function queue_day_stats_record();

-- Recounts a queue's days from its tasks (its SL threshold changed, so "within" means something else).
create function queue_day_stats_recount(p_queue uuid) returns void language sql as $$
  delete from queue_day_stats where queue_id = p_queue;
  insert into queue_day_stats (queue_id, day, shard, offered, answered, abandoned, answered_within, wait_seconds)
  select t.queue_id, (t.enqueued_at at time zone 'utc')::date, (hashtext(t.id::text) & 15)::smallint, count(*), count(t.assigned_at), count(t.abandoned_at),
         count(*) filter (where t.assigned_at - t.enqueued_at <= make_interval(secs => q.sl_threshold_seconds)),
         coalesce(sum(extract(epoch from t.assigned_at - t.enqueued_at)), 0)
    from routing_tasks t join queues q on q.id = t.queue_id
   where t.queue_id = p_queue
   group by 1, 2, 3
$$;

create function queue_day_stats_threshold_changed() returns trigger language plpgsql as $$
begin
  -- Waits for the task changes in flight and holds new ones back until this commits: one of
  -- them may have counted "within" against the old threshold after the recount read the tasks.
  lock table queue_day_stats in exclusive mode;
  perform queue_day_stats_recount(new.id);
  return null;
end
$$;
create trigger queues_queue_day_stats_threshold after update of sl_threshold_seconds on queues
  for each row when (old.sl_threshold_seconds is distinct from new.sl_threshold_seconds)
  execute function queue_day_stats_threshold_changed();

-- History from before this migration, in one pass.
insert into queue_day_stats (queue_id, day, shard, offered, answered, abandoned, answered_within, wait_seconds)
select t.queue_id, (t.enqueued_at at time zone 'utc')::date, (hashtext(t.id::text) & 15)::smallint, count(*), count(t.assigned_at), count(t.abandoned_at),
       count(*) filter (where t.assigned_at - t.enqueued_at <= make_interval(secs => q.sl_threshold_seconds)),
       coalesce(sum(extract(epoch from t.assigned_at - t.enqueued_at)), 0)
  from routing_tasks t join queues q on q.id = t.queue_id
 group by 1, 2, 3;
