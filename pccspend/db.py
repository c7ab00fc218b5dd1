"""The DuckDB database over one build's parquet: one per process, a cursor per query."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import polars as pl

from pccspend.build import current_build
from pccspend.filters import ALL, Filters
from pccspend.paths import DataDir, data_dir
from pccspend.queries import load_query, macro_sql, query_params

TABLES = ("awards", "sources", "stated_totals", "stated_total_lines", "population")


class NoBuild(Exception):
    """The data folder has no build yet."""


class Database:
    """Views over one build's parquet files, plus the shared filter macro.

    Views (not tables) keep memory flat however large the award set is; DuckDB reads only the
    row groups and columns a query needs. Each query runs on its own cursor, so threads
    (Streamlit sessions) never share a busy connection.
    """

    def __init__(self, data: DataDir | None = None):
        self.data = data or data_dir()
        if not (self.data.current / "awards.parquet").exists():
            raise NoBuild(f"no build in {self.data.root}: run `python -m pccspend build`")
        self.build_path: Path = self.data.current.resolve()
        self.info = current_build(self.data) or {}
        self._con = duckdb.connect(config={"threads": 2})
        for table in TABLES:
            self._con.read_parquet(str(self.build_path / f"{table}.parquet")).create_view(table)
        self._con.execute(macro_sql())
        self._lock = threading.Lock()

    def is_current(self) -> bool:
        """False once a newer build has replaced the one this database reads."""
        return self.data.current.resolve() == self.build_path

    def query(self, name: str, filters: Filters = ALL, **extra) -> pl.DataFrame:
        """Run `queries/<name>.sql` with the filter's parameters and any extra ones it needs."""
        sql = load_query(name)
        available = {**filters.params(), **extra}
        needed = query_params(name)
        missing = needed - available.keys()
        if missing:
            raise TypeError(f"query {name!r} needs parameter(s): {', '.join(sorted(missing))}")
        params = {k: available[k] for k in needed}
        with self._lock:  # cursor() itself is not thread-safe; the query then runs unlocked
            cur = self._con.cursor()
        try:
            return cur.sql(sql, params=params).pl()
        finally:
            cur.close()

    def close(self) -> None:
        self._con.close()
