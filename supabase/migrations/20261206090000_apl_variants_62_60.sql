-- Purpose: the 2024 DREES APL release adds, for general practitioners, the APL counting only the
-- doctors aged 62 or less and 60 or less (retirement-risk variants beside "under 65"). The
-- national importer loads them when a workbook has them; department and France references too.
-- Affects: the check constraints on public.indicators.indicator and public.area_indicators.indicator.
-- Public, non-personal data; no row changes.

alter table public.indicators drop constraint indicators_indicator_check;
alter table public.indicators add constraint indicators_indicator_check
  check (indicator in ('apl_gp', 'apl_gp_under_65', 'apl_gp_62_or_less', 'apl_gp_60_or_less',
                       'standardised_population', 'population', 'age_need_index'));

alter table public.area_indicators drop constraint area_indicators_indicator_check;
alter table public.area_indicators add constraint area_indicators_indicator_check
  check (indicator in ('apl_gp', 'apl_gp_under_65', 'apl_gp_62_or_less', 'apl_gp_60_or_less',
                       'population_under_2_5_share', 'population_under_2_5_share_under_65',
                       'population_under_2_5_share_62_or_less', 'population_under_2_5_share_60_or_less'));
