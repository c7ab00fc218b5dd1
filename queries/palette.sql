-- The colour of each theme, funding stream, area and status this view shows (pccspend/palette.py).
select dimension, value, colour
from palette
order by dimension, value
