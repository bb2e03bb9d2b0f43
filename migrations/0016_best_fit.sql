-- A fifth queue strategy: best-fit (pack small work onto busy agents; see src/routing/engine/state.ts).
alter table queues drop constraint if exists queues_strategy_check;
alter table queues add constraint queues_strategy_check
  check (strategy in ('longest-idle', 'least-occupied', 'most-proficient', 'round-robin', 'best-fit'));
