-- Purpose: the coordinator's side of a registration's life (issue I): cancel a registration for
-- someone who phoned (the first person waiting takes the seat and is told by mail, by the same
-- rules as a resident's own cancellation), move a waiting person to a free seat (never beyond
-- the capacity), correct a registrant's contact details. Every action is written to the audit
-- log, without personal data. The coordinator's lists also carry commune and territory names, so
-- that no screen or export shows a bare INSEE code.
-- Affects: new functions public.coordinator_cancel_registration, public.coordinator_confirm_registration,
-- public.coordinator_update_registration (coordinator only); public.meeting_registrations and
-- public.proposals_export replaced with the same arguments and grants, and more fields
-- (communeName, capacity, isOpen, statusChangedAt; territoryName, communeName).

-- Writes registrations and the audit log, which no API role may write: security definer, and
-- only for the coordinator. Locks the meeting row, then the registration, like every seat function.
/**
 * The coordinator cancels a registration of p_meeting_id by its reference (a person who phoned
 * to cancel). Then, as when a resident cancels with their link, the first people waiting take the
 * freed seats if the meeting is still to come (private.fill_seats), and the promotion trigger
 * queues their message. Cancelling twice answers the same, without a second log entry. Raises
 * PS404 for an unknown meeting or reference.
 */
create function public.coordinator_cancel_registration(p_meeting_id text, p_reference text) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_meeting public.meetings%rowtype;
  v_registration public.registrations%rowtype;
  v_promoted bigint[] := '{}';
  v_promoted_refs jsonb := '[]';
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  select * into v_meeting from public.meetings where id = p_meeting_id for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'meeting_not_found';
  end if;
  select * into v_registration from public.registrations
  where meeting_id = p_meeting_id and reference = upper(btrim(coalesce(p_reference, '')))
  for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'registration_not_found';
  end if;
  if v_registration.status = 'cancelled' then
    return jsonb_build_object('status', 'cancelled', 'reference', v_registration.reference,
                              'meetingId', p_meeting_id, 'promoted', '[]'::jsonb, 'isExisting', true);
  end if;

  update public.registrations set status = 'cancelled', status_changed_at = now()
  where id = v_registration.id;
  -- The same rule as public.cancel_registration: seats move only for a meeting still to come.
  if v_meeting.status = 'scheduled' and v_meeting.starts_at > now() then
    v_promoted := private.fill_seats(p_meeting_id);
  end if;
  select coalesce(jsonb_agg(r.reference order by r.id), '[]') into v_promoted_refs
  from public.registrations r where r.id = any(v_promoted);

  insert into public.audit_log (actor_id, actor_role, action, target_type, target_id, details)
  values (auth.uid(), 'coordinator', 'registration.cancelled', 'registration', v_registration.reference,
          jsonb_build_object('meeting', p_meeting_id, 'from', v_registration.status, 'promoted', v_promoted_refs));
  insert into public.audit_log (actor_role, action, target_type, target_id, details)
  select 'system', 'registration.promoted', 'registration', r.reference,
         jsonb_build_object('meeting', p_meeting_id, 'freedBy', v_registration.reference, 'notified', r.email is not null)
  from public.registrations r where r.id = any(v_promoted)
  order by r.id;

  return jsonb_build_object('status', 'cancelled', 'reference', v_registration.reference,
                            'meetingId', p_meeting_id, 'promoted', v_promoted_refs, 'isExisting', false);
end
$$;
comment on function public.coordinator_cancel_registration(text, text) is
  'security definer: updates registrations and writes the audit log, which no API role may write; checks the coordinator claim first and locks the meeting row.';

-- Writes registrations and the audit log: security definer, coordinator only, under the meeting lock.
/**
 * The coordinator moves a waiting person to a confirmed seat. Refused (PS409) when the meeting is
 * full (meeting_full: confirmed seats never exceed the capacity), past or cancelled
 * (meeting_closed), or when the registration was cancelled (registration_cancelled). The
 * promotion trigger queues the person's message. Confirming a confirmed registration answers the same.
 */
create function public.coordinator_confirm_registration(p_meeting_id text, p_reference text) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_meeting public.meetings%rowtype;
  v_registration public.registrations%rowtype;
  v_confirmed integer;
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  select * into v_meeting from public.meetings where id = p_meeting_id for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'meeting_not_found';
  end if;
  select * into v_registration from public.registrations
  where meeting_id = p_meeting_id and reference = upper(btrim(coalesce(p_reference, '')))
  for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'registration_not_found';
  end if;
  if v_registration.status = 'confirmed' then
    return jsonb_build_object('status', 'confirmed', 'reference', v_registration.reference,
                              'meetingId', p_meeting_id, 'isExisting', true);
  end if;
  if v_registration.status = 'cancelled' then
    raise exception using errcode = 'PS409', message = 'registration_cancelled';
  end if;
  if v_meeting.status <> 'scheduled' or v_meeting.starts_at <= now() then
    raise exception using errcode = 'PS409', message = 'meeting_closed';
  end if;
  select count(*) into v_confirmed from public.registrations
  where meeting_id = p_meeting_id and status = 'confirmed';
  if v_confirmed >= v_meeting.capacity then
    raise exception using errcode = 'PS409', message = 'meeting_full',
      detail = format('%s confirmed for %s seats', v_confirmed, v_meeting.capacity);
  end if;

  update public.registrations set status = 'confirmed', status_changed_at = now()
  where id = v_registration.id;
  insert into public.audit_log (actor_id, actor_role, action, target_type, target_id, details)
  values (auth.uid(), 'coordinator', 'registration.confirmed', 'registration', v_registration.reference,
          jsonb_build_object('meeting', p_meeting_id, 'from', 'waitlisted', 'notified', v_registration.email is not null));

  return jsonb_build_object('status', 'confirmed', 'reference', v_registration.reference,
                            'meetingId', p_meeting_id, 'isExisting', false);
end
$$;
comment on function public.coordinator_confirm_registration(text, text) is
  'security definer: updates registrations and writes the audit log, which no API role may write; checks the coordinator claim first and counts seats under the meeting row lock.';

-- Writes personal columns of registrations and the outbox: security definer, coordinator only.
/**
 * The coordinator corrects a registrant's name, email, phone and commune. An email or a phone
 * stays required (contact_required); the contact hash follows, so the person is still recognised
 * if they register again, and may not become another active registrant's (duplicate_registration).
 * Unsent messages follow the new email (or are dropped with it). An erased registration cannot be
 * edited (registration_purged). The audit log records which fields changed, never their values.
 */
create function public.coordinator_update_registration(
  p_meeting_id text,
  p_reference text,
  p_full_name text,
  p_email text default null,
  p_phone text default null,
  p_commune_code text default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_registration public.registrations%rowtype;
  v_name text := nullif(btrim(coalesce(p_full_name, '')), '');
  v_email text := private.normalize_email(p_email);
  v_phone text := private.normalize_phone(p_phone);
  v_commune text := nullif(btrim(coalesce(p_commune_code, '')), '');
  v_hash text := private.contact_hash(p_email, p_phone);
  v_changed text[] := '{}';
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  perform 1 from public.meetings where id = p_meeting_id for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'meeting_not_found';
  end if;
  select * into v_registration from public.registrations
  where meeting_id = p_meeting_id and reference = upper(btrim(coalesce(p_reference, '')))
  for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'registration_not_found';
  end if;
  if v_registration.purged_at is not null then
    raise exception using errcode = 'PS409', message = 'registration_purged';
  end if;
  if v_name is null then
    raise exception using errcode = 'PS422', message = 'name_required';
  end if;
  if v_hash is null then
    raise exception using errcode = 'PS422', message = 'contact_required';
  end if;
  if v_registration.status <> 'cancelled' and exists (
    select 1 from public.registrations r
    where r.meeting_id = p_meeting_id and r.contact_hash = v_hash and r.status <> 'cancelled' and r.id <> v_registration.id
  ) then
    raise exception using errcode = 'PS409', message = 'duplicate_registration';
  end if;

  if v_name is distinct from v_registration.full_name then v_changed := array_append(v_changed, 'fullName'); end if;
  if v_email is distinct from v_registration.email then v_changed := array_append(v_changed, 'email'); end if;
  if v_phone is distinct from v_registration.phone then v_changed := array_append(v_changed, 'phone'); end if;
  if v_commune is distinct from v_registration.commune_code then v_changed := array_append(v_changed, 'communeCode'); end if;
  if cardinality(v_changed) = 0 then
    return jsonb_build_object('reference', v_registration.reference, 'meetingId', p_meeting_id, 'changed', '[]'::jsonb);
  end if;

  update public.registrations
  set full_name = v_name, email = v_email, phone = v_phone, commune_code = v_commune, contact_hash = v_hash
  where id = v_registration.id;
  if 'email' = any(v_changed) then
    if v_email is null then
      delete from public.outbox where registration_id = v_registration.id and sent_at is null;
    else
      update public.outbox set recipient_email = v_email
      where registration_id = v_registration.id and sent_at is null;
    end if;
  end if;
  insert into public.audit_log (actor_id, actor_role, action, target_type, target_id, details)
  values (auth.uid(), 'coordinator', 'registration.updated', 'registration', v_registration.reference,
          jsonb_build_object('meeting', p_meeting_id, 'fields', to_jsonb(v_changed)));

  return jsonb_build_object('reference', v_registration.reference, 'meetingId', p_meeting_id, 'changed', to_jsonb(v_changed));
end
$$;
comment on function public.coordinator_update_registration(text, text, text, text, text, text) is
  'security definer: updates personal columns of registrations and the outbox, which no API role may write; checks the coordinator claim first, under the meeting row lock.';

-- Replaced with more fields (same arguments, same rights): commune names, seats, status dates.
/** The coordinator's list of a meeting's registrations with counts by category and status. */
create or replace function public.meeting_registrations(p_meeting_id text) returns jsonb
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
    'meetingId', m.id,
    'capacity', m.capacity,
    'isOpen', m.status = 'scheduled' and m.starts_at > now(),
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
        'reference', r.reference, 'status', r.status, 'fullName', r.full_name, 'communeCode', r.commune_code,
        'communeName', c.name, 'email', r.email, 'phone', r.phone, 'category', r.category, 'needs', r.needs,
        'channel', r.channel, 'createdAt', r.created_at, 'statusChangedAt', r.status_changed_at
      ) order by r.id)
      from public.registrations r
      left join public.communes c on c.code = r.commune_code
      where r.meeting_id = p_meeting_id
    ), '[]'::jsonb)
  ) into v_result
  from public.meetings m where m.id = p_meeting_id;
  return v_result;
end
$$;

-- Replaced with names (same arguments, same rights). Reads authors' names and contacts, which no
-- API role may select: security definer, coordinator only.
/** All proposals, oldest first, with the author's details for follow-up, status, reason, answer and supports. */
create or replace function public.proposals_export() returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object(
      'id', p.id, 'title', p.title, 'theme', p.theme, 'territoryId', p.territory_id, 'territoryName', t.name,
      'communeCode', p.commune_code, 'communeName', c.name,
      'status', p.status, 'statusReason', p.status_reason, 'answer', p.answer, 'supports', p.support_count,
      'authorName', p.author_name, 'authorEmail', p.author_email, 'authorPhone', p.author_phone,
      'channel', p.channel, 'createdAt', p.created_at, 'publishedAt', p.published_at
    ) order by p.id)
    from public.proposals p
    left join public.territories t on t.id = p.territory_id
    left join public.communes c on c.code = p.commune_code
  ), '[]'::jsonb);
end
$$;

revoke all on function public.coordinator_cancel_registration(text, text) from public, anon, authenticated, service_role;
revoke all on function public.coordinator_confirm_registration(text, text) from public, anon, authenticated, service_role;
revoke all on function public.coordinator_update_registration(text, text, text, text, text, text) from public, anon, authenticated, service_role;
grant execute on function public.coordinator_cancel_registration(text, text) to authenticated;
grant execute on function public.coordinator_confirm_registration(text, text) to authenticated;
grant execute on function public.coordinator_update_registration(text, text, text, text, text, text) to authenticated;
