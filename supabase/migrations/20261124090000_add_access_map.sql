-- Purpose: the care-access map (issue E): what the open-data importer loads and what the map reads.
-- Affects: public.communes (representative point, sources of population and geometry),
-- public.indicators (the DREES population of each vintage), new table public.area_indicators
-- (department and France references), new functions public.import_access_data (service role)
-- and public.access_map (anyone). Public, non-personal data.

alter table public.communes
  add column point_lon double precision check (point_lon between -180 and 180),
  add column point_lat double precision check (point_lat between -90 and 90),
  add column population_source text check (char_length(population_source) between 1 and 300),
  add column geometry_source text check (char_length(geometry_source) between 1 and 300),
  add constraint communes_point_complete check ((point_lon is null) = (point_lat is null));
comment on column public.communes.point_lon is 'Longitude of the commune''s representative (interior) point, for straight-line distances.';

-- The DREES file gives, per vintage, the total population its APL was computed on: the people
-- counted under a threshold (DREES aggregation rule) are counted with it.
alter table public.indicators drop constraint indicators_indicator_check;
alter table public.indicators add constraint indicators_indicator_check
  check (indicator in ('apl_gp', 'apl_gp_under_65', 'standardised_population', 'population', 'age_need_index'));

create table public.area_indicators (
  area text not null check (area ~ '^(FR|D([0-9]{2}|2[AB]|97[1-6]))$'),
  indicator text not null check (indicator in ('apl_gp', 'apl_gp_under_65', 'population_under_2_5_share', 'population_under_2_5_share_under_65')),
  vintage smallint not null check (vintage between 2000 and 2100),
  value numeric not null,
  communes integer not null check (communes > 0),
  source text not null check (char_length(source) between 1 and 300),
  primary key (area, indicator, vintage)
);
comment on table public.area_indicators is 'Department (D24…) and France (FR) references computed by the importer from the communal file with the DREES aggregation rule.';

alter table public.area_indicators enable row level security;
revoke insert, update, delete, truncate on public.area_indicators from anon, authenticated;

create policy "Anyone can read area indicators"
on public.area_indicators for select to anon
using ( true );
create policy "Signed-in users can read area indicators"
on public.area_indicators for select to authenticated
using ( true );

/**
 * Loads one batch of open data, idempotently: a row identical to the stored one is left alone, so
 * re-running an import changes nothing and a new vintage only adds rows. Attributes missing from
 * this batch (a commune without boundary in the files read) keep their stored value; the fallback
 * population is used only where no population is stored. Perimeters
 * (`[{ id, communes: [codes] }]`) set which communes belong to a territory and release the others.
 * Returns what changed, and the perimeter codes that are not in the communes table.
 */
create function public.import_access_data(
  p_communes jsonb default '[]',
  p_indicators jsonb default '[]',
  p_areas jsonb default '[]',
  p_perimeters jsonb default '[]'
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_communes jsonb;
  v_indicators jsonb;
  v_areas jsonb;
  v_members integer := 0;
  v_released integer := 0;
  v_missing jsonb;
begin
  -- The fallback population (the one DREES used) only fills a commune that has none stored: it never
  -- replaces an Insee legal population loaded earlier.
  with input as (
    select c.*, (c.population is null and stored.population is null) as use_fallback
    from jsonb_to_recordset(coalesce(p_communes, '[]')) as c(
      code text, name text, department text, population integer, "populationYear" smallint,
      "populationSource" text, "fallbackPopulation" integer, "fallbackYear" smallint, "fallbackSource" text,
      geometry jsonb, "geometrySource" text, lon double precision, lat double precision)
    left join public.communes stored on stored.code = c.code
  ), written as (
    insert into public.communes as t (code, name, department, population, population_year, population_source,
                                      geometry, geometry_source, point_lon, point_lat)
    select code, name, department,
           case when use_fallback then "fallbackPopulation" else population end,
           case when use_fallback then "fallbackYear" else "populationYear" end,
           case when use_fallback then "fallbackSource" else "populationSource" end,
           geometry, "geometrySource", lon, lat
    from input
    on conflict (code) do update set
      name = excluded.name,
      department = excluded.department,
      population = coalesce(excluded.population, t.population),
      population_year = coalesce(excluded.population_year, t.population_year),
      population_source = coalesce(excluded.population_source, t.population_source),
      geometry = coalesce(excluded.geometry, t.geometry),
      geometry_source = coalesce(excluded.geometry_source, t.geometry_source),
      point_lon = coalesce(excluded.point_lon, t.point_lon),
      point_lat = coalesce(excluded.point_lat, t.point_lat),
      updated_at = now()
    where (t.name, t.department, t.population, t.population_year, t.population_source, t.geometry,
           t.geometry_source, t.point_lon, t.point_lat)
      is distinct from
          (excluded.name, excluded.department, coalesce(excluded.population, t.population),
           coalesce(excluded.population_year, t.population_year), coalesce(excluded.population_source, t.population_source),
           coalesce(excluded.geometry, t.geometry), coalesce(excluded.geometry_source, t.geometry_source),
           coalesce(excluded.point_lon, t.point_lon), coalesce(excluded.point_lat, t.point_lat))
    returning (xmax = 0) as inserted
  )
  select jsonb_build_object(
    'inserted', count(*) filter (where inserted),
    'updated', count(*) filter (where not inserted),
    'unchanged', jsonb_array_length(coalesce(p_communes, '[]')) - count(*)
  ) into v_communes from written;

  with input as (
    select * from jsonb_to_recordset(coalesce(p_indicators, '[]')) as i(
      code text, indicator text, vintage smallint, value numeric, source text)
  ), written as (
    insert into public.indicators as t (commune_code, indicator, vintage, value, source)
    select code, indicator, vintage, value, source from input
    on conflict (commune_code, indicator, vintage) do update set value = excluded.value, source = excluded.source
    where (t.value, t.source) is distinct from (excluded.value, excluded.source)
    returning (xmax = 0) as inserted
  )
  select jsonb_build_object(
    'inserted', count(*) filter (where inserted),
    'updated', count(*) filter (where not inserted),
    'unchanged', jsonb_array_length(coalesce(p_indicators, '[]')) - count(*)
  ) into v_indicators from written;

  with input as (
    select * from jsonb_to_recordset(coalesce(p_areas, '[]')) as a(
      area text, indicator text, vintage smallint, value numeric, communes integer, source text)
  ), written as (
    insert into public.area_indicators as t (area, indicator, vintage, value, communes, source)
    select area, indicator, vintage, value, communes, source from input
    on conflict (area, indicator, vintage) do update
      set value = excluded.value, communes = excluded.communes, source = excluded.source
    where (t.value, t.communes, t.source) is distinct from (excluded.value, excluded.communes, excluded.source)
    returning (xmax = 0) as inserted
  )
  select jsonb_build_object(
    'inserted', count(*) filter (where inserted),
    'updated', count(*) filter (where not inserted),
    'unchanged', jsonb_array_length(coalesce(p_areas, '[]')) - count(*)
  ) into v_areas from written;

  if jsonb_array_length(coalesce(p_perimeters, '[]')) > 0 then
    with perimeter as (
      select p ->> 'id' as territory_id, code
      from jsonb_array_elements(p_perimeters) p, jsonb_array_elements_text(p -> 'communes') code
    )
    select coalesce(jsonb_agg(code order by code), '[]') into v_missing
    from perimeter where not exists (select 1 from public.communes c where c.code = perimeter.code);

    with perimeter as (
      select p ->> 'id' as territory_id, code
      from jsonb_array_elements(p_perimeters) p, jsonb_array_elements_text(p -> 'communes') code
    ), released as (
      update public.communes c set territory_id = null, updated_at = now()
      where c.territory_id in (select p ->> 'id' from jsonb_array_elements(p_perimeters) p)
        and not exists (select 1 from perimeter where perimeter.code = c.code and perimeter.territory_id = c.territory_id)
      returning 1
    )
    select count(*) into v_released from released;

    with perimeter as (
      select p ->> 'id' as territory_id, code
      from jsonb_array_elements(p_perimeters) p, jsonb_array_elements_text(p -> 'communes') code
    ), joined as (
      update public.communes c set territory_id = perimeter.territory_id, updated_at = now()
      from perimeter
      where c.code = perimeter.code and c.territory_id is distinct from perimeter.territory_id
      returning 1
    )
    select count(*) into v_members from joined;
  end if;

  return jsonb_build_object(
    'communes', v_communes,
    'indicators', v_indicators,
    'areas', v_areas,
    'perimeters', jsonb_build_object('joined', v_members, 'released', v_released, 'missing', coalesce(v_missing, '[]'))
  );
end
$$;

/**
 * Everything the access map of one territory shows: its communes and the ring of communes whose
 * representative point lies within 16.5 km (≈ 20 minutes by road, the APL's reach) of one of
 * them, each with its indicators for the latest two APL vintages, and the references of their
 * departments and of France. Raises PS404 for an unknown territory.
 */
create function public.access_map(p_territory text) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_territory public.territories;
  v_year smallint;
  v_previous smallint;
  v_result jsonb;
begin
  select * into v_territory from public.territories where id = p_territory;
  if not found then
    raise exception using errcode = 'PS404', message = 'territory_not_found';
  end if;
  select max(vintage) into v_year from public.indicators where indicator = 'apl_gp';
  select max(vintage) into v_previous from public.indicators where indicator = 'apl_gp' and vintage < v_year;

  with members as (
    select code, point_lat, point_lon from public.communes where territory_id = p_territory
  ), box as (
    -- 0.16° of latitude ≈ 17.8 km; 0.26° of longitude ≥ 17.8 km up to 51° N: a cheap pre-filter.
    select min(point_lat) - 0.16 as lat0, max(point_lat) + 0.16 as lat1,
           min(point_lon) - 0.26 as lon0, max(point_lon) + 0.26 as lon1
    from members
  ), served as (
    select c.*, (c.territory_id is not distinct from p_territory) as in_territory
    from public.communes c
    where c.territory_id is not distinct from p_territory
       or (c.point_lat is not null and exists (
         select 1 from box, members m
         where c.point_lat between box.lat0 and box.lat1 and c.point_lon between box.lon0 and box.lon1
           and m.point_lat is not null
           -- haversine distance in km (Earth radius 6371 km)
           and 2 * 6371 * asin(sqrt(
                 power(sin(radians(c.point_lat - m.point_lat) / 2), 2)
                 + cos(radians(m.point_lat)) * cos(radians(c.point_lat)) * power(sin(radians(c.point_lon - m.point_lon) / 2), 2)
               )) <= 16.5))
  ), figures as (
    select i.commune_code,
      max(i.value) filter (where i.indicator = 'apl_gp' and i.vintage = v_year) as apl,
      max(i.value) filter (where i.indicator = 'apl_gp_under_65' and i.vintage = v_year) as apl_under_65,
      max(i.value) filter (where i.indicator = 'apl_gp' and i.vintage = v_previous) as apl_previous,
      max(i.value) filter (where i.indicator = 'apl_gp_under_65' and i.vintage = v_previous) as apl_under_65_previous,
      max(i.value) filter (where i.indicator = 'standardised_population' and i.vintage = v_year) as standardised_population,
      max(i.value) filter (where i.indicator = 'population' and i.vintage = v_year) as apl_population,
      max(i.source) filter (where i.indicator = 'apl_gp' and i.vintage = v_year) as source
    from public.indicators i
    where i.commune_code in (select code from served) and i.vintage in (v_year, v_previous)
    group by i.commune_code
  )
  select jsonb_build_object(
    'territory', jsonb_build_object('id', v_territory.id, 'name', v_territory.name),
    'aplYear', v_year,
    'previousYear', v_previous,
    'communes', coalesce((
      select jsonb_agg(jsonb_build_object(
        'code', s.code, 'name', s.name, 'department', s.department, 'inTerritory', s.in_territory,
        'population', s.population, 'populationYear', s.population_year, 'populationSource', s.population_source,
        'geometry', s.geometry, 'geometrySource', s.geometry_source,
        'point', case when s.point_lon is not null then jsonb_build_array(s.point_lon, s.point_lat) end,
        'apl', v.apl, 'aplUnder65', v.apl_under_65, 'aplPrevious', v.apl_previous,
        'aplUnder65Previous', v.apl_under_65_previous, 'standardisedPopulation', v.standardised_population,
        'aplPopulation', v.apl_population, 'source', v.source
      ) order by s.in_territory desc, s.code)
      from served s left join figures v on v.commune_code = s.code
    ), '[]'),
    'areas', coalesce((
      select jsonb_agg(jsonb_build_object(
        'area', a.area, 'indicator', a.indicator, 'vintage', a.vintage, 'value', a.value,
        'communes', a.communes, 'source', a.source
      ) order by a.area, a.indicator, a.vintage)
      from public.area_indicators a
      where a.vintage in (v_year, v_previous)
        and (a.area = 'FR' or a.area in (select 'D' || department from served))
    ), '[]')
  ) into v_result;
  return v_result;
end
$$;

revoke all on function public.import_access_data(jsonb, jsonb, jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function public.access_map(text) from public, anon, authenticated, service_role;
grant execute on function public.import_access_data(jsonb, jsonb, jsonb, jsonb) to service_role;
grant execute on function public.access_map(text) to anon, authenticated, service_role;
