-- Local seed for `supabase db reset`: the two pilot territories. Meetings are mirrored from
-- content/meetings by public.sync_content (the embedded default does it on every start).
insert into public.territories (id, name) values
  ('nontronnais', 'Nontronnais'),
  ('porcien-thierache', 'Porcien et sud Thiérache')
on conflict (id) do nothing;
