-- A sixth queue strategy: reserve (best-fit that keeps agents whole for higher-priority queues; see
-- the reserve rule in src/routing/engine/engine.ts).
alter table queues drop constraint if exists queues_strategy_check;
alter table queues add constraint queues_strategy_check
  check (strategy in ('longest-idle', 'least-occupied', 'most-proficient', 'round-robin', 'best-fit', 'reserve'));
