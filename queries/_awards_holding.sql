-- How many awards hold one of $values in $column (service or provider), from the search index's
-- counts: the router's estimate of the rows a copy sorted by that column reads (pccspend/db.py).
select coalesce(sum(award_count), 0)::bigint as award_count
from search_index
where column_name = $column and list_contains($values, value)
