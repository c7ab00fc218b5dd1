-- How many distinct providers and areas the rows of filtered_awards stand for. Over the awards
-- (and rollups with a provider or area column) a row's `provider_set` is its provider; a rollup
-- that keeps sets of them instead defines these as set unions (_distinct_sets.sql).
create or replace macro provider_count(provider_set) as count(distinct provider_set);

create or replace macro area_count(area_set) as count(distinct area_set);
