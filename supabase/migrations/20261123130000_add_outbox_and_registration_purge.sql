-- Purpose: messages to send (confirmation, waiting-list promotion) queued in an outbox that the
-- mail port drains, and the scheduled erasure of registrants' personal data after the meeting.
-- Affects: new table public.outbox; new trigger on public.registrations; new functions below.

create table public.outbox (
  id bigint generated always as identity primary key,
  registration_id bigint references public.registrations (id) on delete cascade,
  template text not null check (template in ('registration_confirmed', 'registration_waitlisted', 'waitlist_promoted')),
  recipient_email text check (char_length(recipient_email) <= 254),
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  claimed_at timestamptz,
  sent_at timestamptz,
  constraint outbox_one_message_per_event unique (registration_id, template)
);
comment on table public.outbox is 'Messages waiting to be sent by the mail port (SMTP, or the dev server log). Readable by no API role; erased with the registration''s personal data.';
comment on column public.outbox.recipient_email is 'personal: where the message goes';
comment on column public.outbox.payload is 'secret: may hold the cancel link until the message is sent';
create index outbox_pending_idx on public.outbox (id) where sent_at is null;

alter table public.outbox enable row level security;
revoke all on public.outbox from anon, authenticated;

/** Queues the promotion message when a waitlisted registration gets a seat. */
create function private.queue_promotion_message() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.status = 'waitlisted' and new.status = 'confirmed' and new.email is not null then
    insert into public.outbox (registration_id, template, recipient_email, payload)
    values (new.id, 'waitlist_promoted', new.email,
            (select jsonb_build_object('reference', new.reference, 'meetingId', m.id, 'meetingTitle', m.title, 'startsAt', m.starts_at)
             from public.meetings m where m.id = new.meeting_id))
    on conflict (registration_id, template) do nothing;
  end if;
  return new;
end
$$;
create trigger registrations_queue_promotion
after update of status on public.registrations
for each row execute function private.queue_promotion_message();

-- Reads a registration by the hash of the secret the caller holds and writes the outbox, which no
-- API role may touch: security definer.
/**
 * Queues the confirmation message of a registration, with its cancel link, for the person who
 * holds the cancel token (the handler right after registering). Idempotent; no email → no message.
 */
create function public.queue_registration_message(p_cancel_token text, p_cancel_url text) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_registration public.registrations%rowtype;
begin
  select * into v_registration from public.registrations
  where cancel_token_hash = private.token_hash(coalesce(p_cancel_token, ''));
  if not found then
    raise exception using errcode = 'PS404', message = 'registration_not_found';
  end if;
  if v_registration.email is null or v_registration.status = 'cancelled' then
    return jsonb_build_object('queued', false);
  end if;
  insert into public.outbox (registration_id, template, recipient_email, payload)
  values (v_registration.id,
          case when v_registration.status = 'confirmed' then 'registration_confirmed' else 'registration_waitlisted' end,
          v_registration.email,
          (select jsonb_build_object('reference', v_registration.reference, 'meetingId', m.id, 'meetingTitle', m.title,
                                     'startsAt', m.starts_at, 'cancelUrl', left(p_cancel_url, 300))
           from public.meetings m where m.id = v_registration.meeting_id))
  on conflict (registration_id, template) do nothing;
  return jsonb_build_object('queued', true);
end
$$;
comment on function public.queue_registration_message(text, text) is
  'security definer: reads a registration the caller cannot read (found by the hash of their secret token) and writes the outbox.';

/** Service role: takes up to p_limit unsent messages, marks them sent, returns them to the mail port. */
create function public.claim_outbox(p_limit integer default 50) returns jsonb
language sql volatile
set search_path = ''
as $$
  with claimed as (
    update public.outbox o set claimed_at = now(), sent_at = now()
    where o.id in (
      select id from public.outbox where sent_at is null order by id
      limit least(greatest(coalesce(p_limit, 50), 1), 500)
      for update skip locked
    )
    returning o.id, o.template, o.recipient_email, o.payload
  )
  select coalesce(jsonb_agg(jsonb_build_object('id', id, 'template', template, 'to', recipient_email, 'payload', payload) order by id), '[]'::jsonb)
  from claimed
$$;

/**
 * Service role: erases the personal data of registrations for meetings that ended more than
 * p_days ago (name, commune, contact, needs, hashes), keeping status and category for the counts,
 * and deletes their messages. Returns how many registrations were erased.
 */
create function public.purge_registrations(p_days integer default 90) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_purged integer;
begin
  delete from public.outbox o
  using public.registrations r, public.meetings m
  where o.registration_id = r.id and r.meeting_id = m.id
    and m.starts_at < now() - make_interval(days => greatest(coalesce(p_days, 90), 0));
  update public.registrations r
  set full_name = null, commune_code = null, email = null, phone = null, needs = null,
      contact_hash = null, cancel_token_hash = null, purged_at = now()
  from public.meetings m
  where r.meeting_id = m.id and r.purged_at is null
    and m.starts_at < now() - make_interval(days => greatest(coalesce(p_days, 90), 0));
  get diagnostics v_purged = row_count;
  insert into public.audit_log (actor_role, action, target_type, target_id, details)
  values ('system', 'registrations.purged', 'registration', 'all', jsonb_build_object('count', v_purged, 'days', p_days));
  return jsonb_build_object('purged', v_purged);
end
$$;

revoke all on function public.queue_registration_message(text, text) from public, anon, authenticated, service_role;
revoke all on function public.claim_outbox(integer) from public, anon, authenticated, service_role;
revoke all on function public.purge_registrations(integer) from public, anon, authenticated, service_role;
grant execute on function public.queue_registration_message(text, text) to anon, authenticated;
grant execute on function public.claim_outbox(integer) to service_role;
grant execute on function public.purge_registrations(integer) to service_role;
