-- Purpose: the access simulator (issue L) changes the official APL by the effect of a change of
-- supply, ΔAPL_i = w(t_ij) · ΔS_j / D_j, where D_j = Σ_k w(t_kj) · P̃_k is the demand reaching
-- commune j from every commune within 20 minutes, across borders. D_j does not depend on supply: the
-- importer computes it once per vintage over everything it loads (the territories' 35 km ring) and
-- stores it as the indicator 'gp_demand' for the communes the map shows; access_map returns it.
-- The GPs practising in each commune, counted from the RPPS extraction (`npm run data:import --
-- --rpps FILE`), are the indicator 'gp_count_rpps' (vintage = the extraction's year): where GPs are
-- known, a departure can be simulated. Counts of practitioners only: no personal data.
-- It also returns, where a 2024 release was imported, the APL counting only GPs aged 62 or less and
-- 60 or less (apl62OrLess, apl60OrLess: extra retirement-risk variants beside "under 65").
-- Affects: the check constraint on public.indicators.indicator; public.access_map (same result, one
-- more property per commune: demand). Public, non-personal data.

alter table public.indicators drop constraint indicators_indicator_check;
alter table public.indicators add constraint indicators_indicator_check
  check (indicator in ('apl_gp', 'apl_gp_under_65', 'apl_gp_62_or_less', 'apl_gp_60_or_less',
                       'standardised_population', 'population', 'age_need_index', 'gp_demand',
                       'gp_count_rpps'));

create or replace function public.access_map(p_territory text) returns jsonb
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
      max(i.value) filter (where i.indicator = 'gp_demand' and i.vintage = v_year) as demand,
      -- The 2024 DREES releases add the APL counting only GPs aged 62 or less, and 60 or less.
      max(i.value) filter (where i.indicator = 'apl_gp_62_or_less' and i.vintage = v_year) as apl_62,
      max(i.value) filter (where i.indicator = 'apl_gp_60_or_less' and i.vintage = v_year) as apl_60,
      -- GPs practising in the commune (RPPS extraction), the latest extraction whatever the APL year.
      (array_agg(i.value order by i.vintage desc) filter (where i.indicator = 'gp_count_rpps'))[1] as gps_rpps,
      (array_agg(i.source order by i.vintage desc) filter (where i.indicator = 'gp_count_rpps'))[1] as gps_rpps_source,
      max(i.source) filter (where i.indicator = 'apl_gp' and i.vintage = v_year) as source
    from public.indicators i
    where i.commune_code in (select code from served)
      and (i.vintage in (v_year, v_previous) or i.indicator = 'gp_count_rpps')
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
        'aplPopulation', v.apl_population, 'demand', v.demand, 'apl62OrLess', v.apl_62,
        'apl60OrLess', v.apl_60, 'gpsRpps', v.gps_rpps,
        'gpsRppsSource', v.gps_rpps_source, 'source', v.source
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

revoke all on function public.access_map(text) from public, anon, authenticated, service_role;
grant execute on function public.access_map(text) to anon, authenticated, service_role;
