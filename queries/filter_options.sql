-- The values each filter can take (for pickers and for checking CLI values), from all awards.
select 'area' as filter_name, area as filter_value from awards
union
select 'financial_year', financial_year from awards
union
select 'funding_stream', coalesce(funding_stream, 'Not stated') from awards
union
select 'provider', coalesce(provider, 'Not stated') from awards
union
select 'mechanism', mechanism from awards
union
select 'theme', coalesce(theme, 'Not stated') from awards
order by filter_name, filter_value
