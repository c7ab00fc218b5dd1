-- Spend and award counts by funding stream (a missing funding stream shows as 'Not stated').
with filtered as (
    select *
    from filtered_awards($filters)
),

final as (
    select
        coalesce(funding_stream, 'Not stated') as funding_stream,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1
)

select * from final
order by amount_gbp desc nulls last, funding_stream
