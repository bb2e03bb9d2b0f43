-- "Break" is its own presence state: away from work on purpose, counted apart from "away" in statistics.
alter table agent_state drop constraint agent_state_status_check;
alter table agent_state add constraint agent_state_status_check check (status in ('available', 'away', 'break', 'offline'));
