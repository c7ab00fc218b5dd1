-- Multi-year commitments added up by financial year: committed versus optional extension.
-- rows: commitments (reads only awards with a commitment_id, so the commitments rollups may answer)
with filtered as (
    select *
    from filtered_awards($filters)
),

final as (
    select
        financial_year,
        status,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    where is_multi_year
    group by all
)

select * from final
order by financial_year, status
