-- The stated totals a filter state reaches: by area, by years (a total spanning the range counts),
-- and published ones only unless unpublished rows are asked for. A total is a document's own
-- statement, so no other filter narrows it. Made once by the build as a macro, read by
-- reconciliation.sql and reconciliation_awards.sql.
create or replace macro main.totals_in_scope(f) as table
    select *
    from main.stated_totals
    where
        (len(f['areas']) = 0 or area = any(f['areas']))
        and (f['from_fy'] is null or to_fy_start >= f['from_fy'])
        and (f['to_fy'] is null or from_fy_start <= f['to_fy'])
        and (f['include_unpublished'] or is_public)
