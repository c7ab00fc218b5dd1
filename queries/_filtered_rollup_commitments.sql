-- filtered_awards over the rollup of multi-year commitments only (rollup_commitments.parquet):
-- used only by questions that declare `-- rows: commitments`. Same signature as the base macro;
-- the query layer routes here only when no theme, stream, mechanism, amount or text filter is
-- set, and this macro refuses loudly if that promise is broken rather than answer wrongly.
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
select *, provider as provider_set, area as area_set
from awards
where
    (len(areas) = 0 or list_contains(areas, area))
    and (from_fy is null or fy_start >= from_fy)
    and (to_fy is null or fy_start <= to_fy)
    and (
        len(providers) = 0
        or list_contains(providers, provider)
        or (provider is null and list_contains(providers, 'Not stated'))
    )
    and list_contains(statuses, status)
    and (include_unpublished or is_public)
    and (
        len(themes) = 0 and len(funding_streams) = 0 and len(mechanisms) = 0
        and min_amount is null and max_amount is null and search = ''
        or error('rollup_commitments cannot filter by theme, stream, mechanism, amount or text')
    )
