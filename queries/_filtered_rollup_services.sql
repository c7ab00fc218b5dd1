-- filtered_awards over the national rollup by year, theme, funding stream, service, status and
-- publication (rollup_services.parquet): the theme -> stream -> service drill-down of every area
-- at once. Same signature as the base macro; the query layer routes here only when no area,
-- provider, mechanism, amount or text filter is set, and this macro refuses loudly if that
-- promise is broken rather than answer wrongly.
create or replace macro filtered_awards(
    areas,
    from_fy,
    to_fy,
    themes,
    funding_streams,
    providers,
    mechanisms,
    statuses,
    min_amount,
    max_amount,
    search,
    include_unpublished
) as table
select *
from awards
where
    (from_fy is null or fy_start >= from_fy)
    and (to_fy is null or fy_start <= to_fy)
    and (
        len(themes) = 0
        or list_contains(themes, theme)
        or (theme is null and list_contains(themes, 'Not stated'))
    )
    and (
        len(funding_streams) = 0
        or list_contains(funding_streams, funding_stream)
        or (funding_stream is null and list_contains(funding_streams, 'Not stated'))
    )
    and list_contains(statuses, status)
    and (include_unpublished or is_public)
    and (
        len(areas) = 0 and len(providers) = 0 and len(mechanisms) = 0
        and min_amount is null and max_amount is null and search = ''
        or error('rollup_services cannot filter by area, provider, mechanism, amount or text')
    )
