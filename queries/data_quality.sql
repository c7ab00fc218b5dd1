-- Per area and year: awards with no amount, no theme, no funding stream or no provider.
with filtered as (
    select *
    from filtered_awards($filters)
),

final as (
    select
        area,
        financial_year,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count,
        coalesce(sum(award_count) filter (where theme is null), 0)::bigint as missing_theme_count,
        coalesce(sum(award_count) filter (where funding_stream is null), 0)::bigint
            as missing_funding_stream_count,
        sum(missing_provider_count)::bigint as missing_provider_count
    from filtered
    group by 1, 2
)

select * from final
order by area, financial_year
