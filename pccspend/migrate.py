"""Bringing an older register up to the current layout (`python -m pccspend migrate`).

From `is_public` to the publication decision: `true` becomes `published` and anything else
`draft` (a row that was never approved has no recorded decision to withhold it, and no reason);
the new columns (statutory fields, the decision's reason, who and when) are added empty. Every
other cell is kept as it is. Running it again changes nothing.
"""

from __future__ import annotations

import polars as pl

from pccspend.edits import Progress, rewrite
from pccspend.paths import AWARDS_CSV, TOTALS_CSV, DataDir
from pccspend.publication import OLD_COLUMN
from pccspend.register import AWARD_COLUMNS, TOTAL_COLUMNS, register_digest, read_text_csv


def _migrated(frame: pl.DataFrame, layout: list[str]) -> pl.DataFrame | None:
    """`frame` in `layout` (its own extra columns kept after), or None when already there."""
    if OLD_COLUMN not in frame.columns and all(c in frame.columns for c in layout):
        return None
    if OLD_COLUMN in frame.columns and "publication" not in frame.columns:
        state = pl.when(pl.col(OLD_COLUMN).str.to_lowercase() == "true").then(pl.lit("published")) \
            .otherwise(pl.lit("draft"))
        frame = frame.with_columns(state.alias("publication")).drop(OLD_COLUMN)
    missing = [pl.lit(None, pl.String).alias(c) for c in layout if c not in frame.columns]
    frame = frame.with_columns(missing)
    return frame.select(layout + [c for c in frame.columns if c not in layout])


def migrate(data: DataDir, progress: Progress = lambda _m: None) -> dict[str, dict[str, int]]:
    """Migrate the register's files in place (then build); per file migrated, its rows by
    publication state. An empty dict: nothing to migrate."""
    digest = register_digest(data)
    files: dict[str, pl.DataFrame] = {}
    for name, layout in ((AWARDS_CSV, AWARD_COLUMNS), (TOTALS_CSV, TOTAL_COLUMNS)):
        path = data.register / name
        if not path.exists():
            continue
        new = _migrated(read_text_csv(path), list(layout))
        if new is not None:
            files[name] = new
    if not files:
        return {}
    rewrite(data, files, digest=digest, progress=progress)
    return {name: dict(sorted(frame["publication"].fill_null("").value_counts().iter_rows()))
            for name, frame in files.items()}
