"""The questions in `queries/`: one per `.sql` file, named after the file."""

from __future__ import annotations

import functools
import re

from pccspend.paths import QUERIES_DIR

MACRO_FILE = "_filtered_awards.sql"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


class UnknownQuery(KeyError):
    """No `queries/<name>.sql` file."""

    def __str__(self) -> str:
        return f"unknown query {self.args[0]!r}; `python -m pccspend query --list` shows them"


def query_names() -> list[str]:
    """Every question, by name (files starting with `_` are shared definitions, not questions)."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if not p.name.startswith("_"))


@functools.cache
def load_query(name: str) -> str:
    if name not in query_names():
        raise UnknownQuery(name)
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


@functools.cache
def query_params(name: str) -> frozenset[str]:
    """The `$name` parameters a query binds (comments ignored)."""
    return frozenset(_PARAM.findall(_COMMENT.sub("", load_query(name))))


# Questions whose answer may hold a row per award (or per value of a column) when asked for every
# row (no `$row_limit`): pccspend/db.py reads them through DuckDB's relation API, which streams into
# the frame (one copy of the rows). Every other answer is a few rows and runs as one statement: the
# relation API binds a question twice, and binding a view over the awards' parquet costs about
# 10 ms at 10M awards (tests/test_queries.py checks both ways give the same answer).
LONG_ANSWERS = frozenset({"awards", "commitments", "data_quality_issues", "duties_missing", "filter_options",
                          "publication_rows"})


def is_long(name: str, params: dict) -> bool:
    """Whether this asking of question `name` may answer with a row per award."""
    return name in LONG_ANSWERS and params.get("row_limit") is None


_ROWS = re.compile(r"^--\s*rows:\s*(\w+)", re.MULTILINE)


@functools.cache
def query_rows(name: str) -> str | None:
    """The subset of awards a question declares it reads (`-- rows: commitments`), if any."""
    found = _ROWS.search(load_query(name))
    return found.group(1) if found else None


def describe(name: str) -> str:
    """The one-line description from the comment at the top of the file."""
    first = load_query(name).lstrip().splitlines()[0]
    return first.removeprefix("--").strip()


def macro_sql(file: str = MACRO_FILE) -> str:
    """The `filtered_awards` macro: over the awards (default) or over one rollup."""
    return (QUERIES_DIR / file).read_text(encoding="utf-8")
