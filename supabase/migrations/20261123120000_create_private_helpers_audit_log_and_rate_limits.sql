-- Purpose: shared foundations — a private schema for internal helpers (never exposed by the API),
-- the per-database salt for contact hashes, the coordinator check, contact normalisation, the
-- audit log and the rate-limit buckets.
-- Affects: new schema private; new tables private.app_settings, public.audit_log, public.rate_limit_buckets.

create schema if not exists private;
comment on schema private is 'Internal helpers and settings; not exposed through the Data API.';
-- The API roles may call the helpers that policies use, nothing more (see the grants below).
grant usage on schema private to anon, authenticated, service_role;
-- Functions are executable by PUBLIC by default in PostgreSQL: not in this schema.
alter default privileges in schema private revoke execute on functions from public;

create table private.app_settings (
  key text primary key check (key ~ '^[a-z_]{1,40}$'),
  value text not null
);
comment on table private.app_settings is 'Database-wide settings, such as the salt of contact hashes; readable by no API role.';
alter table private.app_settings enable row level security;
revoke all on private.app_settings from anon, authenticated, service_role;

-- A random salt per database: the same contact always gives the same hash here, and a hash leaked
-- from this database says nothing elsewhere.
insert into private.app_settings (key, value)
values ('contact_salt', encode(sha256(convert_to(gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex'));

/** True when the caller's JWT says the coordinator: app_metadata.role = 'coordinator'. */
create function private.is_coordinator() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce((select auth.jwt()) -> 'app_metadata' ->> 'role' = 'coordinator', false)
$$;

/** Lower-cased, trimmed email, or null when empty. */
create function private.normalize_email(p_email text) returns text
language sql immutable
set search_path = ''
as $$
  select nullif(lower(btrim(p_email)), '')
$$;

/** French phone numbers in one form (+33XXXXXXXXX); other numbers keep their digits and a leading +. */
create function private.normalize_phone(p_phone text) returns text
language sql immutable
set search_path = ''
as $$
  with digits as (
    select regexp_replace(coalesce(p_phone, ''), '[^0-9+]', '', 'g') as d
  )
  select case
    when d = '' then null
    when d ~ '^0[1-9][0-9]{8}$' then '+33' || substr(d, 2)
    when d ~ '^0033[1-9][0-9]{8}$' then '+33' || substr(d, 5)
    else d
  end
  from digits
$$;

-- Reads the salt, which no API role may read: security definer, owned by the migration role.
/** Salted SHA-256 of a normalised contact (email preferred, else phone); null when both are empty. */
create function private.contact_hash(p_email text, p_phone text) returns text
language sql stable security definer
set search_path = ''
as $$
  select case
    when coalesce(private.normalize_email(p_email), private.normalize_phone(p_phone)) is null then null
    else encode(sha256(convert_to(
      (select value from private.app_settings where key = 'contact_salt') || ':' ||
      coalesce(private.normalize_email(p_email), private.normalize_phone(p_phone)),
      'UTF8')), 'hex')
  end
$$;

/** SHA-256 of a secret token, hex: only this is stored, never the token itself. */
create function private.token_hash(p_token text) returns text
language sql immutable
set search_path = ''
as $$
  select encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
$$;

/** A fresh secret: 256 random bits from two v4 UUIDs, as 64 hex characters. */
create function private.new_secret() returns text
language sql volatile
set search_path = ''
as $$
  select encode(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), 'hex')
$$;

/** A short reference people can read aloud on the phone: 6 characters, no 0/O, 1/I/L. */
create function private.new_reference() returns text
language sql volatile
set search_path = ''
as $$
  select string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + get_byte(b, i) % 31, 1), '' order by i)
  from (select uuid_send(gen_random_uuid()) as b) as r, generate_series(0, 5) as i
$$;

revoke all on all functions in schema private from public, anon, authenticated;
grant execute on function private.is_coordinator() to anon, authenticated, service_role;

-- Audit log ---------------------------------------------------------------------------------------

create table public.audit_log (
  id bigint generated always as identity primary key,
  actor_id uuid,
  actor_role text not null check (actor_role in ('anon', 'coordinator', 'authenticated', 'service_role', 'system')),
  action text not null check (char_length(action) between 1 and 60),
  target_type text not null check (target_type in ('meeting', 'registration', 'proposal', 'support', 'import')),
  target_id text not null check (char_length(target_id) between 1 and 100),
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table public.audit_log is 'Every coordinator action and automatic transition: who, what, on what, when. No personal data in details.';
alter table public.audit_log enable row level security;
revoke all on public.audit_log from anon, authenticated;
grant select on public.audit_log to authenticated;

create policy "Coordinators can read the audit log"
on public.audit_log for select to authenticated
using ( (select private.is_coordinator()) );

create index audit_log_target_idx on public.audit_log (target_type, target_id);

/** Who is calling, as the audit log records it. */
create function private.current_actor_role() returns text
language sql stable
set search_path = ''
as $$
  select case
    when private.is_coordinator() then 'coordinator'
    when coalesce(auth.role(), current_user) = 'service_role' then 'service_role'
    when coalesce(auth.role(), current_user) = 'authenticated' then 'authenticated'
    when coalesce(auth.role(), current_user) = 'anon' then 'anon'
    else 'system'
  end
$$;

-- Rate limits -------------------------------------------------------------------------------------

create table public.rate_limit_buckets (
  bucket_key text not null check (char_length(bucket_key) between 1 and 200),
  window_start timestamptz not null,
  hits integer not null default 0 check (hits >= 0),
  primary key (bucket_key, window_start)
);
comment on table public.rate_limit_buckets is 'Fixed-window request counters keyed by action and salted hash of an IP or contact; written only by SQL functions.';
alter table public.rate_limit_buckets enable row level security;
revoke all on public.rate_limit_buckets from anon, authenticated;

/**
 * Counts one hit in the current window of `p_key` and raises PS429 (with the seconds to wait in
 * the DETAIL) when more than `p_limit` hits fall in `p_window_seconds`. One upsert: safe under
 * concurrency. Called by the write functions, never directly by the API.
 */
create function private.hit_rate_limit(p_key text, p_limit integer, p_window_seconds integer) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
  v_hits integer;
begin
  if p_key is null then
    return;
  end if;
  insert into public.rate_limit_buckets as b (bucket_key, window_start, hits)
  values (p_key, v_window, 1)
  on conflict (bucket_key, window_start) do update set hits = b.hits + 1
  returning hits into v_hits;
  if v_hits > p_limit then
    raise exception using
      errcode = 'PS429',
      message = 'rate_limited',
      detail = ceil(extract(epoch from (v_window + make_interval(secs => p_window_seconds) - now())))::text;
  end if;
end
$$;
comment on function private.hit_rate_limit(text, integer, integer) is
  'security definer: writes rate_limit_buckets, which no API role may touch directly.';
revoke all on function private.hit_rate_limit(text, integer, integer) from public, anon, authenticated;

-- Health -------------------------------------------------------------------------------------------

/** Answers when the database is reachable and migrated; used by GET /api/health. */
create function public.health_check() returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('ok', true)
$$;
revoke all on function public.health_check() from public;
grant execute on function public.health_check() to anon, authenticated, service_role;
