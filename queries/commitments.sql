-- Multi-year commitments: each year's money, committed versus optional extension.
-- rows: commitments (reads only awards with a commitment_id, so the commitments rollup may answer)
with filtered as (
    select *
    from filtered_awards($filters)
),

final as (
    select
        commitment_id,
        area,
        service,
        coalesce(provider, 'Not stated') as provider,
        financial_year,
        status,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count
    from filtered
    where commitment_id is not null
    group by all
)

select * from final
order by commitment_id, financial_year, status, area, service, provider
