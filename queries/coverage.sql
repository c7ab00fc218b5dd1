-- How covered each area and financial year is (full, partial with its streams, or no documents), naming the documents.
-- Scoped by area and years only: coverage is of documents, whatever the other filters; the years
-- run from the first to the last any area in scope has a document for.
with cells as (
    select *
    from coverage
    where
        (len($filters['areas']) = 0 or list_contains($filters['areas'], area))
        and ($filters['from_fy'] is null or fy_start >= $filters['from_fy'])
        and ($filters['to_fy'] is null or fy_start <= $filters['to_fy'])
),

span as (
    select
        min(fy_start) as first_fy,
        max(fy_start) as last_fy
    from cells
    where coverage <> 'none'
),

final as (
    select
        cells.area,
        cells.financial_year,
        cells.coverage,
        cells.streams,
        cells.source_ids,
        cells.documents,
        cells.fy_start
    from cells
    cross join span
    where cells.fy_start between span.first_fy and span.last_fy
)

select * exclude (fy_start) from final
order by area, fy_start
