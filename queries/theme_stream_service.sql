-- The drill-down hierarchy: theme, then funding stream, then service.
with filtered as (
    select *
    from filtered_awards($filters)
),

final as (
    select
        coalesce(theme, 'Not stated') as theme,
        coalesce(funding_stream, 'Not stated') as funding_stream,
        service,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1, 2, 3
)

select * from final
order by theme, funding_stream, amount_gbp desc nulls last, service
