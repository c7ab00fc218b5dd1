"""A Python function over a column's values, run on the calling thread, never inside Polars.

Why not `map_elements`: Polars runs such a function on its own worker threads, which must take the
GIL for it. Meanwhile another thread of the dashboard's server may hold the GIL while it waits for
those same workers (`DataFrame.to_pandas` does, for `st.dataframe`): each waits for the other, and
every session of the server freezes for good (seen as runs that never ended in the 8-session browser
test, tests/test_hardening_browser.py; Polars issue #26821). So no code of ours hands Polars a Python
function (tests/test_each.py checks); a page's frames are small, and a list comprehension is as quick.
"""

from __future__ import annotations

from typing import Any, Callable

import polars as pl


def each(series: pl.Series, fn: Callable[[Any], Any], dtype: pl.DataType = pl.String) -> pl.Series:
    """`fn` of every value of `series` (nulls included, as None), as a Series of `dtype` with its name."""
    return pl.Series(series.name, [fn(v) for v in series.to_list()], dtype=dtype)


def each_row(frame: pl.DataFrame, columns: list[str], fn: Callable[..., Any], name: str,
             dtype: pl.DataType = pl.String) -> pl.Series:
    """`fn(*row)` for every row of `frame`'s `columns`, as a Series called `name`."""
    return pl.Series(name, [fn(*row) for row in frame.select(columns).iter_rows()], dtype=dtype)
