"""The stores a build holds and the query layer answers from: one registry, read by both.

A store is the awards themselves, a copy of some or all of them in another order, or a rollup
(awards summed over everything but some dimensions; each row carries the weights of the awards
it stands for). `pccspend/build.py` writes each into the build's DuckDB database as a table and a
schema `store_<name>` whose `awards` view gives every store the same face: the columns the filter
macro reads (a column the store does not hold is an error there), the weights questions sum, and
the macros `filtered_awards`, `provider_count` and `area_count`. `pccspend/db.py` picks, for each
question, the first store holding every column the question and its filters read (see
queries/README.md for the rules a question follows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from pccspend import classify
from pccspend.filters import FILTERS
from pccspend.register import AWARD_COLUMNS


@dataclass(frozen=True)
class Store:
    """`dims`: a rollup's dimensions (None: whole awards, every column). `rows`: the subset of
    awards it holds (a question's `-- rows:` line), None for all. `keep`: the awards it holds.
    `order`: a copy's stored order, so a filter on its first column reads few row groups (a
    rollup is sorted by its dims). `first_for`: the column a store is sorted by for a filter on it;
    a choice only under that filter (in the registry's order, so a copy before the rollups beats
    them). `parquet`: kept as a parquet file beside the database, whose row-group statistics hold
    whole strings, for a store sorted by a column whose values share long beginnings (DuckDB's own
    tables keep the first 8 bytes: "Synthetic provider 00107" and "... 00155" could not be told
    apart, and the store would be read whole). `not_with`: filter columns under which the awards
    themselves read fewer rows than this copy.
    `sets`: columns whose distinct values each rollup cell keeps as a bitset (`<column>_set`), for
    distinct counts across cells."""

    name: str
    dims: tuple[str, ...] | None = None
    rows: str | None = None
    keep: pl.Expr | None = None
    order: tuple[str, ...] = ("area", "fy_start", "award_id")
    first_for: str | None = None
    parquet: bool = False
    not_with: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()

    @property
    def schema(self) -> str:
        return f"store_{self.name}"

    @property
    def is_rollup(self) -> bool:
        return self.dims is not None

    @property
    def is_parquet(self) -> bool:
        """Kept as a parquet file beside the database: the awards (the interchange file) and the
        stores that need whole strings in their statistics. The others are DuckDB's own tables,
        which read a few of many rows 5x faster (the gap list under a year and stream filter at 10M awards: 20 ms a scan
        where the parquet copy took 150)."""
        return self.name == BASE or self.parquet

    def __post_init__(self):
        if self.is_rollup and self.first_for and self.dims[0] != self.first_for:
            raise ValueError(f"store {self.name}: a rollup sorted for {self.first_for} groups by it first")
        if self.parquet and self.sets:
            raise ValueError(f"store {self.name}: kept as parquet, it keeps no sets (parquet has no bitstrings)")


BASE = "awards"
# A rollup by theme or stream also keeps them as stated, for the "as stated only" filter.
STATED = ("stated_theme", "stated_funding_stream")
STORES: tuple[Store, ...] = (
    Store(BASE),
    # rollup_provider_dims' cells sorted by provider: one provider's profile reads its own cells
    # (at 10M awards a few thousand for the largest, of whose awards the copy below holds 1.4M).
    Store("rollup_provider_profile", ("provider", "fy_start", "financial_year", "theme", "funding_stream", *STATED,
                                      "mechanism", "status", "is_public"), first_for="provider", parquet=True),
    # The same awards sorted by provider: a provider filter then reads a few row groups.
    Store("awards_by_provider", order=("provider", "area", "fy_start", "award_id"), first_for="provider",
          parquet=True),
    Store("awards_with_gaps", rows="gaps", keep=pl.any_horizontal(pl.col(c).is_null() for c in (
        "amount_gbp", "theme", "funding_stream", "provider", *STATED))),
    # National by year only, with the set of providers and areas: the headline counts with no filter
    # but years (most visits), from a few dozen cells rather than rollup_kpis' 37,000 at 10M awards.
    Store("rollup_years", ("fy_start", "financial_year", "status", "is_public"), sets=("provider", "area")),
    # National: no area or provider, but the set of each, for the headline counts.
    Store("rollup_kpis", ("fy_start", "financial_year", "theme", "funding_stream", *STATED, "mechanism", "status",
                          "is_public"), sets=("provider", "area")),
    Store("rollup_dims", ("area", "fy_start", "financial_year", "theme", "funding_stream", *STATED, "mechanism",
                          "status", "is_public", "source_id")),
    Store("rollup_services", ("fy_start", "financial_year", "theme", "funding_stream", *STATED, "service", "status",
                              "is_public")),
    # The same with mechanism, for the drill-down under a mechanism filter: a store of its own (3.5x
    # the cells at 10M awards, 1.6M against 450k) so the drill-down without one reads the smaller.
    Store("rollup_service_mechanisms", ("fy_start", "financial_year", "theme", "funding_stream", *STATED, "service",
                                        "mechanism", "status", "is_public")),
    # National, for the provider ranking with no filter but years (at 10M awards 0.6M cells,
    # against rollup_providers' 2.8M).
    Store("rollup_provider_years", ("fy_start", "financial_year", "status", "is_public", "provider")),
    Store("rollup_providers", ("area", "fy_start", "financial_year", "status", "is_public", "provider")),
    # National, for a provider ranking under a theme, stream or mechanism filter; sorted by theme
    # and stream first, so a theme filter skips row groups (DuckDB's own statistics keep 8 bytes of a
    # string, which tell the themes apart): at 10M awards that ranking 75 -> 64 ms median.
    Store("rollup_provider_dims", ("theme", "funding_stream", *STATED, "mechanism", "fy_start", "financial_year",
                                   "status", "is_public", "provider")),
    Store("rollup_commitment_years", ("area", "fy_start", "financial_year", "theme", "funding_stream", *STATED,
                                      "mechanism", "status", "is_public", "is_multi_year"),
          rows="commitments", keep=pl.col("commitment_id").is_not_null()),
    Store("rollup_commitments", ("commitment_id", "area", "service", "provider", "financial_year", "fy_start",
                                 "status", "is_public"),
          rows="commitments", keep=pl.col("commitment_id").is_not_null()),
    # The awards sorted by service: a search found only in services' names (most searches) then
    # reads the row groups of the services it matched, not every award (at 10M, 12x fewer rows
    # for "victim"). After the rollups: one holding every column a question reads is smaller still.
    # Not under an area filter (the awards, sorted by area, read 1/43 of their row groups at 10M).
    # A DuckDB table: services' names mostly differ within their first 8 bytes, and the table reads
    # the matched rows faster than parquet (at 10M awards, "victim": the Years page 51 -> 22 ms).
    Store("awards_by_service", order=("service", "area", "fy_start", "award_id"), first_for="service",
          not_with=("area",)),
)
BY_NAME = {store.name: store for store in STORES}

# What every row of a store carries so that questions count with sum(...): a rollup stores them,
# the awards have one award per row.
WEIGHTS = ("award_count", "missing_amount_count", "missing_provider_count")
# Columns the awards' view derives (a rollup holds them only when it groups by what they come from).
DERIVED = {
    "award_count": "1::bigint",
    "missing_amount_count": "(amount_gbp is null)::bigint",
    "missing_provider_count": "(provider is null)::bigint",
    "provider_set": "provider",
    "area_set": "area",
    "is_multi_year": "commitment_id is not null",
    "award_amount_gbp": "amount_gbp",  # one award's amount (a rollup's amount_gbp is a sum)
}
# The columns the filter macro reads (queries/_filtered_awards.sql): every store's view has them.
FILTER_COLUMNS = frozenset(c for spec in FILTERS for c in spec.column.split())
# The awards table's columns: the register's, and what the build adds (pccspend/build.py typed_awards).
# A column missing here would make every copy of the awards look unable to answer.
AWARD_TABLE_COLUMNS = (*AWARD_COLUMNS, "fy_start", "is_public", *classify.COLUMNS)
# Every column a question may read from filtered_awards(...), over any store.
UNIVERSE = frozenset(AWARD_TABLE_COLUMNS) | DERIVED.keys() | {"amount_gbp"}


def ident(name: str) -> str:
    """A column or table name from this module, quoted for SQL (names only: values are parameters)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a name this registry uses: {name!r}")
    return f'"{name}"'


def columns(store: Store) -> frozenset[str]:
    """The columns a store really holds (its view has the others only as errors)."""
    if not store.is_rollup:
        return UNIVERSE
    held = set(store.dims) | {"amount_gbp", *WEIGHTS}
    for column in ("provider", "area"):
        if column in store.dims or column in store.sets:
            held.add(f"{column}_set")
    return frozenset(held)


def view_sql(store: Store, types: dict[str, str]) -> str:
    """The `awards` view of a store's schema: the same face for every store. `types` are the
    awards' column types (a column a rollup lacks is there as an error of that type)."""
    if not store.is_rollup:
        derived = ", ".join(f"{expr} as {ident(name)}" for name, expr in DERIVED.items())
        return f"create view {ident(store.schema)}.awards as select *, {derived} from main.{ident(store.name)}"
    held = columns(store)
    extra = []
    for column in ("provider", "area"):
        if f"{column}_set" in held and column in store.dims:
            extra.append(f"{ident(column)} as {ident(column + '_set')}")
    for column in sorted(FILTER_COLUMNS - held):
        # Never evaluated unless a filter or question needs it: then it refuses.
        message = f"store {store.name} holds no {column}: pccspend/db.py should not have sent this here"
        extra.append(f"error('{message}')::{types[column]} as {ident(column)}")
    return (f"create view {ident(store.schema)}.awards as select *{', ' if extra else ''}{', '.join(extra)} "
            f"from main.{ident(store.name)}")


_COMMENT = re.compile(r"--[^\n]*")
_WORD = re.compile(r"[a-z_][a-z0-9_]*")


def question_columns(sql: str) -> frozenset[str]:
    """The store columns a question's text names (comments aside): the columns it reads. A name
    used for something else only sends the question to a bigger store, never to a wrong one."""
    return frozenset(_WORD.findall(_COMMENT.sub("", sql).lower())) & UNIVERSE
