"""The DuckDB databases over one build's parquet: one set per process, a cursor per query.

Every question runs against `filtered_awards(...)`, whose rows carry weights (award_count,
missing_amount_count, ...). Besides the awards themselves, a build holds pre-aggregated rollups
(pccspend/build.py ROLLUPS) and copies of some awards (SUBSETS, e.g. only those with a gap). The
query layer answers from the first store (subsets, then rollups, smallest first) that holds every
column the question uses and every column the filters touch, and from the awards otherwise:
the same SQL text either way, so the answer is the same (tests/test_rollups.py proves it).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pccspend.build import ROLLUP_ROWS, ROLLUP_SETS, ROLLUPS, SUBSETS, current_build
from pccspend.filters import ALL, Filters
from pccspend.paths import DataDir, data_dir
from pccspend.queries import load_query, macro_sql, query_params, query_rows

TABLES = ("awards", "sources", "stated_totals", "stated_total_lines", "population")
SMALL_TABLES = ("sources", "stated_totals", "stated_total_lines", "population")
BASE = "awards"
BY_PROVIDER = "awards_by_provider"
# Parameters some questions take beyond the filters, and their values when the caller gives none.
DEFAULT_EXTRAS = {"top_n": 10, "row_limit": None}
# Answers kept per database (one build, so never stale): the filters are shared by every page, so
# moving between pages asks many of the same questions again.
CACHE_BYTES = 256 * 1024 * 1024


def _hashable(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


class _Answers:
    """A byte-bounded LRU of query answers, safe across threads (Streamlit sessions)."""

    def __init__(self, limit: int = CACHE_BYTES):
        self.limit = limit
        self.size = 0
        self.hits = self.misses = 0
        self._items: OrderedDict[tuple, tuple[pl.DataFrame, str, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[pl.DataFrame, str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0], item[1]

    def put(self, key: tuple, frame: pl.DataFrame, store: str) -> None:
        size = int(frame.estimated_size()) + 256
        if size > self.limit:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[2]
            self._items[key] = (frame, store, size)
            self.size += size
            while self.size > self.limit:
                _, (_, _, dropped) = self._items.popitem(last=False)
                self.size -= dropped


_TAG = re.compile(r"--@(!?)(\w+)\s*$")


def rollup_macro(columns: frozenset[str]) -> str:
    """queries/_filtered_rollup.sql for a rollup holding `columns`: the lines tagged `--@column`
    it holds, and those tagged `--@!column` it lacks (they make its refusal)."""
    kept = []
    for line in macro_sql("_filtered_rollup.sql").splitlines():
        tag = _TAG.search(line)
        if tag is None or (tag.group(2) in columns) != bool(tag.group(1)):
            kept.append(line)
    return "\n".join(kept)


class NoBuild(Exception):
    """The data folder has no build yet."""


def filter_columns(filters: Filters) -> set[str]:
    """The award columns a filter state reads (status and publication are always read)."""
    used = {"status", "is_public"}
    for column, active in (
        ("area", filters.areas),
        ("fy_start", filters.from_year or filters.to_year),
        ("theme", filters.themes),
        ("funding_stream", filters.funding_streams),
        ("provider", filters.providers),
        ("mechanism", filters.mechanisms),
        ("amount_gbp", filters.min_amount is not None or filters.max_amount is not None),
        ("text", filters.search),
    ):
        if active:
            used.add(column)
    return used


@dataclass
class _Store:
    """One DuckDB database: `awards` is either the awards or a rollup of them."""

    name: str
    columns: frozenset[str] | None  # the columns a filter may touch; None: every award column
    con: duckdb.DuckDBPyConnection
    rows: str | None = None  # holds a subset of the awards (SUBSETS, ROLLUP_ROWS), or all
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, sql: str, params: dict) -> pl.DataFrame:
        with self.lock:  # cursor() itself is not thread-safe; the query then runs unlocked
            cur = self.con.cursor()
        try:
            return cur.sql(sql, params=params).pl()
        finally:
            cur.close()


class Database:
    """Views over one build's awards (flat memory however large), rollups held in memory.

    Each query runs on its own cursor, so threads (Streamlit sessions) never share a busy
    connection.
    """

    def __init__(self, data: DataDir | None = None, *, use_rollups: bool = True, cache_bytes: int = CACHE_BYTES):
        self.data = data or data_dir()
        self.answers = _Answers(cache_bytes)
        if not (self.data.current / "awards.parquet").exists():
            raise NoBuild(f"no build in {self.data.root}: run `python -m pccspend build`")
        self.build_path: Path = self.data.current.resolve()
        self.info = current_build(self.data) or {}
        self._base = self._open(BASE, view=True)
        self._by_provider = (
            self._open(BY_PROVIDER, view=True) if (self.build_path / f"{BY_PROVIDER}.parquet").exists() else None
        )
        self._rollups = []
        if use_rollups:
            for name, (rows, _) in SUBSETS.items():
                if (self.build_path / f"{name}.parquet").exists():
                    store = self._open(name, view=True, columns=None)
                    store.rows = rows
                    self._rollups.append(store)
            for name, dims in ROLLUPS.items():
                if (self.build_path / f"{name}.parquet").exists():
                    store = self._open(name, view=False, columns=frozenset(dims))
                    store.rows = ROLLUP_ROWS.get(name, (None,))[0]
                    self._rollups.append(store)
        self._unbindable: set[tuple[str, str]] = set()
        self.last_store = BASE

    def _open(self, table: str, *, view: bool, columns: frozenset[str] | None = frozenset()) -> _Store:
        con = duckdb.connect(config={"threads": 2})
        path = str(self.build_path / f"{table}.parquet")
        if view:
            con.read_parquet(path).create_view("awards")
        else:  # a rollup is small: hold it in memory
            con.execute("create table awards as select * from read_parquet($path)", {"path": path})
        for small in SMALL_TABLES:
            con.read_parquet(str(self.build_path / f"{small}.parquet")).create_view(small)
        con.execute(macro_sql("_distinct_counts.sql"))
        if table in ROLLUP_SETS:
            con.execute(macro_sql("_distinct_sets.sql"))
        # Awards (all of them, or a copy of some) have every column; a rollup only its own.
        con.execute(macro_sql("_filtered_awards.sql") if view else rollup_macro(columns))
        return _Store(table, columns, con)

    def is_current(self) -> bool:
        """False once a newer build has replaced the one this database reads."""
        return self.data.current.resolve() == self.build_path

    def query(self, name: str, filters: Filters = ALL, *, base_only: bool = False, **extra) -> pl.DataFrame:
        """Run `queries/<name>.sql` with the filter's parameters and any extra ones it needs.
        Answers are cached; treat the frame returned as read-only."""
        sql = load_query(name)
        available = {**DEFAULT_EXTRAS, **filters.params(), **extra}
        needed = query_params(name)
        missing = needed - available.keys()
        if missing:
            raise TypeError(f"query {name!r} needs parameter(s): {', '.join(sorted(missing))}")
        params = {k: available[k] for k in needed}
        key = (name, base_only, tuple(sorted((k, _hashable(v)) for k, v in params.items())))
        cached = self.answers.get(key)
        if cached is not None:
            self.last_store = cached[1]
            return cached[0]
        result = self._answer(name, sql, params, filters, base_only)
        self.answers.put(key, result, self.last_store)
        return result

    def _answer(self, name: str, sql: str, params: dict, filters: Filters, base_only: bool) -> pl.DataFrame:
        """Run on the smallest store that can answer (see the module docstring)."""
        if filters.providers and self._by_provider is not None and not base_only:
            # A provider filter picks a few providers: their awards sit together in the
            # provider-sorted copy, which beats any rollup.
            self.last_store = BY_PROVIDER
            return self._by_provider.run(sql, params)
        if not base_only:
            touched = filter_columns(filters)
            rows = query_rows(name)
            for store in self._rollups:
                if store.rows not in (None, rows):
                    continue
                covers = store.columns is None or touched <= store.columns
                if covers and (name, store.name) not in self._unbindable:
                    try:
                        result = store.run(sql, params)
                    except duckdb.BinderException:
                        # The question uses a column this rollup does not hold: remember, move on.
                        self._unbindable.add((name, store.name))
                        continue
                    self.last_store = store.name
                    return result
        self.last_store = BASE
        return self._base.run(sql, params)

    def close(self) -> None:
        for store in (self._base, *self._rollups, *([self._by_provider] if self._by_provider else [])):
            store.con.close()
