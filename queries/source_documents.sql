-- Every source document, with how many of the filtered awards (and how much money) come from it.
with filtered as (
    select *
    from filtered_awards($filters)
),

sources as (
    select * from sources
),

by_source as (
    select
        source_id,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1
),

final as (
    select
        sources.source_id,
        sources.title,
        sources.publisher,
        sources.published_date,
        sources.kind,
        sources.file_name,
        sources.url,
        sources.reference,
        by_source.amount_gbp,
        coalesce(by_source.award_count, 0) as award_count,
        coalesce(by_source.missing_amount_count, 0) as missing_amount_count
    from sources
    left join by_source on sources.source_id = by_source.source_id
)

select * from final
order by published_date, source_id
