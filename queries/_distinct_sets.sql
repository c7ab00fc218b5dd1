-- provider_count and area_count over a rollup that keeps, per cell, the set of providers and of
-- areas among its awards as bitstrings (pccspend/build.py ROLLUP_SETS): the size of their union.
-- The sets are stored as bytes (parquet has no bitstring type): made bitstrings once, on loading.
alter table awards alter provider_set type bit using provider_set::bit;

alter table awards alter area_set type bit using area_set::bit;

create or replace macro provider_count(provider_set) as coalesce(bit_count(bit_or(provider_set)), 0);

create or replace macro area_count(area_set) as coalesce(bit_count(bit_or(area_set)), 0);
