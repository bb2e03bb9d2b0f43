-- Customers: search, merge and un-merge.
--
-- A merge moves the merged customer's identities and conversations to the
-- survivor and marks the merged customer with merged_into. The merged row is
-- kept, never deleted, and customer_merges records exactly what moved, so an
-- undo puts back the same rows and nothing else.

create extension if not exists pg_trgm;

alter table customers add column merged_into uuid references customers(id);
create index customers_merged_into on customers(merged_into) where merged_into is not null;

create table customer_merges (
  id uuid primary key default gen_random_uuid(),
  survivor_id uuid not null references customers(id),
  merged_id uuid not null references customers(id),
  actor_user_id uuid references users(id),
  -- What the scorer saw when the merge was made: [{kind, detail, weight}], and the score.
  evidence jsonb not null default '[]',
  score numeric(4, 3) not null default 0,
  moved_identity_ids uuid[] not null,
  moved_conversation_ids uuid[] not null,
  -- The merged customer as it was (display_name, profile), and what the merge
  -- filled in on the survivor (its name when it had none, profile keys it lacked).
  merged_snapshot jsonb not null,
  survivor_filled jsonb not null default '{}',
  created_at timestamptz not null default now(),
  undone_at timestamptz,
  undone_by uuid references users(id),
  check (survivor_id <> merged_id)
);
create index customer_merges_survivor on customer_merges(survivor_id, created_at desc);
create index customer_merges_merged on customer_merges(merged_id, created_at desc);
-- A customer is merged away at most once at a time.
create unique index customer_merges_live_merged on customer_merges(merged_id) where undone_at is null;

-- The fold used for search and matching, the SQL twin of normalizeForMatch()
-- in src/domain/identity.ts (tests compare the two): NFKC, Arabic yeh/kaf to
-- Persian, Persian and Arabic-Indic digits to ASCII, ZWNJ to a space, lower
-- case, runs of white space to one. For matching only, never for display.
create function customer_fold(t text) returns text
language sql immutable parallel safe
return btrim(regexp_replace(lower(translate(normalize(coalesce(t, ''), nfkc),
  'يك۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩' || chr(8204),
  'یک01234567890123456789 ')), '\s+', ' ', 'g'));

-- Substring search (names typed in part, emails and phone digits in part).
create index customers_name_trgm on customers using gin (customer_fold(display_name) gin_trgm_ops) where merged_into is null;
create index customers_profile_email_trgm on customers using gin (customer_fold(profile->>'email') gin_trgm_ops) where merged_into is null;
create index customer_identities_value_trgm on customer_identities using gin (value gin_trgm_ops);

-- The cross-channel timeline pages newest-first by (created_at, id).
create index messages_conversation_time on messages(conversation_id, created_at desc, id desc);

-- Ingest resolves a customer from an identity before it writes; a merge that
-- commits in between would leave the new conversation or identity on the
-- merged customer. The share lock waits for a merge in progress (which holds
-- the merged customer FOR UPDATE) and then reads its outcome, so the row is
-- redirected to the survivor.
create function redirect_merged_customer() returns trigger
language plpgsql as $$
declare
  target uuid;
begin
  -- Follows a chain (M merged into S, S later into X); merges never form a cycle.
  loop
    select merged_into into target from customers where id = new.customer_id for share;
    exit when target is null;
    new.customer_id := target;
  end loop;
  return new;
end
$$;

create trigger conversations_redirect_merged before insert on conversations
  for each row execute function redirect_merged_customer();
create trigger customer_identities_redirect_merged before insert on customer_identities
  for each row execute function redirect_merged_customer();
