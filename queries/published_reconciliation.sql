-- Published stated totals beside the sum of the published lines they cover (for public output).
-- Unlike `reconciliation`, unpublished award lines are never summed or counted, so a gap they
-- leave shows as a gap: nothing about them can be worked out from the public figures.
with totals as (
    select *
    from stated_totals
    where
        is_public
        and (len($areas) = 0 or area = any($areas))
        and ($from_fy is null or to_fy_start >= $from_fy)
        and ($to_fy is null or from_fy_start <= $to_fy)
),

published_awards as (
    select *
    from awards
    where is_public
),

lines as (
    select
        stated_total_lines.total_id,
        sum(published_awards.amount_gbp) as line_sum_gbp,
        count(*) as line_count,
        count(*) filter (where published_awards.amount_gbp is null) as missing_amount_count
    from stated_total_lines
    inner join published_awards on stated_total_lines.award_id = published_awards.award_id
    group by 1
),

sources as (
    select * from sources
),

final as (
    select
        totals.total_id,
        totals.area,
        totals.from_year,
        totals.to_year,
        totals.funding_stream,
        totals.status,
        totals.total_kind,
        totals.description,
        totals.stated_total_gbp,
        lines.line_sum_gbp,
        totals.stated_total_gbp - lines.line_sum_gbp as difference_gbp,
        coalesce(lines.line_count, 0) as line_count,
        coalesce(lines.missing_amount_count, 0) as missing_amount_count,
        totals.amount_note,
        totals.source_id,
        sources.title as source_title,
        sources.url as source_url,
        totals.source_locator
    from totals
    left join lines on totals.total_id = lines.total_id
    left join sources on totals.source_id = sources.source_id
)

select * from final
order by area, from_year, total_id
