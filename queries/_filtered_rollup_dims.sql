-- filtered_awards over the rollup by area, year, theme, funding stream, mechanism, status and
-- publication (rollup_dims.parquet, built with the awards). Same signature as the base macro;
-- the query layer routes here only when no provider, amount or text filter is set, and this
-- macro refuses loudly if that promise is broken rather than answer wrongly.
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
    (len(areas) = 0 or list_contains(areas, area))
    and (from_fy is null or fy_start >= from_fy)
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
    and (len(mechanisms) = 0 or list_contains(mechanisms, mechanism))
    and list_contains(statuses, status)
    and (include_unpublished or is_public)
    and (
        len(providers) = 0 and min_amount is null and max_amount is null and search = ''
        or error('rollup_dims cannot filter by provider, amount or text')
    )
