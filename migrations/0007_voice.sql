-- Voice over Twilio: IVR flows per number, the calls and the legs the hub
-- places for them, recordings, per-queue and per-agent voice settings, and a
-- log of webhook failures the admin API shows.

-- One IVR flow per business number ('default' answers numbers without one).
-- The definition is validated on save (src/channels/voice/flow.ts); warnings
-- (e.g. Persian prompts without audio) are kept to show in the admin API.
create table voice_flows (
  number text primary key check (number = 'default' or number ~ '^\+[1-9][0-9]{6,14}$'),
  definition jsonb not null,
  warnings jsonb not null default '[]',
  updated_by uuid references users(id) on delete set null,
  updated_at timestamptz not null default now()
);

-- Per-queue voice behaviour. A queue without a row: no recording, default hold music, callback offered.
create table voice_queue_settings (
  queue_id uuid primary key references queues(id) on delete cascade,
  record_calls boolean not null default false,
  hold_music_url text,
  offer_callback boolean not null default true,
  updated_at timestamptz not null default now()
);

-- How an agent takes calls: the browser (Twilio Voice SDK) or a phone number.
create table voice_agent_settings (
  user_id uuid primary key references users(id) on delete cascade,
  device text not null default 'browser' check (device in ('browser', 'phone')),
  phone_number text check (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
  updated_at timestamptz not null default now(),
  check (device = 'browser' or phone_number is not null)
);

-- One row per inbound call, keyed by Twilio's CallSid (the idempotency key of
-- every webhook about it). `step` orders IVR requests: each action URL
-- carries the step it answers, and a repeated request gets `last_twiml` back
-- instead of being applied twice. `status_rank` orders Twilio's call
-- statuses so a late callback never moves a call backwards.
create table voice_calls (
  call_sid text primary key,
  from_number text not null,
  to_number text not null,
  caller_number text,                   -- E.164 when the caller is reachable (callbacks), else null
  flow_number text not null,
  language text not null default 'en',
  state text not null default 'ivr'
    check (state in ('ivr', 'queued', 'callback', 'bridging', 'connected', 'voicemail', 'ended')),
  node text,
  step integer not null default 0,
  last_twiml text,
  path jsonb not null default '[]',
  vars jsonb not null default '{}',
  conversation_id uuid references conversations(id),
  queue_name text,
  callback_requested_at timestamptz,
  conference_name text,
  conference_sid text,
  customer_leg_sid text,                -- the customer's leg in the conference: this call, or the callback call
  agent_id uuid references users(id) on delete set null,
  agent_leg_sid text,
  on_hold boolean not null default false,
  transfer jsonb,                       -- a warm transfer under way: {toAgentId, legSid, byUserId}
  twilio_status text,
  status_rank smallint not null default -1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  connected_at timestamptz,
  ended_at timestamptz
);
create index voice_calls_conversation on voice_calls(conversation_id, created_at desc);

-- Calls the hub places for a call: agent legs, consult legs (warm transfer),
-- supervisor legs, and the call back to a customer.
create table voice_legs (
  call_sid text primary key,
  parent_call_sid text not null references voice_calls(call_sid),
  role text not null check (role in ('agent', 'consult', 'supervisor', 'customer')),
  user_id uuid references users(id) on delete set null,
  conference_name text not null,
  mode text check (mode in ('listen', 'whisper', 'barge')),
  -- Set when the hub ended the leg on purpose (transfer, hang-up), so its
  -- 'completed' callback is not taken for the agent hanging up.
  released boolean not null default false,
  twilio_status text,
  status_rank smallint not null default -1,
  answered_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now()
);
create index voice_legs_parent on voice_legs(parent_call_sid);

-- Call recordings and voicemails, once each (RecordingSid).
create table voice_recordings (
  recording_sid text primary key,
  call_sid text,
  conversation_id uuid references conversations(id),
  kind text not null check (kind in ('call', 'voicemail')),
  url text not null,
  duration_seconds integer,
  created_at timestamptz not null default now()
);
-- One voicemail per call, whichever of Twilio's two notices (the <Record> action, the recording callback) comes first.
create unique index voice_recordings_one_voicemail on voice_recordings(call_sid) where kind = 'voicemail';

-- Webhook failures and bad input, for the admin API (the caller got a graceful path).
create table voice_errors (
  id bigserial primary key,
  call_sid text,
  context text not null,
  message text not null,
  at timestamptz not null default now()
);
create index voice_errors_at on voice_errors(at desc);
