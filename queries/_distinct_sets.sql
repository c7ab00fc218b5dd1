-- provider_count and area_count over a rollup that keeps, per cell, the set of providers and of
-- areas among its awards as bitstrings (pccspend/stores.py `sets`): the size of their union.
create or replace macro provider_count(provider_set) as coalesce(bit_count(bit_or(provider_set)), 0);

create or replace macro area_count(area_set) as coalesce(bit_count(bit_or(area_set)), 0);
