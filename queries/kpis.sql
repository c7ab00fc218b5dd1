-- Headline figures: total spend, awards, providers and awards with no amount.
with filtered as (
    select *
    from filtered_awards($filters)
),

final as (
    select
        sum(amount_gbp) as amount_gbp,
        coalesce(sum(award_count), 0)::bigint as award_count,
        provider_count(provider_set) as provider_count,
        coalesce(sum(missing_amount_count), 0)::bigint as missing_amount_count,
        area_count(area_set) as area_count,
        min(financial_year) as first_financial_year,
        max(financial_year) as last_financial_year
    from filtered
)

select * from final
