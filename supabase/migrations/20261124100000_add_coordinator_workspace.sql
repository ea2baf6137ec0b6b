-- Purpose: the coordinator's workspace (issue F): sign-in attempts rate-limited in SQL, the
-- dashboard's figures in one call, and the audit-log view.
-- Affects: new functions public.note_sign_in_attempt (anyone), public.coordinator_dashboard and
-- public.audit_entries and public.proposal_next_statuses (coordinator).

-- Writes rate_limit_buckets through private.hit_rate_limit, which API roles may not call: security definer.
/**
 * Counts one sign-in attempt for a client (salted hash of its address); raises PS429 beyond 10
 * attempts in 15 minutes, whatever their outcome, so passwords cannot be guessed at speed.
 */
create function public.note_sign_in_attempt(p_client_hash text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if p_client_hash is null or p_client_hash !~ '^[0-9a-f]{16,128}$' then
    raise exception using errcode = 'PS422', message = 'invalid_client';
  end if;
  perform private.hit_rate_limit('sign-in:' || p_client_hash, 10, 900);
end
$$;
comment on function public.note_sign_in_attempt(text) is
  'security definer: writes rate_limit_buckets (through private.hit_rate_limit), which no API role may touch.';

-- Reads proposals and meetings across statuses with counts: security definer behind the coordinator check.
/**
 * What the coordinator sees first: proposals waiting for moderation, proposals that reached the
 * support threshold (or the council agenda), and upcoming meetings with their seat counts.
 * No contact details.
 */
create function public.coordinator_dashboard() returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_threshold integer := coalesce((select value::integer from private.app_settings where key = 'support_threshold'), 20);
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  return jsonb_build_object(
    'supportThreshold', v_threshold,
    'pending', coalesce((
      select jsonb_agg(jsonb_build_object('id', p.id, 'title', p.title, 'territoryId', p.territory_id,
                                          'channel', p.channel, 'createdAt', p.created_at) order by p.id)
      from public.proposals p where p.status = 'pending'
    ), '[]'),
    'atThreshold', coalesce((
      select jsonb_agg(jsonb_build_object('id', p.id, 'title', p.title, 'territoryId', p.territory_id,
                                          'status', p.status, 'supports', p.support_count) order by p.support_count desc, p.id)
      from public.proposals p
      where p.status = 'on_council_agenda'
         or (p.status in ('published', 'under_study') and p.support_count >= v_threshold)
    ), '[]'),
    'meetings', coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', m.id, 'title', m.title, 'territoryId', m.territory_id, 'startsAt', m.starts_at,
        'capacity', m.capacity, 'status', m.status,
        'confirmed', (select count(*) from public.registrations r where r.meeting_id = m.id and r.status = 'confirmed'),
        'waitlisted', (select count(*) from public.registrations r where r.meeting_id = m.id and r.status = 'waitlisted')
      ) order by m.starts_at)
      from public.meetings m where m.starts_at > now() - interval '1 day'
    ), '[]')
  );
end
$$;
comment on function public.coordinator_dashboard() is
  'security definer: counts registrations (personal rows) without returning them; checks the coordinator claim first.';

/** The latest audit-log entries, newest first (the table holds no personal data). */
create function public.audit_entries(p_limit integer default 200) returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object(
      'id', a.id, 'actorId', a.actor_id, 'actorRole', a.actor_role, 'action', a.action,
      'targetType', a.target_type, 'targetId', a.target_id, 'details', a.details, 'createdAt', a.created_at
    ) order by a.id desc)
    from (select * from public.audit_log order by id desc limit least(greatest(coalesce(p_limit, 200), 1), 1000)) a
  ), '[]');
end
$$;

/** The moves the workflow allows from each status (private.proposal_transitions), for the moderation forms. */
create function public.proposal_next_statuses() returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  return coalesce((
    select jsonb_object_agg(from_status, next)
    from (select from_status, jsonb_agg(to_status order by to_status) as next
          from private.proposal_transitions group by from_status) t
  ), '{}');
end
$$;
comment on function public.proposal_next_statuses() is
  'security definer: reads private.proposal_transitions, which API roles may not select; checks the coordinator claim first.';

revoke all on function public.proposal_next_statuses() from public, anon, authenticated, service_role;
grant execute on function public.proposal_next_statuses() to authenticated;
revoke all on function public.note_sign_in_attempt(text) from public, anon, authenticated, service_role;
revoke all on function public.coordinator_dashboard() from public, anon, authenticated, service_role;
revoke all on function public.audit_entries(integer) from public, anon, authenticated, service_role;
grant execute on function public.note_sign_in_attempt(text) to anon, authenticated;
grant execute on function public.coordinator_dashboard() to authenticated;
grant execute on function public.audit_entries(integer) to authenticated;
