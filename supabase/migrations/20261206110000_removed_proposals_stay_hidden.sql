-- Purpose: a proposal removed by moderation (its text broke the rules: health data, insults…) stays
-- at its address with the moderator's reason, as "retirée", but its text is no longer readable by
-- anyone but the coordinator: not in the public list, not in the proposal's JSON, and not through
-- the table itself (Supabase's REST API reads it under RLS).
-- Affects: policies "Anyone can read published proposals" and "Signed-in users can read published
-- proposals, coordinators all" on public.proposals (removed rows excluded for non-coordinators);
-- private.public_proposal_json becomes security definer (it filters itself: published only) and
-- blanks title, description and answers of a removed proposal; public.list_public_proposals leaves
-- removed proposals out.

drop policy "Anyone can read published proposals" on public.proposals;
create policy "Anyone can read published proposals"
on public.proposals for select to anon
using ( published_at is not null and status <> 'removed' );

drop policy "Signed-in users can read published proposals, coordinators all" on public.proposals;
create policy "Signed-in users can read published proposals, coordinators all"
on public.proposals for select to authenticated
using ( (published_at is not null and status <> 'removed') or (select private.is_coordinator()) );

create or replace function private.public_proposal_json(p_id bigint) returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p.id,
    -- A removed proposal keeps its address and the moderator's reason, never its text.
    'title', case when p.status = 'removed' then null else p.title end,
    'description', case when p.status = 'removed' then null else p.description end,
    'theme', p.theme,
    'territoryId', p.territory_id, 'communeCode', p.commune_code, 'status', p.status,
    'statusReason', p.status_reason,
    'answer', case when p.status = 'removed' then null else p.answer end, 'supports', p.support_count,
    -- Waiting supports can still count only while the proposal takes supports.
    'pendingSupports', case when p.status in ('published', 'under_study', 'on_council_agenda')
                            then private.pending_support_count(p.id) else 0 end,
    'supportThreshold', private.support_threshold(),
    'publishedAt', p.published_at, 'statusChangedAt', p.status_changed_at,
    'history', coalesce((
      select jsonb_agg(jsonb_build_object(
        'from', e.from_status, 'to', e.to_status, 'by', e.actor_role, 'reason', e.reason,
        'answer', case when p.status = 'removed' then null else e.answer end, 'at', e.created_at) order by e.id)
      from public.proposal_events e where e.proposal_id = p.id
    ), '[]'::jsonb)
  )
  from public.proposals p
  where p.id = p_id and p.published_at is not null
$$;

comment on function private.public_proposal_json(bigint) is
  'security definer: reads a published proposal whatever the caller''s row policies (a removed one included, without its text); never a pending or refused one, never a personal column.';

create or replace function public.list_public_proposals(
  p_territory_id text default null,
  p_theme text default null,
  p_status text default null,
  p_sort text default 'newest'
) returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
    'id', p.id, 'title', p.title, 'theme', p.theme, 'territoryId', p.territory_id, 'communeCode', p.commune_code,
    'status', p.status, 'supports', p.support_count, 'publishedAt', p.published_at
  ) order by
    case when p_sort = 'supports' then p.support_count end desc nulls last,
    p.published_at desc, p.id desc), '[]'::jsonb)
  from public.proposals p
  where p.published_at is not null
    and p.status <> 'removed'
    and (p_territory_id is null or p.territory_id = p_territory_id)
    and (p_theme is null or p.theme = p_theme)
    and (p_status is null or p.status = p_status)
$$;
