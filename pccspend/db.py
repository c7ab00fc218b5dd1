"""The query layer: one build's DuckDB database, opened read-only, a cursor per query.

Every question runs against `filtered_awards($filters)`. A build holds several stores
(pccspend/stores.py): the awards, copies of some of them, and rollups. Each question runs on the
first store that holds every column the question names and every column its filters read (of two
copies sorted for two filters in force, the one leaving fewer awards), and on the awards otherwise:
the same SQL text either way, so the same answer (tests/test_rollups.py).
Which stores a build holds is read when the database opens; which columns a question reads, from
its text, once. Nothing is learnt from an error while answering.
"""

from __future__ import annotations

import functools
import json
import math
import threading
import warnings
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl

from pccspend.buildfiles import DATABASE, PUBLIC, unreadable
from pccspend.duties import sql_duties
from pccspend.filters import ALL, FILTERS, LIST, MAX_TEXT, SEARCHED, TOGGLE, Filters
from pccspend.paths import DataDir, data_dir
from pccspend.queries import is_long, load_query, macro_sql, query_params, query_rows
from pccspend.stores import BASE, BY_NAME, STORES, Store, columns, question_columns

# A short answer is read as one statement's Arrow table (pccspend/queries.py LONG_ANSWERS); DuckDB
# warns that this copies the rows, which for a few rows costs less than binding the question twice.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

# Parameters some questions take beyond the filters, and their values when the caller gives none.
DEFAULT_EXTRAS = {"top_n": 10, "row_limit": None, "duties": sql_duties(), "source_id": None, "include_decided": False,
                  "award_id": None, "kinds": None}
# Answers kept per database (one build, so never stale): the filters are shared by every page, so
# moving between pages asks many of the same questions again.
CACHE_BYTES = 256 * 1024 * 1024
# DuckDB's buffer pool for one process: the database is read from disk, only what pages touch
# is held. Enough for the 10M-award benchmark's working set.
MEMORY_LIMIT = "1500MB"
# What a row of the awards read for their first rows costs, in rows a sorted copy reads for its
# filter: the awards' parquet decodes whole rows of every row group it touches, a copy mostly its
# filter's columns. At 10M awards, the first 1,000 of a big provider's awards found in services
# (70,000 awards): the awards 113 ms, the service-sorted copy 56 ms, though it reads 3.5x the rows.
WHOLE_ROW_COST = 5
# The questions a page asks together run at once (Database.ask), in this pool shared by every
# session: what one question does alone (binding, reading its answer into a frame) overlaps another's
# scan. At 10M awards, 2 cores: the benchmark's page p95 13% lower, the Providers page's median 15%.
QUESTIONS_AT_ONCE = 4
_POOL = ThreadPoolExecutor(max_workers=QUESTIONS_AT_ONCE, thread_name_prefix="pccspend-question")


def _hashable(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return tuple(_hashable(v) for v in value) if isinstance(value, (list, tuple)) else value


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


class NoBuild(Exception):
    """The data folder has no build yet."""


class OldBuild(NoBuild):
    """The data folder's build was made by another version of pccspend: build it again."""


@functools.cache
def _reads(name: str) -> frozenset[str]:
    return question_columns(load_query(name))


class Database:
    """One build's database, read-only: opening it reads its catalogue, nothing more. Each query
    runs on its own cursor, so threads (Streamlit sessions) never share a busy connection."""

    def __init__(self, data: DataDir | None = None, *, public: bool = False, use_rollups: bool = True,
                 cache_bytes: int = CACHE_BYTES):
        self.data = data or data_dir()
        self.public = public
        self.answers = _Answers(cache_bytes)
        # The public's view is a build of its own (pccspend/build.py PUBLIC): held-back rows and
        # withheld fields are not in it, so nothing reading it can show them.
        self._build: Path = self.data.current.resolve()
        self.build_path: Path = self._build / PUBLIC if public else self._build
        if not (self.build_path / DATABASE).exists():
            what = "public view in the build" if public and (self._build / DATABASE).exists() else "build"
            raise NoBuild(f"no {what} in {self.data.root}: run `python -m pccspend build`")
        self.info = json.loads((self.build_path / "build.json").read_text())
        problem = unreadable(self.info)
        if problem:
            raise OldBuild(f"the build in {self.data.root} was made by another version of pccspend ({problem}): "
                           "run `python -m pccspend build`")
        # Stores kept as parquet beside the database (pccspend/stores.py `Store.is_parquet`) are
        # named in its views relative to the build folder.
        self._con = duckdb.connect(str(self.build_path / DATABASE), read_only=True,
                                   config={"threads": 2, "memory_limit": MEMORY_LIMIT,
                                           "file_search_path": str(self.build_path)})
        self._lock = threading.Lock()
        built = {name for (name,) in self._con.execute("select name from main.stores").fetchall()}
        # The stores a question may be sent to, in the registry's order of preference.
        self.stores: list[Store] = [s for s in STORES if s.name in built and (use_rollups or s.name == BASE)]
        self.last_store = BASE
        self._options: dict[str, set[str]] | None = None
        self._public: Database | None = None
        self._top_values: dict[str, list[str]] | None = None

    def options(self) -> dict[str, set[str]]:
        """Every value each list filter can take (pccspend/filters.py `filter_options`), worked
        out once: a build never changes."""
        if self._options is None:
            from pccspend.filters import filter_options

            self._options = filter_options(self)
        return self._options

    def top_values(self) -> dict[str, list[str]]:
        """The values a picker of many offers (pccspend/filters.py `top_values`), worked out once."""
        if self._top_values is None:
            from pccspend.filters import top_values

            self._top_values = top_values(self)
        return self._top_values

    def is_current(self) -> bool:
        """False once a newer build has replaced the one this database reads."""
        return self.data.current.resolve() == self._build

    def public_view(self) -> "Database":
        """The public's view of the same build (itself when it is one), opened once."""
        if self.public:
            return self
        if self._public is None or not self._public.is_current():
            self._public = Database(self.data, public=True)
        return self._public

    def query(self, name: str, filters: Filters = ALL, *, base_only: bool = False, **extra) -> pl.DataFrame:
        """Run `queries/<name>.sql` with the filter state (`$filters`) and any extra parameters
        it needs. Answers are cached; treat the frame returned as read-only."""
        sql = load_query(name)
        available = {**DEFAULT_EXTRAS, "filters": filters.sql(), **extra}
        needed = query_params(name)
        missing = needed - available.keys()
        if missing:
            raise TypeError(f"query {name!r} needs parameter(s): {', '.join(sorted(missing))}")
        if filters.search and "filters" in needed:
            available["filters"] = {**available["filters"], **self.search_matches(filters.search)}
        params = {k: available[k] for k in needed}
        store = self.store_for(name, filters, base_only=base_only, row_limit=params.get("row_limit"))
        key = (name, store.name, _hashable(params))
        cached = self.answers.get(key)
        if cached is not None:
            self.last_store = cached[1]
            return cached[0]
        result = self._run(store, sql, params, stream=is_long(name, params))
        self.last_store = store.name
        self.answers.put(key, result, store.name)
        return result

    def ask(self, questions: dict[str, tuple]) -> dict[str, pl.DataFrame]:
        """Several questions at once, `{key: (name, filters[, extras])}`: each answer by its key,
        as `query` gives it. An error in any is raised here, after every question has ended."""
        futures = {key: _POOL.submit(self.query, q[0], q[1], **(q[2] if len(q) > 2 else {}))
                   for key, q in questions.items()}
        for future in futures.values():  # every question has ended before any error is raised
            future.exception()
        return {key: future.result() for key, future in futures.items()}

    def store_for(self, name: str, filters: Filters, *, base_only: bool = False, row_limit: int | None = None) -> Store:
        """The store that answers question `name` under `filters` (see the module docstring);
        `row_limit`: it is asked for its first rows only, in the awards' order."""
        if base_only or "filtered_awards" not in load_query(name):
            return BY_NAME[BASE]
        needed = _reads(name) | self._filter_columns(filters)
        rows = query_rows(name)
        # A store sorted by a column the filters restrict reads a few row groups; a rollup holding
        # every column needed reads few rows: the first store holding every column needed, in the
        # registry's order, answers; one sorted for a filter only under that filter.
        restricted = self._restricted_columns(filters)
        able = [store for store in self.stores
                if store.name != BASE and store.rows in (None, rows) and needed <= columns(store)
                and (not store.first_for or store.first_for in restricted) and not restricted & set(store.not_with)]
        first = next(iter(able), BY_NAME[BASE])
        copies = [store for store in able if store.first_for and not store.is_rollup]
        if first not in copies:
            return first
        # Copies of the awards sorted for two filters in force (a provider and a search found in
        # services): the one whose filter leaves fewer awards reads fewer rows (each is sorted by
        # area next, so an area filter or first rows in area order narrow both alike).
        held = {store.name: self._awards_holding(store.first_for, filters) for store in copies}
        copy = min(copies, key=lambda store: held[store.name])
        # First rows in area order: the copy reads the m awards its filter leaves; the awards (or a
        # subset of them) in area order read about row_limit x N / m_all before they hold enough,
        # m_all being what every filter leaves (taken as independent), and decode whole rows. Years
        # narrow m_all, not the copy's m: its rows of a service or provider span every year.
        if row_limit is not None:
            everyone = self.info["rows"][BASE]
            left = held[copy.name] * math.prod(held[s.name] / everyone for s in copies if s is not copy)
            left *= self._share_in_years(filters)
            if held[copy.name] > WHOLE_ROW_COST * row_limit * everyone / max(left, 1):
                return next((store for store in able if not store.first_for), BY_NAME[BASE])
        return copy

    def _awards_holding(self, column: str, filters: Filters) -> int:
        """How many awards hold a value `filters` restrict `column` to (the fewer, when a list
        filter and a search found only in that column both do), from the search index's counts."""
        lists = [getattr(filters, spec.fields[0]) for spec in FILTERS
                 if spec.kind == LIST and spec.column == column and not spec.always and filters.is_active(spec)]
        if filters.search and self._filter_columns(filters) & set(SEARCHED) == {column}:
            lists.append(self.search_matches(filters.search)[f"search_{column}s"])
        return min(self._catalogue("_awards_holding.sql", {"column": column, "values": list(values)})["award_count"][0]
                   for values in lists)

    def _share_in_years(self, filters: Filters) -> float:
        """The share of the awards `filters` count (their toggles: extensions, unpublished) in their
        years, from spend by year under no other filter (a rollup's few cells, cached: one answer
        per toggle state)."""
        if not filters.from_year and not filters.to_year:
            return 1.0
        every = filters.replace(**{f: spec.default() for spec in FILTERS for f in spec.fields if spec.kind != TOGGLE})
        by_year = self.query("spend_by_year", every)
        first, last = filters.from_year or "", filters.to_year or "9999"
        total = by_year["award_count"].sum()
        years = by_year.filter(pl.col("financial_year").is_between(pl.lit(first), pl.lit(last)))["award_count"].sum()
        return years / total if total else 1.0

    def _catalogue(self, file: str, params: dict) -> pl.DataFrame:
        """A question about the build itself (queries/_*.sql, on the main schema), cached."""
        key = (file, _hashable(params))
        cached = self.answers.get(key)
        if cached is not None:
            return cached[0]
        found = self._run(BY_NAME[BASE], macro_sql(file), params)
        self.answers.put(key, found, BASE)
        return found

    def search_matches(self, text: str) -> dict[str, list[str]]:
        """The services, providers and descriptions whose text holds `text` (case aside), from the
        search index: `search_services`, `search_providers`, `search_descriptions` of `$filters`."""
        matched = dict(self._catalogue("_search_matches.sql", {"search": text[:MAX_TEXT]}).iter_rows())
        return {f"search_{column}s": matched.get(column) or [] for column in SEARCHED}

    def _filter_columns(self, filters: Filters) -> set[str]:
        """The columns a filter state reads; a search reads only the columns it matched in."""
        used = filters.columns()
        if filters.search:
            matches = self.search_matches(filters.search)
            used -= {c for c in SEARCHED if not matches[f"search_{c}s"]}
        return used

    def _restricted_columns(self, filters: Filters) -> set[str]:
        """Columns every matching award must have one of a few values in (a provider filter, or a
        search found only in providers' or only in services' names), as opposed to a test of
        several columns."""
        out = {spec.column for spec in FILTERS if spec.kind == LIST and not spec.always and filters.is_active(spec)}
        if filters.search:
            searched = self._filter_columns(filters) & set(SEARCHED)
            if len(searched) == 1:
                out |= searched
        return out

    def _run(self, store: Store, sql: str, params: dict, *, stream: bool = False) -> pl.DataFrame:
        """One question on one store: `stream`, through the relation API (a long answer, one copy
        of its rows); else as one statement (a short answer, bound once: see queries.LONG_ANSWERS)."""
        with self._lock:  # cursor() itself is not thread-safe; the query then runs unlocked
            cur = self._con.cursor()
        try:
            cur.execute("set search_path = $path", {"path": f"{store.schema},main"})
            if stream:
                return cur.sql(sql, params=params).pl()
            return pl.from_arrow(cur.execute(sql, params).to_arrow_table())
        finally:
            cur.close()

    def close(self) -> None:
        self._con.close()
