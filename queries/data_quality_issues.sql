-- One row per gap in an award (no amount, theme, funding stream or provider), with its source ($row_limit rows at most; null: all).
with filtered as (
    select *
    from filtered_awards(
        $areas, $from_fy, $to_fy, $themes, $funding_streams, $providers, $mechanisms,
        $statuses, $min_amount, $max_amount, $search, $include_unpublished
    )
),

sources as (
    select * from sources
),

gaps as (
    select award_id, 'no amount' as issue from filtered where amount_gbp is null
    union all
    select award_id, 'no theme' from filtered where theme is null
    union all
    select award_id, 'no funding stream' from filtered where funding_stream is null
    union all
    select award_id, 'no provider' from filtered where provider is null
),

final as (
    select
        gaps.issue,
        filtered.award_id,
        filtered.area,
        filtered.financial_year,
        filtered.service,
        filtered.provider,
        filtered.amount_gbp,
        filtered.amount_note,
        filtered.source_id,
        sources.title as source_title,
        sources.file_name as source_file,
        filtered.source_locator,
        filtered.is_public,
        filtered.fy_start
    from gaps
    inner join filtered on gaps.award_id = filtered.award_id
    left join sources on filtered.source_id = sources.source_id
)

select * exclude (fy_start) from final
order by issue, area, fy_start, award_id
limit $row_limit
