-- The one filter every question applies (a table macro, created when the database opens).
-- Empty lists mean "no restriction"; null bounds mean "open". A missing theme, stream or provider
-- is filtered as 'Not stated', the label the charts show for it.
-- Each row carries weights (award_count, missing_amount_count, missing_provider_count) and the
-- provider and area it stands for (provider_set, area_set; see _distinct_counts.sql) so that
-- questions count with sum(...): the same question then runs unchanged over a pre-aggregated
-- rollup (see _filtered_rollup.sql), whose rows stand for many awards.
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
select
    *,
    provider as provider_set,
    area as area_set,
    commitment_id is not null as is_multi_year,
    1::bigint as award_count,
    (amount_gbp is null)::bigint as missing_amount_count,
    (provider is null)::bigint as missing_provider_count
from awards
where
    -- Every test is `list_contains(list, column)`, never `column = any(list)` or coalesce(column,
    -- ...) = ...: DuckDB then tests the column as stored, skips row groups by their statistics
    -- (the provider-sorted copy, the area-sorted awards) and is 3-6 times faster per row.
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
    and (
        len(providers) = 0
        or list_contains(providers, provider)
        or (provider is null and list_contains(providers, 'Not stated'))
    )
    and (len(mechanisms) = 0 or list_contains(mechanisms, mechanism))
    and list_contains(statuses, status)
    and (min_amount is null or amount_gbp >= min_amount)
    and (max_amount is null or amount_gbp <= max_amount)
    and (
        search = ''
        or contains(
            lower(concat_ws(' ', service, provider, description)),
            lower(search)
        )
    )
    and (include_unpublished or is_public)
