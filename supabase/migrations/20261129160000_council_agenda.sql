-- Purpose: the council's agenda, visible from either end (issue I, part 5). A proposal whose status
-- is on_council_agenda (the support threshold, or the coordinator) is on the agenda of exactly one
-- meeting: the first meeting of its territory that is still scheduled (not cancelled) and starts
-- after the moment the proposal reached the agenda. The rule is evaluated when read, so:
--   * a proposal shows on the next council meeting of its territory until that meeting has taken
--     place, and stays on THAT meeting's agenda afterwards, until the coordinator moves its status
--     once the minutes say what was decided: it does not slide onto the following meeting, which
--     would announce a debate that has already happened;
--   * a proposal that reaches the agenda while a meeting is under way, or after it, goes to the
--     following meeting, never to one that has already begun;
--   * when its meeting is cancelled, it moves to the next scheduled meeting of its territory;
--   * while no meeting is scheduled after it, it is on the agenda of the next council, date to be
--     fixed, and joins that meeting as soon as its file is published (and mirrored);
--   * the moment it reached the agenda is its latest history line to on_council_agenda (else its
--     status change): to carry over a proposal the council did not examine, the coordinator puts it
--     on the agenda again (decide_proposal with on_council_agenda), which writes a new line.
-- Only public data: the proposal's number, title, confirmed supports and dates; never a name or contact.
-- Affects: new private.agenda_since, private.agenda_meeting_id; new public.council_agenda and
-- public.proposal_agenda_meeting (anon, authenticated, service_role; they run with the caller's rights).

/** When a proposal last reached the council agenda: its latest history line to on_council_agenda, else its status change. */
create function private.agenda_since(p_proposal_id bigint, p_status_changed_at timestamptz) returns timestamptz
language sql stable
set search_path = ''
as $$
  select coalesce(
    (select max(e.created_at) from public.proposal_events e
     where e.proposal_id = p_proposal_id and e.to_status = 'on_council_agenda'),
    p_status_changed_at
  )
$$;

/** The meeting whose agenda holds a proposal of this territory that reached the agenda at p_since; null when none is scheduled yet. */
create function private.agenda_meeting_id(p_territory_id text, p_since timestamptz) returns text
language sql stable
set search_path = ''
as $$
  select m.id from public.meetings m
  where m.territory_id = p_territory_id and m.status = 'scheduled' and m.starts_at > p_since
  order by m.starts_at, m.id
  limit 1
$$;

/**
 * The residents' proposals on the agenda of a meeting (see the rule above), oldest on the agenda
 * first: number, title, confirmed supports, since when. Raises PS404 for an unknown meeting.
 * Runs with the caller's rights: anonymous callers see published proposals only.
 */
create function public.council_agenda(p_meeting_id text) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_meeting public.meetings%rowtype;
begin
  select * into v_meeting from public.meetings where id = p_meeting_id;
  if not found then
    raise exception using errcode = 'PS404', message = 'meeting_not_found';
  end if;
  return jsonb_build_object(
    'meetingId', v_meeting.id,
    'territoryId', v_meeting.territory_id,
    'title', v_meeting.title,
    'startsAt', v_meeting.starts_at,
    'proposals', coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', a.id, 'title', a.title, 'supports', a.support_count, 'onAgendaSince', a.since
      ) order by a.since, a.id)
      from (
        select p.id, p.title, p.support_count, private.agenda_since(p.id, p.status_changed_at) as since
        from public.proposals p
        where p.territory_id = v_meeting.territory_id and p.status = 'on_council_agenda' and p.published_at is not null
      ) a
      where private.agenda_meeting_id(v_meeting.territory_id, a.since) = v_meeting.id
    ), '[]'::jsonb)
  );
end
$$;

/**
 * The meeting whose agenda holds a proposal: `{ onAgendaSince, meeting: { id, title, startsAt } | null }`,
 * or JSON null when the proposal is not on the agenda. Raises PS404 when the proposal is not public.
 */
create function public.proposal_agenda_meeting(p_proposal_id bigint) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_status text;
  v_territory_id text;
  v_status_changed_at timestamptz;
  v_since timestamptz;
  v_meeting public.meetings%rowtype;
begin
  -- Named columns: API roles may select only the public ones.
  select p.status, p.territory_id, p.status_changed_at into v_status, v_territory_id, v_status_changed_at
  from public.proposals p where p.id = p_proposal_id and p.published_at is not null;
  if not found then
    raise exception using errcode = 'PS404', message = 'proposal_not_found';
  end if;
  if v_status <> 'on_council_agenda' then
    return 'null'::jsonb;
  end if;
  v_since := private.agenda_since(p_proposal_id, v_status_changed_at);
  select * into v_meeting from public.meetings
  where id = private.agenda_meeting_id(v_territory_id, v_since);
  return jsonb_build_object(
    'onAgendaSince', v_since,
    'meeting', case when v_meeting.id is null then null else jsonb_build_object(
      'id', v_meeting.id, 'title', v_meeting.title, 'startsAt', v_meeting.starts_at
    ) end
  );
end
$$;

revoke all on function private.agenda_since(bigint, timestamptz) from public, anon, authenticated, service_role;
revoke all on function private.agenda_meeting_id(text, timestamptz) from public, anon, authenticated, service_role;
revoke all on function public.council_agenda(text) from public, anon, authenticated, service_role;
revoke all on function public.proposal_agenda_meeting(bigint) from public, anon, authenticated, service_role;

grant execute on function private.agenda_since(bigint, timestamptz) to anon, authenticated, service_role;
grant execute on function private.agenda_meeting_id(text, timestamptz) to anon, authenticated, service_role;
grant execute on function public.council_agenda(text) to anon, authenticated, service_role;
grant execute on function public.proposal_agenda_meeting(bigint) to anon, authenticated, service_role;
