-- The values each filter can take (for pickers and for checking CLI values), from all awards.
select filter_name, filter_value
from filter_values
order by filter_name, filter_value
