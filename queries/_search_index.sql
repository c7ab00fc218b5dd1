-- The search index (pccspend/build.py `search_index`: each distinct service, provider and
-- description once, with how many awards hold it), each value lower-cased by DuckDB as the search
-- text is (_search_matches.sql). The counts guide the router (_awards_holding.sql).
create table main.search_index as
select column_name, value, lower(value) as value_lower, award_count
from frame
