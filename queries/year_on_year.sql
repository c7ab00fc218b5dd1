-- Spend by financial year with the change from the year before (null when that year has no awards).
with filtered as (
    select *
    from filtered_awards($filters)
),

by_year as (
    select
        fy_start,
        financial_year,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1, 2
),

with_previous as (
    select
        by_year.*,
        previous.amount_gbp as previous_amount_gbp
    from by_year
    left join by_year as previous on by_year.fy_start = previous.fy_start + 1
),

final as (
    select
        financial_year,
        amount_gbp,
        award_count,
        missing_amount_count,
        previous_amount_gbp,
        amount_gbp - previous_amount_gbp as change_gbp,
        round(
            (amount_gbp - previous_amount_gbp) / nullif(previous_amount_gbp, 0), 4
        )::double as change_share,
        fy_start
    from with_previous
)

select * exclude (fy_start) from final
order by fy_start
