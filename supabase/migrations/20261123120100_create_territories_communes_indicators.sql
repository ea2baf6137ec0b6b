-- Purpose: the geography the site talks about — territories (mirrored from content/territories),
-- communes with their display geometry, and open-data indicators per commune (DREES APL…).
-- Affects: new tables public.territories, public.communes, public.indicators. Public, non-personal data.

create table public.territories (
  id text primary key check (id ~ '^[a-z0-9-]{1,60}$'),
  name text not null check (char_length(name) between 1 and 120),
  updated_at timestamptz not null default now()
);
comment on table public.territories is 'Pilot territories, mirrored from content/territories (the Markdown is the authority).';

create table public.communes (
  code text primary key check (code ~ '^([0-9]{5}|2[AB][0-9]{3})$'),
  name text not null check (char_length(name) between 1 and 100),
  department text not null check (department ~ '^([0-9]{2}|2[AB]|97[1-6])$'),
  -- null for the ring of neighbouring communes shown around a territory
  territory_id text references public.territories (id) on delete set null,
  population integer check (population >= 0),
  population_year smallint check (population_year between 1950 and 2100),
  geometry jsonb check (geometry is null or geometry ->> 'type' in ('Polygon', 'MultiPolygon')),
  updated_at timestamptz not null default now()
);
comment on table public.communes is 'Communes of the territories and their neighbours (INSEE codes), with population and a simplified display geometry.';
create index communes_territory_id_idx on public.communes (territory_id);

create table public.indicators (
  commune_code text not null references public.communes (code) on delete cascade,
  indicator text not null check (indicator in ('apl_gp', 'apl_gp_under_65', 'standardised_population', 'age_need_index')),
  vintage smallint not null check (vintage between 2000 and 2100),
  value numeric not null,
  source text not null check (char_length(source) between 1 and 300),
  primary key (commune_code, indicator, vintage)
);
comment on table public.indicators is 'One open-data value per commune, indicator and vintage, with its source (DREES APL and related).';

alter table public.territories enable row level security;
alter table public.communes enable row level security;
alter table public.indicators enable row level security;

-- Everyone may read the geography; only the service role (which bypasses RLS) loads it.
revoke insert, update, delete, truncate on public.territories, public.communes, public.indicators from anon, authenticated;

create policy "Anyone can read territories"
on public.territories for select to anon
using ( true );
create policy "Signed-in users can read territories"
on public.territories for select to authenticated
using ( true );

create policy "Anyone can read communes"
on public.communes for select to anon
using ( true );
create policy "Signed-in users can read communes"
on public.communes for select to authenticated
using ( true );

create policy "Anyone can read indicators"
on public.indicators for select to anon
using ( true );
create policy "Signed-in users can read indicators"
on public.indicators for select to authenticated
using ( true );
