-- The index behind a text search: which services, providers and descriptions hold $search
-- (case aside), from the distinct values of each (table search_index, made by the build), so a
-- search never scans every award. pccspend/db.py puts the lists into the filter struct.
select
    column_name,
    list(value order by value) as matched
from search_index
where contains(value_lower, lower($search))
group by column_name
order by column_name
