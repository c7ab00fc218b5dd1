-- What awaits a publication decision: the drafts of each document or import (how many, their money, their years); with $include_decided, every document, its decided awards counted too.
-- Not a filtered question: a draft is no public row, so this reads every award of the office's view.
with awards as (
    select
        source_id,
        area,
        financial_year,
        fy_start,
        amount_gbp,
        award_count,
        missing_amount_count,
        publication = 'draft' as is_draft
    from awards
),

sources as (
    select * from sources
),

by_source as (
    select
        source_id,
        string_agg(distinct area, '; ' order by area) as areas,
        coalesce(sum(award_count) filter (where is_draft), 0)::bigint as award_count,
        sum(amount_gbp) filter (where is_draft) as amount_gbp,
        coalesce(sum(missing_amount_count) filter (where is_draft), 0)::bigint as missing_amount_count,
        arg_min(financial_year, fy_start) filter (where is_draft) as first_financial_year,
        arg_max(financial_year, fy_start) filter (where is_draft) as last_financial_year,
        coalesce(sum(award_count) filter (where not is_draft), 0)::bigint as decided_count
    from awards
    group by 1
),

final as (
    select
        by_source.source_id,
        sources.title,
        sources.kind,
        sources.published_date,
        by_source.areas,
        by_source.award_count,
        by_source.amount_gbp,
        by_source.missing_amount_count,
        by_source.first_financial_year,
        by_source.last_financial_year,
        by_source.decided_count
    from by_source
    left join sources on by_source.source_id = sources.source_id
    where by_source.award_count > 0 or $include_decided
)

select * from final
order by published_date desc nulls last, source_id
