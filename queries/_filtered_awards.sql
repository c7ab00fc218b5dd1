-- The one filter every question applies: `filtered_awards($filters)`, `$filters` being the filter
-- state as one struct (pccspend/filters.py `Filters.sql`). Made once per store when the database
-- is built (pccspend/stores.py): each store's schema has an `awards` view with the same columns,
-- so this text runs unchanged over the awards, a copy of some of them, or a rollup whose rows
-- stand for many awards. A column a store does not hold is there as an error: a store asked to
-- filter by it stops with an error, never a wrong answer (the router never asks it to).
-- Empty lists mean "no restriction"; null bounds mean "open". A missing theme, stream or provider
-- is filtered as 'Not stated', the label the charts show for it.
-- Each test is `list_contains(list, column)` (a search's lists aside: see there), never
-- `column = any(list)` or coalesce(column, ...):
-- DuckDB then tests the column as stored, skips row groups by their statistics (the
-- provider-sorted copy, the area-sorted awards) and is 3-6 times faster per row.
-- "As stated in the documents only" (f['stated_only']) reads each award's theme and funding
-- stream as its document states them, in place of the build's classification (pccspend/classify.py).
create or replace macro filtered_awards(f) as table
select * replace (
    if(f['stated_only'], stated_theme, theme) as theme,
    if(f['stated_only'], stated_funding_stream, funding_stream) as funding_stream
)
from awards
where
    (len(f['areas']) = 0 or list_contains(f['areas'], area))
    and (f['from_fy'] is null or fy_start >= f['from_fy'])
    and (f['to_fy'] is null or fy_start <= f['to_fy'])
    -- One branch per toggle state, so each test stays on a column as stored (see above).
    and (
        len(f['themes']) = 0
        or (not f['stated_only'] and (
            list_contains(f['themes'], theme) or (theme is null and list_contains(f['themes'], 'Not stated'))))
        or (f['stated_only'] and (
            list_contains(f['themes'], stated_theme)
            or (stated_theme is null and list_contains(f['themes'], 'Not stated'))))
    )
    and (
        len(f['funding_streams']) = 0
        or (not f['stated_only'] and (
            list_contains(f['funding_streams'], funding_stream)
            or (funding_stream is null and list_contains(f['funding_streams'], 'Not stated'))))
        or (f['stated_only'] and (
            list_contains(f['funding_streams'], stated_funding_stream)
            or (stated_funding_stream is null and list_contains(f['funding_streams'], 'Not stated'))))
    )
    and (
        len(f['providers']) = 0
        or list_contains(f['providers'], provider)
        or (provider is null and list_contains(f['providers'], 'Not stated'))
    )
    and (len(f['mechanisms']) = 0 or list_contains(f['mechanisms'], mechanism))
    and list_contains(f['statuses'], status)
    and (f['min_amount'] is null or award_amount_gbp >= f['min_amount'])
    and (f['max_amount'] is null or award_amount_gbp <= f['max_amount'])
    -- A search is resolved first, through the index of distinct texts (pccspend/db.py), into the
    -- services, providers and descriptions that hold it: a test of each column as stored.
    -- list_position, not list_contains: a search matches up to hundreds of values, and DuckDB tests
    -- list_contains beside the status and publication tests value by value on every row of each row
    -- group it reads (at 10M awards, 100 providers' 4,400 awards: 39 -> 14 ms); row groups are
    -- still skipped by their statistics.
    and (
        f['search'] = ''
        or (len(f['search_services']) > 0 and list_position(f['search_services'], service) is not null)
        or (len(f['search_providers']) > 0 and list_position(f['search_providers'], provider) is not null)
        or (len(f['search_descriptions']) > 0 and list_position(f['search_descriptions'], description) is not null)
    )
    and (f['include_unpublished'] or is_public)
