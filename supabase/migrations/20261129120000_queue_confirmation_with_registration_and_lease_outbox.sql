-- Purpose: (1) a web registration queues its confirmation message in its own transaction, so the
-- endpoint needs one database round trip instead of two and the message can never be missing
-- after a recorded registration; (2) the mail port leases outbox messages instead of marking them
-- sent when it takes them, and marks them sent only once delivered, so that a message whose
-- sending failed, or whose sender stopped (a lambda frozen after its answer), is sent again by a
-- later delivery (the next registration or the daily maintenance) instead of being lost.
-- Affects: public.register_for_meeting (new optional argument p_cancel_url_prefix),
-- public.claim_outbox (new optional argument p_sent, lease), public.outbox (new column attempts).

-- 1. register_for_meeting: the same rules, checked in the same order under the same meeting row
-- lock; only the optional queuing at the end is new. The function is replaced (its argument list
-- changes), with the same grants.
drop function public.register_for_meeting(text, text, text, text, text, text, text, boolean, text, text);

-- Writes a table no API role may write, and reads other people's registrations to de-duplicate
-- and count seats: security definer. Every rule is checked here, under the meeting's row lock.
/**
 * Registers a person for a meeting: 'confirmed' while seats remain, else 'waitlisted' in arrival
 * order. The same person (same normalised email or phone) gets their existing registration back
 * (isExisting, no new cancel token). A past, cancelled or unknown meeting is refused. Paper and
 * phone entries (p_channel 'phone' | 'paper') are for the coordinator only. With
 * p_cancel_url_prefix (the site's cancel page address, to which the new cancel token is appended),
 * a new registration with an email also queues its confirmation message in the same transaction.
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
  p_channel text default 'web',
  p_cancel_url_prefix text default null
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
  v_email text;
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
      ) returning id, email into v_id, v_email;
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

  -- The confirmation, with the cancel link that only this answer holds (the same message as
  -- queue_registration_message writes).
  if p_cancel_url_prefix is not null and v_email is not null then
    insert into public.outbox (registration_id, template, recipient_email, payload)
    values (v_id,
            case when v_status = 'confirmed' then 'registration_confirmed' else 'registration_waitlisted' end,
            v_email,
            jsonb_build_object('reference', v_reference, 'meetingId', v_meeting.id, 'meetingTitle', v_meeting.title,
                               'startsAt', v_meeting.starts_at, 'cancelUrl', left(p_cancel_url_prefix || v_token, 300)))
    on conflict (registration_id, template) do nothing;
  end if;

  return jsonb_build_object(
    'status', v_status, 'reference', v_reference, 'cancelToken', v_token,
    'isExisting', false, 'meetingId', p_meeting_id
  );
end
$$;
comment on function public.register_for_meeting(text, text, text, text, text, text, text, boolean, text, text, text) is
  'security definer: inserts into registrations and outbox (no API role may) and reads other registrations under the meeting lock to count seats and de-duplicate.';

revoke all on function public.register_for_meeting(text, text, text, text, text, text, text, boolean, text, text, text) from public, anon, authenticated, service_role;
grant execute on function public.register_for_meeting(text, text, text, text, text, text, text, boolean, text, text, text) to anon, authenticated;

-- 2. Outbox leases.
alter table public.outbox add column attempts integer not null default 0;
comment on column public.outbox.attempts is 'How many times the mail port has taken the message; it stops trying after 5.';

drop function public.claim_outbox(integer);

/**
 * Service role: first marks sent the messages whose ids p_sent lists (a JSON array: those
 * delivered since the previous call), then leases up to p_limit unsent messages for 10 minutes and returns them. A message
 * leased but never reported sent (sending failed, the sender stopped) is leased again once its
 * lease has expired, up to 5 times; two senders never hold the same message at once.
 */
create function public.claim_outbox(p_limit integer default 50, p_sent jsonb default null) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_claimed jsonb;
begin
  if jsonb_typeof(p_sent) = 'array' and jsonb_array_length(p_sent) > 0 then
    update public.outbox set sent_at = now()
    where sent_at is null
      and id in (select value::bigint from jsonb_array_elements_text(p_sent) where value ~ '^[0-9]{1,18}$');
  end if;
  with claimed as (
    update public.outbox o set claimed_at = now(), attempts = o.attempts + 1
    where o.id in (
      select id from public.outbox
      where sent_at is null and attempts < 5
        and (claimed_at is null or claimed_at < now() - interval '10 minutes')
      order by id
      limit least(greatest(coalesce(p_limit, 50), 1), 500)
      for update skip locked
    )
    returning o.id, o.template, o.recipient_email, o.payload
  )
  select coalesce(jsonb_agg(jsonb_build_object('id', id, 'template', template, 'to', recipient_email, 'payload', payload) order by id), '[]'::jsonb)
  into v_claimed
  from claimed;
  return v_claimed;
end
$$;
comment on function public.claim_outbox(integer, jsonb) is
  'Leases unsent messages to the mail port (service role only) and records those it reports sent.';

revoke all on function public.claim_outbox(integer, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.claim_outbox(integer, jsonb) to service_role;
