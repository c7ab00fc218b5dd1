-- filtered_awards over a rollup (pccspend/build.py ROLLUPS): the signature and the tests of
-- _filtered_awards.sql for the columns the rollup holds. pccspend/db.py keeps a line tagged
-- `--@column` only when the rollup holds that column, and a line tagged `--@!column` only when it
-- does not: those make the refusal at the end, so a rollup asked to filter by a column it lacks
-- stops with an error, never a wrong answer (the router only sends it filters it can apply).
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
    provider as provider_set,  --@provider
    area as area_set,  --@area
from awards
where
    list_contains(statuses, status)
    and (include_unpublished or is_public)
    and (len(areas) = 0 or list_contains(areas, area))  --@area
    and (from_fy is null or fy_start >= from_fy)  --@fy_start
    and (to_fy is null or fy_start <= to_fy)  --@fy_start
    and (  --@theme
        len(themes) = 0  --@theme
        or list_contains(themes, theme)  --@theme
        or (theme is null and list_contains(themes, 'Not stated'))  --@theme
    )  --@theme
    and (  --@funding_stream
        len(funding_streams) = 0  --@funding_stream
        or list_contains(funding_streams, funding_stream)  --@funding_stream
        or (funding_stream is null and list_contains(funding_streams, 'Not stated'))  --@funding_stream
    )  --@funding_stream
    and (  --@provider
        len(providers) = 0  --@provider
        or list_contains(providers, provider)  --@provider
        or (provider is null and list_contains(providers, 'Not stated'))  --@provider
    )  --@provider
    and (len(mechanisms) = 0 or list_contains(mechanisms, mechanism))  --@mechanism
    and (
        -- a rollup sums amounts and drops texts: it can never filter by either
        min_amount is null and max_amount is null and search = ''
        and len(areas) = 0  --@!area
        and from_fy is null and to_fy is null  --@!fy_start
        and len(themes) = 0  --@!theme
        and len(funding_streams) = 0  --@!funding_stream
        and len(providers) = 0  --@!provider
        and len(mechanisms) = 0  --@!mechanism
        or error('this rollup cannot apply these filters (pccspend/db.py should not have sent them)')
    )
