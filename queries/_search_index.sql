-- The search index (pccspend/build.py `search_index`: each distinct service, provider and
-- description once), each value lower-cased by DuckDB as the search text is (_search_matches.sql).
create table main.search_index as
select column_name, value, lower(value) as value_lower
from frame
