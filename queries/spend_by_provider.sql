-- The top $top_n providers by spend, then one 'All others' row for the rest.
with filtered as (
    select *
    from filtered_awards($filters)
),

by_provider as (
    select
        coalesce(provider, 'Not stated') as provider,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1
),

ranked as (
    select
        *,
        row_number() over (order by amount_gbp desc nulls last, provider) as provider_rank
    from by_provider
),

top_providers as (
    select
        provider,
        amount_gbp,
        award_count,
        missing_amount_count,
        provider_rank,
        1 as provider_count
    from ranked
    where provider_rank <= $top_n
),

all_others as (
    select
        'All others' as provider,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count,
        null::bigint as provider_rank,
        count(provider) as provider_count
    from ranked
    where provider_rank > $top_n
    having count(provider) > 0
),

final as (
    select * from top_providers
    union all
    select * from all_others
)

select * from final
order by provider_rank nulls last
