-- Purpose: the support threshold cannot be bought cheaply (issue I). A support given on the web
-- counts toward the threshold, and in the public count, only once its email address is confirmed:
-- the supporter receives a link valid 7 days (a random token of which only the hash is stored);
-- following it and pressing the button confirms the support. Supports the coordinator records
-- (phone, paper) count at once: she vouches for them. The threshold counts confirmed supports
-- only, under the proposal's row lock, when a support is confirmed or recorded. One client (the
-- salted hash of its address) may give at most 10 web supports an hour and 30 a day across all
-- proposals, and one email address may be asked for at most 10 a day. Unconfirmed supports are
-- erased once their link has expired (the daily maintenance calls purge_unconfirmed_supports).
-- Supports recorded before this migration were counted under the old rule: they stay confirmed.
-- Affects: public.supports (new columns confirmed_at, confirm_token_hash, confirm_expires_at);
-- public.outbox (new column support_id, template list); new private.pending_support_count,
-- private.count_confirmed_support, private.support_threshold; public.support_proposal, private.public_proposal_json and
-- private.queue_proposal_messages replaced with the same arguments (grants kept); new
-- public.confirm_support (anon, authenticated) and public.purge_unconfirmed_supports (service role).

-- 1. Supports: confirmed or waiting for their confirmation --------------------------------------

alter table public.supports
  add column confirmed_at timestamptz,
  add column confirm_token_hash text check (confirm_token_hash ~ '^[0-9a-f]{64}$'),
  add column confirm_expires_at timestamptz;
comment on column public.supports.confirmed_at is
  'When the support started to count: at once for the coordinator''s entries, when the email is confirmed for the web; null while waiting.';
comment on column public.supports.confirm_token_hash is
  'secret: SHA-256 of the confirmation link''s token (the token itself is only in the message)';
comment on column public.supports.confirm_expires_at is
  'When the confirmation link stops working; an unconfirmed support is erased after it.';

-- Counted under the previous rule (at once): they stay counted.
update public.supports set confirmed_at = created_at where confirmed_at is null;

alter table public.supports add constraint supports_vouched_count_at_once check (channel = 'web' or confirmed_at is not null);
create unique index supports_confirm_token_hash_key on public.supports (confirm_token_hash) where confirm_token_hash is not null;
create index supports_pending_idx on public.supports (proposal_id) where confirmed_at is null;

-- 2. Outbox: the confirmation message, erased with its support ---------------------------------

alter table public.outbox add column support_id bigint references public.supports (id) on delete cascade;
comment on column public.outbox.support_id is 'The support whose confirmation link the message carries; deleted with it.';
create index outbox_support_id_idx on public.outbox (support_id) where support_id is not null;

alter table public.outbox drop constraint outbox_template_check;
alter table public.outbox add constraint outbox_template_check check (
  template in ('registration_confirmed', 'registration_waitlisted', 'waitlist_promoted', 'proposal_status_changed',
               'moved_to_waitlist', 'meeting_cancelled', 'meeting_moved', 'support_confirmation')
);

-- 3. Helpers -------------------------------------------------------------------------------------

-- Counts rows of supports, which no API role may read: security definer. Returns a number only.
/** How many web supports of a proposal wait for their confirmation (links not yet expired). */
create function private.pending_support_count(p_proposal_id bigint) returns integer
language sql stable security definer
set search_path = ''
as $$
  select count(*)::integer from public.supports s
  where s.proposal_id = p_proposal_id and s.confirmed_at is null and s.confirm_expires_at > now()
$$;
comment on function private.pending_support_count(bigint) is
  'security definer: counts supports (personal rows) without returning them, for the public page.';
revoke all on function private.pending_support_count(bigint) from public, anon, authenticated, service_role;
grant execute on function private.pending_support_count(bigint) to anon, authenticated, service_role;

/**
 * One more confirmed support for a proposal whose row the caller has locked (for update): the
 * count goes up and, at the threshold (setting support_threshold, default 20), a published or
 * under-study proposal moves to on_council_agenda, exactly once. Returns the updated proposal.
 * Called only from the security definer functions below.
 */
create function private.count_confirmed_support(p_proposal_id bigint) returns public.proposals
language plpgsql volatile
set search_path = ''
as $$
declare
  v_proposal public.proposals%rowtype;
  v_threshold integer := coalesce((select value::integer from private.app_settings where key = 'support_threshold'), 20);
begin
  update public.proposals set support_count = support_count + 1 where id = p_proposal_id
  returning * into v_proposal;
  if v_proposal.support_count >= v_threshold and v_proposal.status in ('published', 'under_study') then
    update public.proposals set status = 'on_council_agenda' where id = p_proposal_id;
    insert into public.proposal_events (proposal_id, from_status, to_status, actor_role, reason)
    values (p_proposal_id, v_proposal.status, 'on_council_agenda', 'system',
            format('%s soutiens confirmés : seuil atteint', v_threshold));
    insert into public.audit_log (actor_role, action, target_type, target_id, details)
    values ('system', 'proposal.threshold_reached', 'proposal', p_proposal_id::text,
            jsonb_build_object('threshold', v_threshold));
    v_proposal.status := 'on_council_agenda';
  end if;
  return v_proposal;
end
$$;
revoke all on function private.count_confirmed_support(bigint) from public, anon, authenticated, service_role;

-- 4. Giving a support ----------------------------------------------------------------------------

-- Same arguments as before, so the grants stay: anon and authenticated.
-- Reads and writes supports and the outbox, which no API role may touch, and moves the proposal at
-- the threshold: security definer, under the proposal's row lock.
/**
 * Adds one support per person (normalised contact) to an open proposal.
 * - On the web (p_channel 'web'), an email address is required: the support waits for its
 *   confirmation, and a message with a link valid 7 days is queued in the same transaction (the
 *   token is only in the message; its hash is stored). It counts once confirmed (confirm_support).
 *   Rate limits per client (p_client_hash, salted hash of the address): 10 an hour and 30 a day
 *   across all proposals; per email address: 10 a day.
 * - Recorded by the coordinator (p_channel 'phone' | 'paper', email or phone): it counts at once.
 * A repeat by the same person changes no count (isNew false). If their web support still waits
 * (awaitingConfirmation true) and its link was sent more than 15 minutes ago, a fresh link valid 7
 * days replaces it (linkSent true; the previous link stops working); sooner, nothing is sent again
 * (a double click must not kill the link just mailed). If the coordinator records a person whose
 * web support waits, it counts at once (counted true).
 */
create or replace function public.support_proposal(
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
  v_web boolean := coalesce(p_channel, 'web') = 'web';
  v_email text := private.normalize_email(p_email);
  -- A web support is recognised (and confirmed) by its email only.
  v_phone text := case when coalesce(p_channel, 'web') = 'web' then null else private.normalize_phone(p_phone) end;
  v_hash text;
  v_proposal public.proposals%rowtype;
  v_existing public.supports%rowtype;
  v_support_id bigint;
  v_token text;
  v_expires timestamptz := now() + interval '7 days';
  v_is_new boolean := false;
  v_counted boolean := false;
  v_awaiting boolean := false;
begin
  if not v_web and not private.is_coordinator() then
    raise exception using errcode = 'PS403', message = 'coordinator_only';
  end if;
  if v_web and v_email is null then
    raise exception using errcode = 'PS422', message = 'email_required';
  end if;
  v_hash := private.contact_hash(v_email, v_phone);
  if v_hash is null then
    raise exception using errcode = 'PS422', message = 'contact_required';
  end if;
  if v_web then
    -- A caller that gives no client hash shares one bucket with every other such caller.
    perform private.hit_rate_limit('support:client:' || coalesce(p_client_hash, 'unknown'), 10, 3600);
    perform private.hit_rate_limit('support:client-day:' || coalesce(p_client_hash, 'unknown'), 30, 86400);
    perform private.hit_rate_limit('support:contact-day:' || v_hash, 10, 86400);
  end if;

  select * into v_proposal from public.proposals where id = p_proposal_id for update;
  if not found or v_proposal.published_at is null then
    raise exception using errcode = 'PS404', message = 'proposal_not_found';
  end if;
  if v_proposal.status not in ('published', 'under_study', 'on_council_agenda') then
    raise exception using errcode = 'PS409', message = 'proposal_closed';
  end if;

  select * into v_existing from public.supports
  where proposal_id = p_proposal_id and contact_hash = v_hash
  for update;
  if found then
    v_support_id := v_existing.id;
    if v_existing.confirmed_at is null and not v_web then
      -- The coordinator vouches for a person whose web support was waiting: it counts now.
      update public.supports set confirmed_at = now() where id = v_support_id;
      delete from public.outbox where support_id = v_support_id and sent_at is null;
      v_proposal := private.count_confirmed_support(p_proposal_id);
      v_counted := true;
    elsif v_existing.confirmed_at is null then
      v_awaiting := true;
      -- Asked again before confirming, the link sent a while ago (lost, expired): a fresh link,
      -- valid 7 days; the previous one stops working.
      if v_existing.confirm_expires_at is null
         or v_existing.confirm_expires_at < v_expires - interval '15 minutes' then
        v_token := private.new_secret();
        update public.supports
        set confirm_token_hash = private.token_hash(v_token), confirm_expires_at = v_expires
        where id = v_support_id;
        delete from public.outbox where support_id = v_support_id and sent_at is null;
      end if;
    end if;
  else
    if v_web then
      v_token := private.new_secret();
    end if;
    insert into public.supports (proposal_id, full_name, commune_code, email, phone, contact_hash, channel, entered_by,
                                 confirmed_at, confirm_token_hash, confirm_expires_at)
    values (p_proposal_id, btrim(p_full_name), p_commune_code, v_email, v_phone, v_hash, coalesce(p_channel, 'web'),
            case when not v_web then auth.uid() end,
            case when not v_web then now() end,
            case when v_web then private.token_hash(v_token) end,
            case when v_web then v_expires end)
    returning id into v_support_id;
    v_is_new := true;
    if v_web then
      v_awaiting := true;
    else
      v_proposal := private.count_confirmed_support(p_proposal_id);
      v_counted := true;
    end if;
  end if;

  if v_token is not null then
    insert into public.outbox (support_id, template, recipient_email, payload)
    values (v_support_id, 'support_confirmation', v_email,
            jsonb_build_object('proposalId', p_proposal_id, 'title', v_proposal.title, 'token', v_token,
                               'expiresAt', v_expires));
  end if;

  return jsonb_build_object(
    'supports', v_proposal.support_count,
    'pendingSupports', private.pending_support_count(p_proposal_id),
    'isNew', v_is_new,
    'counted', v_counted,
    'awaitingConfirmation', v_awaiting,
    'linkSent', v_token is not null,
    'status', v_proposal.status
  );
end
$$;
comment on function public.support_proposal(bigint, text, text, text, text, text, text) is
  'security definer: writes supports, the outbox and the proposal''s count and status, which no API role may write directly, under the proposal row lock.';

-- 5. Confirming a support ------------------------------------------------------------------------

-- Finds a support by the hash of the secret its holder has, counts it and may move the proposal:
-- security definer, under the proposal's row lock (taken before the support's, as support_proposal does).
/**
 * Confirms the web support whose confirmation token is p_token: it now counts, and at the
 * threshold the proposal moves to the council agenda, exactly once. Confirming again answers the
 * same (alreadyConfirmed true) without counting twice. Raises PS404 confirmation_not_found for an
 * unknown token (never issued, replaced by a newer link, or erased after expiry), PS409
 * confirmation_expired (DETAIL: the proposal id) after 7 days, PS409 proposal_closed when the
 * proposal no longer takes supports.
 */
create function public.confirm_support(p_token text) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_hash text;
  v_proposal_id bigint;
  v_support public.supports%rowtype;
  v_proposal public.proposals%rowtype;
  v_from text;
begin
  if p_token is null or p_token !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'PS404', message = 'confirmation_not_found';
  end if;
  v_hash := private.token_hash(p_token);
  select proposal_id into v_proposal_id from public.supports where confirm_token_hash = v_hash;
  if not found then
    raise exception using errcode = 'PS404', message = 'confirmation_not_found';
  end if;
  select * into v_proposal from public.proposals where id = v_proposal_id for update;
  -- Read again under the lock: a concurrent confirmation of the same link, or the purge, may have won.
  select * into v_support from public.supports where confirm_token_hash = v_hash for update;
  if not found then
    raise exception using errcode = 'PS404', message = 'confirmation_not_found';
  end if;
  if v_support.confirmed_at is not null then
    return jsonb_build_object(
      'proposalId', v_proposal.id, 'alreadyConfirmed', true, 'supports', v_proposal.support_count,
      'pendingSupports', private.pending_support_count(v_proposal.id), 'status', v_proposal.status,
      'statusChanged', false);
  end if;
  if v_support.confirm_expires_at is null or v_support.confirm_expires_at <= now() then
    raise exception using errcode = 'PS409', message = 'confirmation_expired', detail = v_proposal.id::text;
  end if;
  if v_proposal.published_at is null or v_proposal.status not in ('published', 'under_study', 'on_council_agenda') then
    raise exception using errcode = 'PS409', message = 'proposal_closed', detail = v_proposal.id::text;
  end if;
  v_from := v_proposal.status;
  update public.supports set confirmed_at = now() where id = v_support.id;
  delete from public.outbox where support_id = v_support.id and sent_at is null;
  v_proposal := private.count_confirmed_support(v_proposal.id);
  return jsonb_build_object(
    'proposalId', v_proposal.id, 'alreadyConfirmed', false, 'supports', v_proposal.support_count,
    'pendingSupports', private.pending_support_count(v_proposal.id), 'status', v_proposal.status,
    'statusChanged', v_proposal.status is distinct from v_from);
end
$$;
comment on function public.confirm_support(text) is
  'security definer: reads a support the caller cannot read (found by the hash of their secret token), writes supports, the outbox and the proposal under its row lock.';
revoke all on function public.confirm_support(text) from public, anon, authenticated, service_role;
grant execute on function public.confirm_support(text) to anon, authenticated;

-- 6. Erasing what was never confirmed ------------------------------------------------------------

/**
 * Service role (the daily maintenance): deletes the web supports whose confirmation link has
 * expired unconfirmed (name, email, hash: everything), with their messages, and the confirmation
 * messages older than 7 days (their link has expired, been replaced or been used). Returns how
 * many supports were erased.
 */
create function public.purge_unconfirmed_supports() returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_purged integer;
begin
  delete from public.supports where confirmed_at is null and confirm_expires_at < now();
  get diagnostics v_purged = row_count;
  delete from public.outbox where template = 'support_confirmation' and created_at < now() - interval '7 days';
  if v_purged > 0 then
    insert into public.audit_log (actor_role, action, target_type, target_id, details)
    values ('system', 'supports.purged', 'support', 'unconfirmed', jsonb_build_object('count', v_purged));
  end if;
  return jsonb_build_object('purged', v_purged);
end
$$;
comment on function public.purge_unconfirmed_supports() is
  'Erases web supports never confirmed within 7 days, and old confirmation messages (service role only).';
revoke all on function public.purge_unconfirmed_supports() from public, anon, authenticated, service_role;
grant execute on function public.purge_unconfirmed_supports() to service_role;

-- 7. What the public sees and who is told --------------------------------------------------------

-- app_settings is readable by no API role, and the public JSON runs with the caller's rights:
-- it reads the threshold through this helper.
/** The support threshold (setting support_threshold, default 20): a public figure. */
create function private.support_threshold() returns integer
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select value::integer from private.app_settings where key = 'support_threshold'), 20)
$$;
comment on function private.support_threshold() is
  'security definer: reads one public setting from private.app_settings, which no API role may read.';
revoke all on function private.support_threshold() from public, anon, authenticated, service_role;
grant execute on function private.support_threshold() to anon, authenticated, service_role;

-- Same signature: the grants stay. 'supports' stays the confirmed count (the HTTP contract).
/** A proposal as the public sees it, with its history; null when it is not public. */
create or replace function private.public_proposal_json(p_id bigint) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p.id, 'title', p.title, 'description', p.description, 'theme', p.theme,
    'territoryId', p.territory_id, 'communeCode', p.commune_code, 'status', p.status,
    'statusReason', p.status_reason, 'answer', p.answer, 'supports', p.support_count,
    -- Waiting supports can still count only while the proposal takes supports.
    'pendingSupports', case when p.status in ('published', 'under_study', 'on_council_agenda')
                            then private.pending_support_count(p.id) else 0 end,
    'supportThreshold', private.support_threshold(),
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

/** Queues the status-change message for the author (if they left an email) and every confirmed supporter with an email. */
create or replace function private.queue_proposal_messages() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_proposal public.proposals%rowtype;
begin
  select * into v_proposal from public.proposals where id = new.proposal_id;
  insert into public.outbox (proposal_event_id, template, recipient_email, payload)
  select new.id, 'proposal_status_changed', recipients.email,
         jsonb_build_object('proposalId', v_proposal.id, 'title', v_proposal.title, 'from', new.from_status,
                            'to', new.to_status, 'reason', new.reason, 'answer', new.answer, 'as', recipients.role)
  from (
    select v_proposal.author_email as email, 'author' as role where v_proposal.author_email is not null
    union
    select distinct s.email, 'supporter' from public.supports s
    where s.proposal_id = new.proposal_id and s.email is not null and s.confirmed_at is not null
      and s.email is distinct from v_proposal.author_email
  ) as recipients
  on conflict (proposal_event_id, recipient_email) where proposal_event_id is not null do nothing;
  return new;
end
$$;
