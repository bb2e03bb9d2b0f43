-- Channel details that belong to one conversation or message but are not core
-- fields: the business number an SMS came in on, email thread references,
-- attachments, SMS segment counts.
alter table conversations add column channel_meta jsonb not null default '{}';
alter table messages add column metadata jsonb not null default '{}';
