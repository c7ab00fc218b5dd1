-- What each document covers: area, years, all spend or named streams, and why (coverage.csv, or taken from its awards).
with documents as (
    select *
    from coverage_documents
    where
        (len($filters['areas']) = 0 or list_contains($filters['areas'], area))
        and ($filters['from_fy'] is null or cast(left(to_year, 4) as integer) >= $filters['from_fy'])
        and ($filters['to_fy'] is null or cast(left(from_year, 4) as integer) <= $filters['to_fy'])
),

final as (
    select
        source_id,
        title,
        area,
        from_year,
        to_year,
        scope,
        streams,
        note,
        is_recorded
    from documents
)

select * from final
order by area, from_year, source_id
