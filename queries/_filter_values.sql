-- Every value of the columns $columns (the list filters' columns and financial_year), a missing one
-- as 'Not stated', with its rank by spend within its column (1 = the most money, ties by name):
-- made once by the build into the table filter_values, which queries/filter_options.sql reads, so
-- a picker never scans the awards, and a picker of many values (providers) offers the largest.
-- Every award's amount counts (any status, published or not): the rank only orders a picker.
create table main.filter_values as
with picked as (
    select
        amount_gbp as spend,
        coalesce(columns(lambda c: list_contains($columns, c))::varchar, 'Not stated')
    from main.awards
)

select
    filter_name,
    filter_value,
    row_number() over (
        partition by filter_name order by sum(spend) desc nulls last, filter_value
    ) as spend_rank
from (unpivot picked on columns(* exclude (spend)) into name filter_name value filter_value)
group by filter_name, filter_value
order by filter_name, filter_value
