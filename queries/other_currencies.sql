-- Amounts stated in another currency than GBP, per currency: kept apart, never added to a GBP total.
with filtered as (
    select award_id
    from filtered_awards($filters)
),

final as (
    select
        other.currency,
        sum(other.amount) as amount,
        count(other.award_id)::bigint as award_count  -- one row per award: the join is on award_id
    from filtered
    inner join other_currencies as other on other.award_id = filtered.award_id
    group by other.currency
    order by other.currency
)

select * from final
