-- Spend by financial year, split by funding stream so the bars can stack.
with filtered as (
    select *
    from filtered_awards($filters)
),

final as (
    select
        financial_year,
        coalesce(funding_stream, 'Not stated') as funding_stream,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1, 2
)

select * from final
order by financial_year, funding_stream
