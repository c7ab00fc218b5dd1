-- Spend and share of spend by mechanism (e.g. how much was single tender).
with filtered as (
    select *
    from filtered_awards($filters)
),

by_mechanism as (
    select
        mechanism,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1
),

final as (
    select
        *,
        round(amount_gbp / nullif(sum(amount_gbp) over (), 0), 4)::double as share_of_spend
    from by_mechanism
)

select * from final
order by amount_gbp desc nulls last, mechanism
