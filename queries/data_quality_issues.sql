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

-- One pass over the awards: each award with a gap becomes one row per gap it has.
gaps as (
    select
        unnest(list_filter([
            case when amount_gbp is null then 'no amount' end,
            case when theme is null then 'no theme' end,
            case when funding_stream is null then 'no funding stream' end,
            case when provider is null then 'no provider' end
        ], lambda gap: gap is not null)) as issue,
        award_id,
        area,
        financial_year,
        service,
        provider,
        amount_gbp,
        amount_note,
        source_id,
        source_locator,
        is_public,
        fy_start
    from filtered
    where amount_gbp is null or theme is null or funding_stream is null or provider is null
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
