-- Purpose: council meetings (mirrored from content/meetings) and registrations, with the rules that
-- must hold under concurrency: never more confirmed seats than the capacity, a waiting list in
-- arrival order, one registration per person, promotion when someone cancels.
-- Affects: new tables public.meetings, public.registrations; new functions below.

create table public.meetings (
  id text primary key check (id ~ '^[a-z0-9-]{1,80}$'),
  territory_id text not null references public.territories (id),
  title text not null check (char_length(title) between 1 and 160),
  starts_at timestamptz not null,
  capacity integer not null check (capacity between 1 and 500),
  status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
  updated_at timestamptz not null default now()
);
comment on table public.meetings is 'Council meetings mirrored from content/meetings, so that SQL can enforce capacity and dates.';
create index meetings_territory_id_idx on public.meetings (territory_id);

alter table public.meetings enable row level security;
revoke insert, update, delete, truncate on public.meetings from anon, authenticated;

create policy "Anyone can read meetings"
on public.meetings for select to anon
using ( true );
create policy "Signed-in users can read meetings"
on public.meetings for select to authenticated
using ( true );

create table public.registrations (
  id bigint generated always as identity primary key,
  meeting_id text not null references public.meetings (id),
  reference text not null unique check (reference ~ '^[A-HJKMNP-Z2-9]{6}$'),
  cancel_token_hash text unique check (cancel_token_hash ~ '^[0-9a-f]{64}$'),
  status text not null check (status in ('confirmed', 'waitlisted', 'cancelled')),
  full_name text check (char_length(full_name) between 1 and 120),
  commune_code text check (commune_code ~ '^([0-9]{5}|2[AB][0-9]{3})$'),
  email text check (char_length(email) <= 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  phone text check (phone ~ '^\+?[0-9]{6,15}$'),
  contact_hash text check (contact_hash ~ '^[0-9a-f]{64}$'),
  category text not null check (category in ('habitants', 'professionnels', 'elus', 'partenaires')),
  needs text check (char_length(needs) <= 500),
  channel text not null default 'web' check (channel in ('web', 'phone', 'paper')),
  entered_by uuid,
  consent_at timestamptz,
  created_at timestamptz not null default now(),
  status_changed_at timestamptz not null default now(),
  purged_at timestamptz,
  constraint registrations_identity_until_purged check (
    purged_at is not null
    or (full_name is not null and contact_hash is not null and (email is not null or phone is not null))
  ),
  constraint registrations_web_needs_consent check (channel <> 'web' or consent_at is not null or purged_at is not null),
  constraint registrations_paper_has_author check (channel = 'web' or entered_by is not null)
);
comment on table public.registrations is 'Sign-ups for a council meeting. Personal data (name, commune, contact, needs) is readable by the coordinator only and erased after the meeting.';
comment on column public.registrations.full_name is 'personal: the registrant''s name';
comment on column public.registrations.commune_code is 'personal: where the registrant lives';
comment on column public.registrations.email is 'personal: contact';
comment on column public.registrations.phone is 'personal: contact';
comment on column public.registrations.contact_hash is 'personal: salted hash of the contact, for de-duplication';
comment on column public.registrations.needs is 'personal: accessibility or transport need';
comment on column public.registrations.cancel_token_hash is 'secret: hash of the cancel link token';

-- One active registration per person and meeting (the function checks first; this is the backstop).
create unique index registrations_one_per_person_idx
on public.registrations (meeting_id, contact_hash) where status <> 'cancelled';
create index registrations_meeting_status_idx on public.registrations (meeting_id, status, id);

alter table public.registrations enable row level security;
revoke all on public.registrations from anon, authenticated;
grant select on public.registrations to authenticated;

create policy "Coordinators can read registrations"
on public.registrations for select to authenticated
using ( (select private.is_coordinator()) );

-- Seats ---------------------------------------------------------------------------------------------

/**
 * Promotes waitlisted registrations, first come first served, while confirmed seats are fewer than
 * the capacity. The caller holds the meeting row lock. Returns the promoted registration ids.
 */
create function private.fill_seats(p_meeting_id text) returns bigint[]
language plpgsql volatile
set search_path = ''
as $$
declare
  v_free integer;
  v_promoted bigint[];
begin
  select m.capacity - (
    select count(*) from public.registrations r where r.meeting_id = m.id and r.status = 'confirmed'
  ) into v_free
  from public.meetings m where m.id = p_meeting_id;
  if coalesce(v_free, 0) <= 0 then
    return '{}';
  end if;
  with next_in_line as (
    select r.id from public.registrations r
    where r.meeting_id = p_meeting_id and r.status = 'waitlisted'
    order by r.id
    limit v_free
  ), promoted as (
    update public.registrations r
    set status = 'confirmed', status_changed_at = now()
    from next_in_line n where r.id = n.id
    returning r.id
  )
  select coalesce(array_agg(id order by id), '{}') into v_promoted from promoted;
  return v_promoted;
end
$$;

-- Counts registrations that anonymous callers cannot read: security definer, returns counts only.
/** Seats of a meeting: capacity, confirmed, waitlisted, remaining. Raises PS404 for an unknown id. */
create function public.meeting_availability(p_meeting_id text) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  select jsonb_build_object(
    'id', m.id,
    'capacity', m.capacity,
    'confirmed', count(r.id) filter (where r.status = 'confirmed'),
    'waitlisted', count(r.id) filter (where r.status = 'waitlisted'),
    'remaining', greatest(m.capacity - count(r.id) filter (where r.status = 'confirmed'), 0),
    'startsAt', m.starts_at,
    'isOpen', m.status = 'scheduled' and m.starts_at > now()
  ) into v_result
  from public.meetings m
  left join public.registrations r on r.meeting_id = m.id
  where m.id = p_meeting_id
  group by m.id;
  if v_result is null then
    raise exception using errcode = 'PS404', message = 'meeting_not_found';
  end if;
  return v_result;
end
$$;
comment on function public.meeting_availability(text) is
  'security definer: counts rows of registrations, which anonymous callers may not read; returns aggregates only.';

-- Writes a table no API role may write, and reads other people's registrations to de-duplicate
-- and count seats: security definer. Every rule is checked here, under the meeting's row lock.
/**
 * Registers a person for a meeting: 'confirmed' while seats remain, else 'waitlisted' in arrival
 * order. The same person (same normalised email or phone) gets their existing registration back
 * (isExisting, no new cancel token). A past, cancelled or unknown meeting is refused. Paper and
 * phone entries (p_channel 'phone' | 'paper') are for the coordinator only.
 */
create function public.register_for_meeting(
  p_meeting_id text,
  p_full_name text,
  p_category text,
  p_email text default null,
  p_phone text default null,
  p_commune_code text default null,
  p_needs text default null,
  p_consent boolean default false,
  p_client_hash text default null,
  p_channel text default 'web'
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_meeting public.meetings%rowtype;
  v_hash text := private.contact_hash(p_email, p_phone);
  v_existing public.registrations%rowtype;
  v_confirmed integer;
  v_status text;
  v_token text := private.new_secret();
  v_reference text;
  v_id bigint;
  v_is_coordinator boolean := private.is_coordinator();
  v_constraint text;
begin
  if coalesce(p_channel, 'web') <> 'web' and not v_is_coordinator then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  if v_hash is null then
    raise exception using errcode = 'PS422', message = 'contact_required';
  end if;
  if coalesce(p_channel, 'web') = 'web' and p_consent is not true then
    raise exception using errcode = 'PS422', message = 'consent_required';
  end if;
  if coalesce(p_channel, 'web') = 'web' then
    perform private.hit_rate_limit('register:client:' || p_client_hash, 30, 3600);
    perform private.hit_rate_limit('register:contact:' || v_hash, 10, 3600);
  end if;

  -- Serialises registrations for this meeting only.
  select * into v_meeting from public.meetings where id = p_meeting_id for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'meeting_not_found';
  end if;
  if v_meeting.status <> 'scheduled' or v_meeting.starts_at <= now() then
    raise exception using errcode = 'PS409', message = 'meeting_closed';
  end if;

  select * into v_existing from public.registrations
  where meeting_id = p_meeting_id and contact_hash = v_hash and status <> 'cancelled';
  if found then
    return jsonb_build_object(
      'status', v_existing.status, 'reference', v_existing.reference,
      'cancelToken', null, 'isExisting', true, 'meetingId', p_meeting_id
    );
  end if;

  select count(*) into v_confirmed from public.registrations
  where meeting_id = p_meeting_id and status = 'confirmed';
  v_status := case when v_confirmed < v_meeting.capacity then 'confirmed' else 'waitlisted' end;

  loop
    v_reference := private.new_reference();
    begin
      insert into public.registrations (
        meeting_id, reference, cancel_token_hash, status, full_name, commune_code, email, phone,
        contact_hash, category, needs, channel, entered_by, consent_at
      ) values (
        p_meeting_id, v_reference, private.token_hash(v_token), v_status, btrim(p_full_name), p_commune_code,
        private.normalize_email(p_email), private.normalize_phone(p_phone), v_hash, p_category, nullif(btrim(p_needs), ''),
        coalesce(p_channel, 'web'), case when coalesce(p_channel, 'web') <> 'web' then auth.uid() end,
        case when p_consent then now() end
      ) returning id into v_id;
      exit;
    exception when unique_violation then
      -- Only a reference collision is retried; a second registration of the same person is not.
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint = 'registrations_reference_key' then
        continue;
      end if;
      raise;
    end;
  end loop;

  if coalesce(p_channel, 'web') <> 'web' then
    insert into public.audit_log (actor_id, actor_role, action, target_type, target_id, details)
    values (auth.uid(), 'coordinator', 'registration.recorded', 'registration', v_reference,
            jsonb_build_object('channel', p_channel, 'meeting', p_meeting_id));
  end if;

  return jsonb_build_object(
    'status', v_status, 'reference', v_reference, 'cancelToken', v_token,
    'isExisting', false, 'meetingId', p_meeting_id
  );
end
$$;
comment on function public.register_for_meeting(text, text, text, text, text, text, text, boolean, text, text) is
  'security definer: inserts into registrations (no API role may) and reads other registrations under the meeting lock to count seats and de-duplicate.';

-- Finds a registration by the hash of a secret token the caller holds: security definer.
/**
 * Cancels the registration whose cancel link token is p_cancel_token, then promotes the first
 * waitlisted people into freed seats. Cancelling twice answers the same. Raises PS404 for an
 * unknown token.
 */
create function public.cancel_registration(p_cancel_token text) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_registration public.registrations%rowtype;
  v_promoted bigint[] := '{}';
begin
  select * into v_registration from public.registrations
  where cancel_token_hash = private.token_hash(coalesce(p_cancel_token, ''));
  if not found then
    raise exception using errcode = 'PS404', message = 'registration_not_found';
  end if;

  perform 1 from public.meetings where id = v_registration.meeting_id for update;
  select * into v_registration from public.registrations where id = v_registration.id for update;

  if v_registration.status <> 'cancelled' then
    update public.registrations set status = 'cancelled', status_changed_at = now()
    where id = v_registration.id;
    if exists (select 1 from public.meetings m where m.id = v_registration.meeting_id and m.starts_at > now() and m.status = 'scheduled') then
      v_promoted := private.fill_seats(v_registration.meeting_id);
    end if;
  end if;

  return jsonb_build_object(
    'status', 'cancelled', 'reference', v_registration.reference, 'meetingId', v_registration.meeting_id,
    'promoted', cardinality(v_promoted)
  );
end
$$;
comment on function public.cancel_registration(text) is
  'security definer: finds and updates a registration the caller cannot read, identified only by the hash of the secret token they hold.';

/** The coordinator's list of a meeting's registrations with counts by category and status. */
create function public.meeting_registrations(p_meeting_id text) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  if not exists (select 1 from public.meetings where id = p_meeting_id) then
    raise exception using errcode = 'PS404', message = 'meeting_not_found';
  end if;
  select jsonb_build_object(
    'meetingId', p_meeting_id,
    'counts', coalesce((
      select jsonb_object_agg(status, n) from (
        select status, count(*) as n from public.registrations where meeting_id = p_meeting_id group by status
      ) s), '{}'::jsonb),
    'byCategory', coalesce((
      select jsonb_object_agg(category, n) from (
        select category, count(*) as n from public.registrations
        where meeting_id = p_meeting_id and status = 'confirmed' group by category
      ) c), '{}'::jsonb),
    'registrations', coalesce((
      select jsonb_agg(jsonb_build_object(
        'reference', reference, 'status', status, 'fullName', full_name, 'communeCode', commune_code,
        'email', email, 'phone', phone, 'category', category, 'needs', needs, 'channel', channel,
        'createdAt', created_at
      ) order by id)
      from public.registrations where meeting_id = p_meeting_id
    ), '[]'::jsonb)
  ) into v_result;
  return v_result;
end
$$;

/** Mirrors territories and meetings from the Markdown content (service role only), then fills freed seats. */
create function public.sync_content(p_territories jsonb, p_meetings jsonb) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_meeting jsonb;
begin
  insert into public.territories (id, name)
  select t ->> 'id', t ->> 'name' from jsonb_array_elements(coalesce(p_territories, '[]')) t
  on conflict (id) do update set name = excluded.name, updated_at = now()
  where public.territories.name is distinct from excluded.name;

  for v_meeting in select * from jsonb_array_elements(coalesce(p_meetings, '[]')) loop
    insert into public.meetings (id, territory_id, title, starts_at, capacity, status)
    values (v_meeting ->> 'id', v_meeting ->> 'territoryId', v_meeting ->> 'title',
            (v_meeting ->> 'startsAt')::timestamptz, (v_meeting ->> 'capacity')::integer, v_meeting ->> 'status')
    on conflict (id) do update set
      territory_id = excluded.territory_id, title = excluded.title, starts_at = excluded.starts_at,
      capacity = excluded.capacity, status = excluded.status, updated_at = now()
    where (public.meetings.territory_id, public.meetings.title, public.meetings.starts_at, public.meetings.capacity, public.meetings.status)
      is distinct from (excluded.territory_id, excluded.title, excluded.starts_at, excluded.capacity, excluded.status);
    perform 1 from public.meetings where id = v_meeting ->> 'id' for update;
    perform private.fill_seats(v_meeting ->> 'id');
  end loop;

  return jsonb_build_object(
    'territories', jsonb_array_length(coalesce(p_territories, '[]')),
    'meetings', jsonb_array_length(coalesce(p_meetings, '[]'))
  );
end
$$;

revoke all on function public.meeting_availability(text) from public, anon, authenticated, service_role;
revoke all on function public.register_for_meeting(text, text, text, text, text, text, text, boolean, text, text) from public, anon, authenticated, service_role;
revoke all on function public.cancel_registration(text) from public, anon, authenticated, service_role;
revoke all on function public.meeting_registrations(text) from public, anon, authenticated, service_role;
revoke all on function public.sync_content(jsonb, jsonb) from public, anon, authenticated, service_role;

grant execute on function public.meeting_availability(text) to anon, authenticated, service_role;
grant execute on function public.register_for_meeting(text, text, text, text, text, text, text, boolean, text, text) to anon, authenticated;
grant execute on function public.cancel_registration(text) to anon, authenticated;
grant execute on function public.meeting_registrations(text) to authenticated;
grant execute on function public.sync_content(jsonb, jsonb) to service_role;
grant execute on function private.fill_seats(text) to service_role;
