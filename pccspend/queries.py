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
