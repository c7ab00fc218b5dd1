-- Each total a document states beside the sum of the lines it covers, and the difference.
-- Scoped by area, years and publication only: a reconciliation is of the document's own lines.
-- Unless the filters include unpublished rows, unpublished lines are neither summed nor counted, so a gap they
-- leave shows as a gap: nothing about them can be worked out from public figures.
with totals as (
    select * from totals_in_scope($filters)
),

-- Each line carries its award's amount and publication (pccspend/build.py total_lines).
lines as (
    select
        total_id,
        sum(amount_gbp) as line_sum_gbp,
        count(*) as line_count,
        count(*) filter (where amount_gbp is null) as missing_amount_count
    from stated_total_lines
    where $filters['include_unpublished'] or is_public
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
        sources.file_name as source_file,
        sources.url as source_url,
        totals.source_locator,
        totals.is_public
    from totals
    left join lines on totals.total_id = lines.total_id
    left join sources on totals.source_id = sources.source_id
)

select * from final
order by area, from_year, total_id
