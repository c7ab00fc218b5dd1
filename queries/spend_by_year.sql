-- Spend by financial year, split by theme so the bars can stack.
with filtered as (
    select *
    from filtered_awards(
        $areas, $from_fy, $to_fy, $themes, $funding_streams, $providers, $mechanisms,
        $statuses, $min_amount, $max_amount, $search, $include_unpublished
    )
),

final as (
    select
        financial_year,
        coalesce(theme, 'Not stated') as theme,
        sum(amount_gbp) as amount_gbp,
        count(*) as award_count,
        count(*) filter (where amount_gbp is null) as missing_amount_count
    from filtered
    group by 1, 2
)

select * from final
order by financial_year, theme
