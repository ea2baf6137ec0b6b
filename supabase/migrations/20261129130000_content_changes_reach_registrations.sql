-- Purpose: a change to a meeting's file reaches the people registered as soon as it is mirrored
-- (`sync_content`, run when content is saved): a capacity lowered below the confirmed count moves
-- the most recent confirmed registrations back to the head of the waiting list (they registered
-- before everyone waiting, so they keep their turn) and tells them; a meeting cancelled in content
-- tells everyone registered; a meeting moved to another date or time tells everyone registered.
-- Affects: public.outbox (template list), private.queue_promotion_message (also demotions),
-- new private.trim_seats, new trigger on public.meetings, public.sync_content (trims, then fills).

alter table public.outbox drop constraint outbox_template_check;
alter table public.outbox add constraint outbox_template_check check (
  template in ('registration_confirmed', 'registration_waitlisted', 'waitlist_promoted', 'proposal_status_changed',
               'moved_to_waitlist', 'meeting_cancelled', 'meeting_moved')
);

/**
 * Moves confirmed registrations beyond the capacity back to the waiting list, the most recent
 * first. The caller holds the meeting row lock. Returns the moved registration ids.
 */
create function private.trim_seats(p_meeting_id text) returns bigint[]
language plpgsql volatile
set search_path = ''
as $$
declare
  v_extra integer;
  v_moved bigint[];
begin
  select (
    select count(*) from public.registrations r where r.meeting_id = m.id and r.status = 'confirmed'
  ) - m.capacity into v_extra
  from public.meetings m where m.id = p_meeting_id;
  if coalesce(v_extra, 0) <= 0 then
    return '{}';
  end if;
  with latest as (
    select r.id from public.registrations r
    where r.meeting_id = p_meeting_id and r.status = 'confirmed'
    order by r.id desc
    limit v_extra
  ), moved as (
    update public.registrations r
    set status = 'waitlisted', status_changed_at = now()
    from latest l where r.id = l.id
    returning r.id
  )
  select coalesce(array_agg(id order by id), '{}') into v_moved from moved;
  return v_moved;
end
$$;
revoke all on function private.trim_seats(text) from public, anon, authenticated, service_role;

/** Queues the message of a seat change: promoted from the waiting list, or moved back to it. */
create or replace function private.queue_promotion_message() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_template text := case
    when old.status = 'waitlisted' and new.status = 'confirmed' then 'waitlist_promoted'
    when old.status = 'confirmed' and new.status = 'waitlisted' then 'moved_to_waitlist'
  end;
begin
  if v_template is not null and new.email is not null then
    insert into public.outbox (registration_id, template, recipient_email, payload)
    values (new.id, v_template, new.email,
            (select jsonb_build_object('reference', new.reference, 'meetingId', m.id, 'meetingTitle', m.title, 'startsAt', m.starts_at)
             from public.meetings m where m.id = new.meeting_id))
    on conflict (registration_id, template) do nothing;
  end if;
  return new;
end
$$;

-- Writes the outbox, which no API role may write, when the service role mirrors content: security definer.
/** Tells everyone registered (confirmed or waiting, with an email) that their meeting was cancelled or moved. */
create function private.queue_meeting_change_messages() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_template text := case
    when old.status = 'scheduled' and new.status = 'cancelled' then 'meeting_cancelled'
    when new.status = 'scheduled' and old.starts_at is distinct from new.starts_at and new.starts_at > now() then 'meeting_moved'
  end;
begin
  if v_template is null then
    return new;
  end if;
  insert into public.outbox (registration_id, template, recipient_email, payload)
  select r.id, v_template, r.email,
         jsonb_build_object('reference', r.reference, 'meetingId', new.id, 'meetingTitle', new.title,
                            'startsAt', new.starts_at, 'previousStartsAt', old.starts_at)
  from public.registrations r
  where r.meeting_id = new.id and r.status in ('confirmed', 'waitlisted') and r.email is not null
  on conflict (registration_id, template) do nothing;
  return new;
end
$$;
revoke all on function private.queue_meeting_change_messages() from public, anon, authenticated, service_role;
create trigger meetings_queue_change_messages
after update of status, starts_at on public.meetings
for each row execute function private.queue_meeting_change_messages();

-- Replaced: the same upsert, then seats are put right for each upcoming meeting (trim, then fill).
/**
 * Mirrors content/territories and content/meetings (service role: the dev server and the build
 * call it when content is saved). Idempotent; a meeting's seats follow its capacity at once.
 */
create or replace function public.sync_content(p_territories jsonb, p_meetings jsonb) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_meeting jsonb;
  v_changed integer := 0;
  v_moved integer := 0;
  v_promoted integer := 0;
  v_row_count integer;
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
    get diagnostics v_row_count = row_count;
    v_changed := v_changed + v_row_count;
    -- Seats move only for a meeting still to come: a past meeting's list is its attendance record.
    perform 1 from public.meetings
    where id = v_meeting ->> 'id' and status = 'scheduled' and starts_at > now()
    for update;
    if found then
      v_moved := v_moved + coalesce(cardinality(private.trim_seats(v_meeting ->> 'id')), 0);
      v_promoted := v_promoted + coalesce(cardinality(private.fill_seats(v_meeting ->> 'id')), 0);
    end if;
  end loop;

  return jsonb_build_object(
    'territories', jsonb_array_length(coalesce(p_territories, '[]')),
    'meetings', jsonb_array_length(coalesce(p_meetings, '[]')),
    'changed', v_changed,
    'movedToWaitlist', v_moved,
    'promoted', v_promoted
  );
end
$$;
revoke all on function public.sync_content(jsonb, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.sync_content(jsonb, jsonb) to service_role;
grant execute on function private.trim_seats(text) to service_role;
