-- The awards of one document or import ($source_id; null: every one) awaiting a publication decision, with where in the document each is; with $include_decided, its decided awards too ($row_limit rows at most; null: all).
-- Not a filtered question: a draft is no public row, so this reads every award of the office's view.
with awards as (
    select
        award_id,
        area,
        financial_year,
        fy_start,
        service,
        provider,
        amount_gbp,
        source_id,
        source_locator,
        publication,
        redacted_fields,
        publication_reason,
        publication_decided_by,
        publication_decided_on
    from awards
    where
        ($source_id is null or source_id = $source_id)
        and (publication = 'draft' or $include_decided)
)

select * exclude (fy_start) from awards
order by (publication <> 'draft'), area, fy_start, award_id
limit $row_limit
