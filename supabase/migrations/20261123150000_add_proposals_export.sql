-- Purpose: the coordinator's export of every proposal with its status, answer and support count.
-- Affects: new function public.proposals_export.

-- Reads authors' names and contacts, which no API role may select: security definer, coordinator only.
/** All proposals, oldest first, with the author's details for follow-up, status, reason, answer and supports. */
create function public.proposals_export() returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object(
      'id', p.id, 'title', p.title, 'theme', p.theme, 'territoryId', p.territory_id, 'communeCode', p.commune_code,
      'status', p.status, 'statusReason', p.status_reason, 'answer', p.answer, 'supports', p.support_count,
      'authorName', p.author_name, 'authorEmail', p.author_email, 'authorPhone', p.author_phone,
      'channel', p.channel, 'createdAt', p.created_at, 'publishedAt', p.published_at
    ) order by p.id)
    from public.proposals p
  ), '[]'::jsonb);
end
$$;
comment on function public.proposals_export() is
  'security definer: returns authors'' names and contacts, columns no API role may select; checks the coordinator claim first.';
revoke all on function public.proposals_export() from public, anon, authenticated, service_role;
grant execute on function public.proposals_export() to authenticated;
