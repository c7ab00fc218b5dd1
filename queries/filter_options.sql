-- The values each filter can take (for pickers and for checking CLI values), from all awards, each with its rank by spend.
select filter_name, filter_value, spend_rank
from filter_values
order by filter_name, filter_value
