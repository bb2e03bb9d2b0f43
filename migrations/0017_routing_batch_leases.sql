-- Routing at a high arrival rate (issue 3).

-- Sticky routing looks up, for every open task, the agent who last took the customer's work
-- (src/routing/runtime/store.ts, loadOpenTasks). Without this index that is a scan of all tasks
-- ever routed, once per open task, on every reconcile and every routing tick.
create index routing_tasks_customer_assigned on routing_tasks(customer_id, assigned_at desc)
  where assigned_agent_id is not null;

-- Takes many offer leases in one round trip, with the same verdict per request as taking them
-- one after another (store.takeLease): the task must still be waiting, the agent available with
-- room for the cost; otherwise that request gets no row back and changes nothing. The partial
-- unique index on offers and the capacity check on agent_state stay the guarantees: should either
-- fire, the whole call fails and the caller falls back to one lease per transaction.
--
-- Every task row, then every agent row, is locked in id order before any change, so two runtimes
-- taking overlapping batches queue behind each other instead of deadlocking.
create function routing_take_leases(requests jsonb, timeout_ms integer)
returns table (lease_idx integer, lease_offer_id uuid, lease_expires_at timestamptz)
language plpgsql as $$
declare
  r record;
begin
  perform 1 from routing_tasks
    where id in (select (e->>'task_id')::uuid from jsonb_array_elements(requests) e)
    order by id for update;
  perform 1 from agent_state
    where user_id in (select (e->>'agent_id')::uuid from jsonb_array_elements(requests) e)
    order by user_id for update;
  for r in
    select x.idx, x.task_id, x.agent_id, x.cost, x.reason
    from jsonb_to_recordset(requests) as x(idx integer, task_id uuid, agent_id uuid, cost integer, reason jsonb)
    order by x.idx
  loop
    update routing_tasks set status = 'offered' where id = r.task_id and status = 'waiting';
    continue when not found;
    update agent_state set used = used + r.cost
      where user_id = r.agent_id and status = 'available' and used + r.cost <= capacity;
    if not found then
      -- The agent cannot take it: the task is waiting again, as if never touched.
      update routing_tasks set status = 'waiting' where id = r.task_id;
      continue;
    end if;
    insert into offers (task_id, agent_id, cost, reason, expires_at, decided_at)
      values (r.task_id, r.agent_id, r.cost, coalesce(r.reason, '{}'::jsonb), now() + timeout_ms * interval '1 millisecond', null)
      returning offers.id, offers.expires_at into lease_offer_id, lease_expires_at;
    lease_idx := r.idx;
    return next;
  end loop;
end
$$;
