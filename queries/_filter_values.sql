-- Every value of the columns $columns (the list filters' columns and financial_year), a missing one
-- as 'Not stated': made once by the build into the table filter_values, which
-- queries/filter_options.sql reads, so a picker never scans the awards.
create table main.filter_values as
with picked as (
    select coalesce(columns(lambda c: list_contains($columns, c))::varchar, 'Not stated')
    from main.awards
)

select distinct filter_name, filter_value
from (unpivot picked on columns(*) into name filter_name value filter_value)
order by filter_name, filter_value
