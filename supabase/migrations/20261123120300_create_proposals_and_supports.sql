-- Purpose: residents' proposals with a moderated lifecycle enforced by the database, their public
-- history and official answers, and supports ("Je soutiens") counted once per person.
-- Affects: new tables private.proposal_transitions, public.proposals, public.proposal_events,
-- public.supports; new functions below; setting 'support_threshold'.

insert into private.app_settings (key, value) values ('support_threshold', '20');

create table private.proposal_transitions (
  from_status text not null,
  to_status text not null,
  primary key (from_status, to_status)
);
comment on table private.proposal_transitions is 'The legal moves of a proposal''s status; the trigger on proposals refuses any other.';
alter table private.proposal_transitions enable row level security;

insert into private.proposal_transitions (from_status, to_status) values
  ('pending', 'published'), ('pending', 'rejected'), ('pending', 'withdrawn'),
  ('published', 'under_study'), ('published', 'on_council_agenda'), ('published', 'accepted'),
  ('published', 'rejected'), ('published', 'already_exists'), ('published', 'out_of_scope'),
  ('published', 'withdrawn'), ('published', 'removed'),
  ('under_study', 'on_council_agenda'), ('under_study', 'accepted'), ('under_study', 'rejected'),
  ('under_study', 'already_exists'), ('under_study', 'out_of_scope'), ('under_study', 'withdrawn'),
  ('under_study', 'removed'),
  ('on_council_agenda', 'accepted'), ('on_council_agenda', 'rejected'), ('on_council_agenda', 'already_exists'),
  ('on_council_agenda', 'out_of_scope'), ('on_council_agenda', 'withdrawn'), ('on_council_agenda', 'removed'),
  ('accepted', 'done'), ('accepted', 'removed'),
  ('rejected', 'removed'), ('already_exists', 'removed'), ('out_of_scope', 'removed'), ('done', 'removed');

create table public.proposals (
  id bigint generated always as identity primary key,
  title text not null check (char_length(title) between 3 and 120),
  description text not null check (char_length(description) between 10 and 2000),
  theme text not null check (theme in ('prevention-education', 'cooperation-professionnels', 'medico-social', 'appui-cabinets', 'autre')),
  territory_id text not null references public.territories (id),
  commune_code text check (commune_code ~ '^([0-9]{5}|2[AB][0-9]{3})$'),
  author_name text check (char_length(author_name) between 1 and 120),
  author_email text check (char_length(author_email) <= 254 and author_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  author_phone text check (author_phone ~ '^\+?[0-9]{6,15}$'),
  status text not null default 'pending' check (status in (
    'pending', 'published', 'under_study', 'on_council_agenda', 'accepted', 'rejected',
    'already_exists', 'out_of_scope', 'done', 'withdrawn', 'removed')),
  status_reason text check (char_length(status_reason) <= 500),
  answer text check (char_length(answer) <= 4000),
  support_count integer not null default 0 check (support_count >= 0),
  channel text not null default 'web' check (channel in ('web', 'phone', 'paper')),
  entered_by uuid,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  status_changed_at timestamptz not null default now(),
  constraint proposals_reason_when_refused check (status not in ('rejected', 'removed') or status_reason is not null),
  constraint proposals_paper_has_author check (channel = 'web' or entered_by is not null)
);
comment on table public.proposals is 'Residents'' proposals. Public once published (published_at set); the author''s name and contact are never public.';
comment on column public.proposals.author_name is 'personal: the author''s name, for follow-up';
comment on column public.proposals.author_email is 'personal: contact';
comment on column public.proposals.author_phone is 'personal: contact';
create index proposals_public_idx on public.proposals (territory_id, theme, status) where published_at is not null;

alter table public.proposals enable row level security;
-- Column privileges keep personal columns away from every API role, whatever the policies say.
revoke all on public.proposals from anon, authenticated;
grant select (id, title, description, theme, territory_id, commune_code, status, status_reason, answer,
  support_count, created_at, published_at, status_changed_at) on public.proposals to anon, authenticated;

create policy "Anyone can read published proposals"
on public.proposals for select to anon
using ( published_at is not null );
create policy "Signed-in users can read published proposals, coordinators all"
on public.proposals for select to authenticated
using ( published_at is not null or (select private.is_coordinator()) );

/** Refuses any status change that private.proposal_transitions does not list, and any insert not 'pending'. */
create function private.check_proposal_transition() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'pending' then
      raise exception using errcode = 'PS422', message = 'illegal_transition', detail = 'new proposals start as pending';
    end if;
    return new;
  end if;
  if new.status is distinct from old.status then
    if not exists (select 1 from private.proposal_transitions t where t.from_status = old.status and t.to_status = new.status) then
      raise exception using errcode = 'PS422', message = 'illegal_transition', detail = old.status || ' -> ' || new.status;
    end if;
    new.status_changed_at := now();
    if new.status = 'published' and new.published_at is null then
      new.published_at := now();
    end if;
  end if;
  return new;
end
$$;
create trigger proposals_transition_guard
before insert or update of status on public.proposals
for each row execute function private.check_proposal_transition();

create table public.proposal_events (
  id bigint generated always as identity primary key,
  proposal_id bigint not null references public.proposals (id),
  from_status text,
  to_status text not null,
  actor_role text not null check (actor_role in ('coordinator', 'system', 'resident')),
  actor_id uuid,
  reason text check (char_length(reason) <= 500),
  answer text check (char_length(answer) <= 4000),
  created_at timestamptz not null default now()
);
comment on table public.proposal_events is 'Each status change of a proposal with the public answer; public once the proposal is published.';
create index proposal_events_proposal_id_idx on public.proposal_events (proposal_id, id);

alter table public.proposal_events enable row level security;
revoke all on public.proposal_events from anon, authenticated;
grant select (id, proposal_id, from_status, to_status, actor_role, reason, answer, created_at)
on public.proposal_events to anon, authenticated;

create policy "Anyone can read the history of published proposals"
on public.proposal_events for select to anon
using ( exists (select 1 from public.proposals p where p.id = proposal_id and p.published_at is not null) );
create policy "Signed-in users can read the history of published proposals, coordinators all"
on public.proposal_events for select to authenticated
using (
  (select private.is_coordinator())
  or exists (select 1 from public.proposals p where p.id = proposal_id and p.published_at is not null)
);

create table public.supports (
  id bigint generated always as identity primary key,
  proposal_id bigint not null references public.proposals (id),
  full_name text check (char_length(full_name) between 1 and 120),
  commune_code text check (commune_code ~ '^([0-9]{5}|2[AB][0-9]{3})$'),
  email text check (char_length(email) <= 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  phone text check (phone ~ '^\+?[0-9]{6,15}$'),
  contact_hash text check (contact_hash ~ '^[0-9a-f]{64}$'),
  channel text not null default 'web' check (channel in ('web', 'phone', 'paper')),
  entered_by uuid,
  created_at timestamptz not null default now(),
  purged_at timestamptz,
  constraint supports_identity_until_purged check (
    purged_at is not null or (full_name is not null and contact_hash is not null and (email is not null or phone is not null))
  ),
  constraint supports_paper_has_author check (channel = 'web' or entered_by is not null),
  constraint supports_one_per_person unique (proposal_id, contact_hash)
);
comment on table public.supports is 'One support per person and proposal (salted contact hash); identities readable by the coordinator only.';
comment on column public.supports.full_name is 'personal: the supporter''s name';
comment on column public.supports.commune_code is 'personal: where the supporter lives';
comment on column public.supports.email is 'personal: contact';
comment on column public.supports.phone is 'personal: contact';
comment on column public.supports.contact_hash is 'personal: salted hash of the contact, for de-duplication';

alter table public.supports enable row level security;
revoke all on public.supports from anon, authenticated;
grant select on public.supports to authenticated;

create policy "Coordinators can read supports"
on public.supports for select to authenticated
using ( (select private.is_coordinator()) );

-- Functions -----------------------------------------------------------------------------------------

/** A proposal as the public sees it, with its history; null when it is not public. */
create function private.public_proposal_json(p_id bigint) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p.id, 'title', p.title, 'description', p.description, 'theme', p.theme,
    'territoryId', p.territory_id, 'communeCode', p.commune_code, 'status', p.status,
    'statusReason', p.status_reason, 'answer', p.answer, 'supports', p.support_count,
    'publishedAt', p.published_at, 'statusChangedAt', p.status_changed_at,
    'history', coalesce((
      select jsonb_agg(jsonb_build_object(
        'from', e.from_status, 'to', e.to_status, 'by', e.actor_role, 'reason', e.reason,
        'answer', e.answer, 'at', e.created_at) order by e.id)
      from public.proposal_events e where e.proposal_id = p.id
    ), '[]'::jsonb)
  )
  from public.proposals p
  where p.id = p_id and p.published_at is not null
$$;
grant execute on function private.public_proposal_json(bigint) to anon, authenticated, service_role;

-- Inserts into proposals, which no API role may write directly: security definer.
/** Records a resident's proposal as 'pending'; nothing is public before moderation. */
create function public.submit_proposal(
  p_title text,
  p_description text,
  p_theme text,
  p_territory_id text,
  p_commune_code text default null,
  p_author_name text default null,
  p_author_email text default null,
  p_author_phone text default null,
  p_consent boolean default false,
  p_client_hash text default null,
  p_channel text default 'web'
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  if coalesce(p_channel, 'web') <> 'web' and not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  if (p_author_name is not null or p_author_email is not null or p_author_phone is not null)
     and coalesce(p_channel, 'web') = 'web' and p_consent is not true then
    raise exception using errcode = 'PS422', message = 'consent_required';
  end if;
  if coalesce(p_channel, 'web') = 'web' then
    perform private.hit_rate_limit('proposal:client:' || p_client_hash, 10, 3600);
  end if;
  if not exists (select 1 from public.territories where id = p_territory_id) then
    raise exception using errcode = 'PS422', message = 'unknown_territory';
  end if;
  insert into public.proposals (title, description, theme, territory_id, commune_code, author_name,
    author_email, author_phone, channel, entered_by)
  values (btrim(p_title), btrim(p_description), p_theme, p_territory_id, p_commune_code, nullif(btrim(p_author_name), ''),
    private.normalize_email(p_author_email), private.normalize_phone(p_author_phone), coalesce(p_channel, 'web'),
    case when coalesce(p_channel, 'web') <> 'web' then auth.uid() end)
  returning id into v_id;
  return jsonb_build_object('id', v_id, 'status', 'pending');
end
$$;
comment on function public.submit_proposal(text, text, text, text, text, text, text, text, boolean, text, text) is
  'security definer: inserts into proposals, which no API role may write directly; the row stays private until moderated.';

-- Reads and writes supports the caller cannot see, and moves the proposal at the threshold:
-- security definer, under the proposal's row lock so the count and the transition happen once.
/**
 * Adds one support per person (normalised contact) to a published proposal. A repeat returns the
 * same count with isNew false. At the threshold (setting support_threshold, default 20) a
 * published or under-study proposal moves to on_council_agenda, exactly once.
 */
create function public.support_proposal(
  p_proposal_id bigint,
  p_full_name text,
  p_email text default null,
  p_phone text default null,
  p_commune_code text default null,
  p_client_hash text default null,
  p_channel text default 'web'
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_proposal public.proposals%rowtype;
  v_hash text := private.contact_hash(p_email, p_phone);
  v_inserted integer;
  v_threshold integer := coalesce((select value::integer from private.app_settings where key = 'support_threshold'), 20);
begin
  if coalesce(p_channel, 'web') <> 'web' and not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  if v_hash is null then
    raise exception using errcode = 'PS422', message = 'contact_required';
  end if;
  if coalesce(p_channel, 'web') = 'web' then
    perform private.hit_rate_limit('support:client:' || p_client_hash, 60, 3600);
  end if;

  select * into v_proposal from public.proposals where id = p_proposal_id for update;
  if not found or v_proposal.published_at is null then
    raise exception using errcode = 'PS404', message = 'proposal_not_found';
  end if;
  if v_proposal.status not in ('published', 'under_study', 'on_council_agenda') then
    raise exception using errcode = 'PS409', message = 'proposal_closed';
  end if;

  insert into public.supports (proposal_id, full_name, commune_code, email, phone, contact_hash, channel, entered_by)
  values (p_proposal_id, btrim(p_full_name), p_commune_code, private.normalize_email(p_email),
          private.normalize_phone(p_phone), v_hash, coalesce(p_channel, 'web'),
          case when coalesce(p_channel, 'web') <> 'web' then auth.uid() end)
  on conflict (proposal_id, contact_hash) do nothing;
  get diagnostics v_inserted = row_count;

  if v_inserted = 1 then
    update public.proposals set support_count = support_count + 1 where id = p_proposal_id
    returning * into v_proposal;
    if v_proposal.support_count >= v_threshold and v_proposal.status in ('published', 'under_study') then
      update public.proposals set status = 'on_council_agenda' where id = p_proposal_id;
      insert into public.proposal_events (proposal_id, from_status, to_status, actor_role, reason)
      values (p_proposal_id, v_proposal.status, 'on_council_agenda', 'system',
              format('%s soutiens : seuil atteint', v_threshold));
      insert into public.audit_log (actor_role, action, target_type, target_id, details)
      values ('system', 'proposal.threshold_reached', 'proposal', p_proposal_id::text,
              jsonb_build_object('threshold', v_threshold));
      v_proposal.status := 'on_council_agenda';
    end if;
  end if;

  return jsonb_build_object('supports', v_proposal.support_count, 'isNew', v_inserted = 1, 'status', v_proposal.status);
end
$$;
comment on function public.support_proposal(bigint, text, text, text, text, text, text) is
  'security definer: writes supports and the proposal''s count and status, which no API role may write directly, under the proposal row lock.';

-- Writes proposals and their history: security definer, and only for the coordinator.
/** The coordinator moves a proposal (the trigger refuses illegal moves), with an optional reason and public answer. */
create function public.decide_proposal(
  p_proposal_id bigint,
  p_status text,
  p_reason text default null,
  p_answer text default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_from text;
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  select status into v_from from public.proposals where id = p_proposal_id for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'proposal_not_found';
  end if;
  update public.proposals
  set status = p_status,
      status_reason = coalesce(nullif(btrim(p_reason), ''), case when p_status = v_from then status_reason end),
      answer = coalesce(nullif(btrim(p_answer), ''), answer)
  where id = p_proposal_id;
  insert into public.proposal_events (proposal_id, from_status, to_status, actor_role, actor_id, reason, answer)
  values (p_proposal_id, v_from, p_status, 'coordinator', auth.uid(), nullif(btrim(p_reason), ''), nullif(btrim(p_answer), ''));
  insert into public.audit_log (actor_id, actor_role, action, target_type, target_id, details)
  values (auth.uid(), 'coordinator', 'proposal.decision', 'proposal', p_proposal_id::text,
          jsonb_build_object('from', v_from, 'to', p_status));
  return jsonb_build_object('id', p_proposal_id, 'status', p_status, 'from', v_from);
end
$$;
comment on function public.decide_proposal(bigint, text, text, text) is
  'security definer: updates proposals and writes their history, which no API role may write directly; checks the coordinator claim first.';

/** Published proposals with filters and sorting ('supports' or 'newest'); runs with the caller's rights. */
create function public.list_public_proposals(
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
    and (p_territory_id is null or p.territory_id = p_territory_id)
    and (p_theme is null or p.theme = p_theme)
    and (p_status is null or p.status = p_status)
$$;

/** One published proposal with its history; raises PS404 when it is not public. */
create function public.get_public_proposal(p_proposal_id bigint) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_result jsonb := private.public_proposal_json(p_proposal_id);
begin
  if v_result is null then
    raise exception using errcode = 'PS404', message = 'proposal_not_found';
  end if;
  return v_result;
end
$$;

-- Reads the authors' names and contacts, which no API role may select: security definer, coordinator only.
/** The coordinator's queue: proposals in a status (default 'pending'), with author details. */
create function public.moderation_queue(p_status text default 'pending') returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object(
      'id', p.id, 'title', p.title, 'description', p.description, 'theme', p.theme,
      'territoryId', p.territory_id, 'communeCode', p.commune_code, 'status', p.status,
      'authorName', p.author_name, 'authorEmail', p.author_email, 'authorPhone', p.author_phone,
      'supports', p.support_count, 'channel', p.channel, 'createdAt', p.created_at
    ) order by p.id)
    from public.proposals p where p.status = coalesce(p_status, 'pending')
  ), '[]'::jsonb);
end
$$;
comment on function public.moderation_queue(text) is
  'security definer: returns authors'' names and contacts, columns no API role may select; checks the coordinator claim first.';

revoke all on function public.submit_proposal(text, text, text, text, text, text, text, text, boolean, text, text) from public, anon, authenticated, service_role;
revoke all on function public.support_proposal(bigint, text, text, text, text, text, text) from public, anon, authenticated, service_role;
revoke all on function public.decide_proposal(bigint, text, text, text) from public, anon, authenticated, service_role;
revoke all on function public.list_public_proposals(text, text, text, text) from public, anon, authenticated, service_role;
revoke all on function public.get_public_proposal(bigint) from public, anon, authenticated, service_role;
revoke all on function public.moderation_queue(text) from public, anon, authenticated, service_role;

grant execute on function public.submit_proposal(text, text, text, text, text, text, text, text, boolean, text, text) to anon, authenticated;
grant execute on function public.support_proposal(bigint, text, text, text, text, text, text) to anon, authenticated;
grant execute on function public.decide_proposal(bigint, text, text, text) to authenticated;
grant execute on function public.list_public_proposals(text, text, text, text) to anon, authenticated, service_role;
grant execute on function public.get_public_proposal(bigint) to anon, authenticated, service_role;
grant execute on function public.moderation_queue(text) to authenticated;
