-- One row per gap in an award (no amount, theme, funding stream or provider), with its source ($row_limit rows at most; null: all), of the kinds $kinds names (null: every kind).
-- rows: gaps (reads only awards with a gap, so the copy of those awards may answer)
with filtered as (
    select *
    from filtered_awards($filters)
),

-- Each kind of gap on its own, already cut to $row_limit: the awards are stored in
-- (area, fy_start, award_id) order, so DuckDB stops reading once it has enough rows. The
-- second condition of each is implied by the filters (an amount range excludes awards without
-- one; a stream filter without 'Not stated' excludes awards without a stream) and is there so
-- DuckDB skips, unread, a kind of gap the filters rule out, or $kinds leaves out (the Data quality
-- page asks only for the kinds its first rows reach: pccspend/pagedata.py `gap_kinds`).
no_amount as (
    select 'no amount' as issue, * from filtered
    where amount_gbp is null
        and ($kinds is null or list_contains($kinds, 'no amount'))
        and $filters['min_amount'] is null and $filters['max_amount'] is null
    order by area, fy_start, award_id limit $row_limit
),

no_funding_stream as (
    select 'no funding stream' as issue, * from filtered
    where funding_stream is null
        and ($kinds is null or list_contains($kinds, 'no funding stream'))
        and (len($filters['funding_streams']) = 0 or list_contains($filters['funding_streams'], 'Not stated'))
    order by area, fy_start, award_id limit $row_limit
),

no_provider as (
    select 'no provider' as issue, * from filtered
    where provider is null
        and ($kinds is null or list_contains($kinds, 'no provider'))
        and (len($filters['providers']) = 0 or list_contains($filters['providers'], 'Not stated'))
    order by area, fy_start, award_id limit $row_limit
),

no_theme as (
    select 'no theme' as issue, * from filtered
    where theme is null
        and ($kinds is null or list_contains($kinds, 'no theme'))
        and (len($filters['themes']) = 0 or list_contains($filters['themes'], 'Not stated'))
    order by area, fy_start, award_id limit $row_limit
),

gaps as (
    select * from no_amount
    union all select * from no_funding_stream
    union all select * from no_provider
    union all select * from no_theme
),

final as (
    select
        gaps.issue,
        gaps.award_id,
        gaps.area,
        gaps.financial_year,
        gaps.service,
        gaps.provider,
        gaps.amount_gbp,
        gaps.amount_note,
        gaps.source_id,
        sources.title as source_title,
        sources.file_name as source_file,
        gaps.source_locator,
        gaps.is_public,
        gaps.fy_start
    from gaps
    left join sources on gaps.source_id = sources.source_id
)

select * exclude (fy_start) from final
order by issue, area, fy_start, award_id
limit $row_limit
