-- The totals a document states that cover award $award_id, each beside the sum of the lines it covers (as queries/reconciliation.sql sums them).
-- Not a filtered question; unpublished totals and lines only where the filters include them.
with covering as (
    select total_id from stated_total_lines
    where award_id = $award_id
),

totals as (
    select stated_totals.*
    from stated_totals
    inner join covering on stated_totals.total_id = covering.total_id
    where stated_totals.is_public or $filters['include_unpublished']
),

-- Each line carries its award's amount and publication (pccspend/build.py total_lines).
lines as (
    select
        lines.total_id,
        sum(lines.amount_gbp) as line_sum_gbp,
        count(*) as line_count,
        count(*) filter (where lines.amount_gbp is null) as missing_amount_count
    from stated_total_lines as lines
    inner join covering on lines.total_id = covering.total_id
    where lines.is_public or $filters['include_unpublished']
    group by 1
),

sources as (
    select * from sources
),

final as (
    select
        totals.total_id,
        totals.description,
        totals.total_kind,
        totals.stated_total_gbp,
        lines.line_sum_gbp,
        totals.stated_total_gbp - lines.line_sum_gbp as difference_gbp,
        coalesce(lines.line_count, 0) as line_count,
        coalesce(lines.missing_amount_count, 0) as missing_amount_count,
        totals.amount_note,
        totals.source_id,
        sources.title as source_title,
        totals.source_locator,
        totals.from_fy_start
    from totals
    left join lines on totals.total_id = lines.total_id
    left join sources on totals.source_id = sources.source_id
)

select * exclude (from_fy_start) from final
order by from_fy_start, total_id
