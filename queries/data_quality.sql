-- Per area and year: awards with no amount, no theme, no funding stream or no provider.
with filtered as (
    select *
    from filtered_awards(
        $areas, $from_fy, $to_fy, $themes, $funding_streams, $providers, $mechanisms,
        $statuses, $min_amount, $max_amount, $search, $include_unpublished
    )
),

final as (
    select
        area,
        financial_year,
        count(*) as award_count,
        count(*) filter (where amount_gbp is null) as missing_amount_count,
        count(*) filter (where theme is null) as missing_theme_count,
        count(*) filter (where funding_stream is null) as missing_funding_stream_count,
        count(*) filter (where provider is null) as missing_provider_count
    from filtered
    group by 1, 2
)

select * from final
order by area, financial_year
