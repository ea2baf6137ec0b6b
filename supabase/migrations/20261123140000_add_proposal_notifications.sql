-- Purpose: tell a proposal's author and its supporters when its status changes: one message per
-- person and change (never one per support), queued in the outbox in the same transaction.
-- Affects: public.outbox (new column, template list, unique index); new trigger on public.proposal_events.

alter table public.outbox add column proposal_event_id bigint references public.proposal_events (id) on delete cascade;
alter table public.outbox drop constraint outbox_template_check;
alter table public.outbox add constraint outbox_template_check check (
  template in ('registration_confirmed', 'registration_waitlisted', 'waitlist_promoted', 'proposal_status_changed')
);
create unique index outbox_one_message_per_person_and_change
on public.outbox (proposal_event_id, recipient_email) where proposal_event_id is not null;

/** Queues the status-change message for the author (if they left an email) and every supporter with an email. */
create function private.queue_proposal_messages() returns trigger
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
    where s.proposal_id = new.proposal_id and s.email is not null and s.email is distinct from v_proposal.author_email
  ) as recipients
  on conflict (proposal_event_id, recipient_email) where proposal_event_id is not null do nothing;
  return new;
end
$$;
create trigger proposal_events_queue_messages
after insert on public.proposal_events
for each row execute function private.queue_proposal_messages();
