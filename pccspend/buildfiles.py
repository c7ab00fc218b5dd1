"""A build's files: parquet for the interchange tables and the copies of the awards, and one DuckDB
file holding every table and store, each store with its schema (view and macros). Written one table
at a time (pccspend/build.py makes them)."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import polars as pl

from pccspend.filters import FILTERS, LIST
from pccspend.paths import QUERIES_DIR
from pccspend.queries import macro_sql
from pccspend.stores import BASE, STORES, Store, ident, view_sql

Progress = Callable[[str], None]


# Parquet is the interchange format (other tools, exports); the query layer reads DATABASE.
PARQUET_TABLES = ("awards", "sources", "stated_totals", "stated_total_lines", "population", "coverage",
                  "coverage_documents")
DATABASE = "pccspend.duckdb"
PUBLIC = "public"  # the folder of a build holding the public's view
# The awards and the stores that need whole strings in their row-group statistics live as parquet
# beside the database, which holds a view of each (pccspend/stores.py `Store.is_parquet`).
PARQUET_STORES = tuple(store.name for store in STORES if store.is_parquet)
# Bumped whenever what a build writes changes shape: an older build is stale (`build --if-stale`
# rebuilds it) and unreadable (the query layer refuses it with a message, not a database error).
BUILD_FORMAT = 18  # 18: counts in search_index, amounts on stated_total_lines, awards_by_service a table; 17: rollup_provider_dims sorted by theme first; 16: provider rollups, the gap copy a table; 15: rollup_years; 14: colours, totals_in_scope


def query_layer_hash() -> str:
    """sha256 of the macros a build stores with each store (queries/_*.sql): a build made with
    other macros is stale."""
    h = hashlib.sha256()
    for path in sorted(QUERIES_DIR.glob("_*.sql")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def unreadable(info: dict) -> str | None:
    """Why this code cannot read a build (its build.json), or None: the questions read columns
    and macros an older build lacks, and would fail with a database error."""
    if info.get("build_format") != BUILD_FORMAT:
        return f"it is in build format {info.get('build_format', 'unknown')}; this version reads {BUILD_FORMAT}"
    if info.get("query_layer_sha256") != query_layer_hash():
        return "it holds an older version of the query macros (queries/_*.sql)"
    return None


ROW_GROUP = 122_880


@dataclass(frozen=True)
class SortedCopy:
    """A store that is the awards in another order: DuckDB sorts the awards' parquet file into it
    within its memory limit, where a sort in Polars would hold a second copy of the awards."""
    order: tuple[str, ...]
    height: int


Table = tuple[str, "pl.DataFrame | SortedCopy", Store | None]


def _write_parquet(folder: Path, name: str, frame: pl.DataFrame, progress: Progress) -> None:
    progress(f"writing {name}.parquet ({frame.height:,} rows)")
    frame.write_parquet(folder / f"{name}.parquet", statistics=True, row_group_size=ROW_GROUP)


def _write_sorted_copy(con: duckdb.DuckDBPyConnection, place: Path, name: str, copy: SortedCopy,
                       progress: Progress) -> None:
    """The copy as a parquet file beside the database, or a table in it (Store.is_parquet)."""
    where = f"{name}.parquet" if name in PARQUET_STORES else f"{name} in {DATABASE}"
    progress(f"writing {where} ({copy.height:,} rows, sorted by {', '.join(copy.order)})")
    # The relation API: column names as expressions, no SQL text.
    order = [duckdb.ColumnExpression(c).asc().nulls_last() for c in copy.order]
    rows = con.read_parquet(str(place / f"{BASE}.parquet")).sort(*order)
    if name in PARQUET_STORES:
        rows.write_parquet(str(place / f"{name}.parquet"), compression="zstd", row_group_size=ROW_GROUP)
    else:  # a table keeps the order it was written in
        rows.create(ident(name))


def write_view(place: Path, tables: Iterable[Table], progress: Progress) -> dict[str, int]:
    """Every table and store of one view: parquet for the interchange tables and the copies of the
    awards, one DuckDB file with every store's schema (view and macros). Each table is written and
    let go before the next is made. Returns each table's row count."""
    # Our own progress lines say how it goes; the tables stream into the file rather than pile up
    # in DuckDB's buffers (the frames are already in memory).
    path = place / DATABASE
    rows: dict[str, int] = {}
    stores: list[Store] = []
    spill = tempfile.TemporaryDirectory(prefix="pccspend-build-")  # a sort larger than the limit spills here
    con = duckdb.connect(str(path), config={"memory_limit": "2GB", "file_search_path": str(place),
                                            "temp_directory": spill.name})
    try:
        con.execute("set enable_progress_bar = false")
        for name, frame, store in tables:
            rows[name] = frame.height
            if store is not None:
                stores.append(store)
            if isinstance(frame, SortedCopy):
                _write_sorted_copy(con, place, name, frame, progress)
            elif name in PARQUET_TABLES or name in PARQUET_STORES:
                _write_parquet(place, name, frame, progress)
            if name in PARQUET_STORES:  # a file name of this folder (the database's file_search_path)
                con.execute(f"create view {ident(name)} as select * from read_parquet('{name}.parquet')")
                continue
            if isinstance(frame, SortedCopy):  # written above
                continue
            progress(f"writing {name} into {DATABASE} ({frame.height:,} rows)")
            bits = ", ".join(f"{ident(c + '_set')}::bit as {ident(c + '_set')}" for c in (store.sets if store else ()))
            con.register("frame", frame)
            if name == "search_index":
                con.execute(macro_sql("_search_index.sql"))
            else:  # names from the registry only, quoted; no value reaches this text
                con.execute(f"create table {ident(name)} as select * {f'replace ({bits})' if bits else ''} from frame")
            con.unregister("frame")
        _write_schemas(con, stores)
        con.execute("checkpoint")
    finally:
        con.close()
        spill.cleanup()
    return rows


def _write_schemas(con: duckdb.DuckDBPyConnection, stores: list[Store]) -> None:
    """Each store's schema: its view over the table, and the macros the questions call. One
    transaction: a commit a statement wrote and synced the log ~100 times (0.2-1.7 s of a small build)."""
    con.begin()
    types: dict[str, str] = {}
    for store in sorted(stores, key=lambda s: s.name != BASE):  # the awards first: their types are the fillers'
        con.execute(f"create schema {ident(store.schema)}")
        con.execute(view_sql(store, types))
        if store.name == BASE:
            types = dict(con.execute("select column_name, data_type from duckdb_columns() "
                                     "where schema_name = $schema and table_name = 'awards'",
                                     {"schema": store.schema}).fetchall())
        # The macros are made inside the store's schema, over its view.
        con.execute("set schema = $schema", {"schema": store.schema})
        con.execute("set search_path = $path", {"path": f"{store.schema},main"})
        con.execute(macro_sql("_distinct_sets.sql" if store.sets else "_distinct_counts.sql"))
        con.execute(macro_sql("_filtered_awards.sql"))
        if store.name == BASE:  # questions that read whole awards (the duties) run on the awards
            con.execute(macro_sql("_duty_checks.sql"))
        con.execute("set schema = 'main'")
        con.execute("set search_path = 'main'")
    con.execute("create table main.stores as select unnest($names) as name", {"names": [s.name for s in stores]})
    columns = [spec.column for spec in FILTERS if spec.kind == LIST] + ["financial_year"]
    con.execute(macro_sql("_filter_values.sql"), {"columns": columns})
    con.execute(macro_sql("_totals_in_scope.sql"))
    con.commit()
