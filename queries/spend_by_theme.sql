-- Spend and award counts by theme (a missing theme shows as 'Not stated').
with filtered as (
    select *
    from filtered_awards($filters)
),

final as (
    select
        coalesce(theme, 'Not stated') as theme,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1
)

select * from final
order by amount_gbp desc nulls last, theme
