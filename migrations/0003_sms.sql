-- SMS over Twilio: the business numbers and their queues, opt-outs, and the
-- record of every message handed to Twilio's Messages API.

-- Each Twilio number the business owns, and the queue its inbound SMS go to.
-- A number that is not listed here still works: its messages use the default sms queue.
create table sms_numbers (
  number text primary key check (number ~ '^\+[1-9][0-9]{6,14}$'),  -- E.164
  queue_id uuid not null references queues(id) on delete cascade,
  created_at timestamptz not null default now()
);
create index sms_numbers_queue on sms_numbers(queue_id);

-- Opt-out history per (customer number, business number), like Twilio's own
-- per-sender opt-out. The latest row of a pair is its current state. A row
-- written because of an inbound keyword carries that message's SID, which
-- makes a repeated webhook harmless (and keeps an old STOP, redelivered after
-- a later START, from opting the customer out again).
create table sms_opt_outs (
  id bigserial primary key,
  customer_number text not null,
  business_number text not null,
  opted_out boolean not null,
  keyword text not null,               -- STOP, START, … or 'twilio:21610' when Twilio refused a send
  message_sid text unique,
  at timestamptz not null default now()
);
create index sms_opt_outs_pair on sms_opt_outs(customer_number, business_number, id desc);

-- One row per outbound message from the first attempt to send it. The SID is
-- stored as soon as Twilio returns it, so a retry of the same outbox job does
-- not send again; a row without a SID means an earlier attempt may have
-- reached Twilio, and the retry looks for that message before creating one.
-- twilio_rank orders Twilio's statuses so status callbacks only move forward.
create table sms_outbound (
  message_id uuid primary key references messages(id),
  sid text unique,
  from_number text not null,
  to_number text not null,
  twilio_status text,
  twilio_rank smallint not null default -1,
  error_code integer,
  first_attempt_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A status callback for a SID we have not stored yet: Twilio can call back
-- before its answer to our create request has reached us. Kept here (forward
-- only) and applied when the send records its SID; pruned after a day.
create table sms_status_early (
  sid text primary key,
  twilio_status text not null,
  twilio_rank smallint not null,
  error_code integer,
  at timestamptz not null default now()
);
