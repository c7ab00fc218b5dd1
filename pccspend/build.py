"""Building the register into parquet: validate, write a new build folder, swap `current` to it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from pccspend import __version__
from pccspend.atomic import fsync_dir, swap_symlink
from pccspend.paths import DataDir
from pccspend.validate import ValidationFailed, check_register, covers_mask

MONEY = pl.Decimal(18, 2)
# Bumped whenever what a build writes changes shape, so `build --if-stale` rebuilds old builds.
BUILD_FORMAT = 7
KEEP_BUILDS = 2
Progress = Callable[[str], None]


def register_hash(data: DataDir) -> str:
    """sha256 over the register's files (names and bytes): what a build and a snapshot came from."""
    h = hashlib.sha256()
    for path in data.register_files():
        h.update(path.name.encode() + b"\0")
        with open(path, "rb") as fh:
            while block := fh.read(1 << 24):
                h.update(block)
        h.update(b"\0")
    return h.hexdigest()


def _fy_start(col: str) -> pl.Expr:
    """2017 for "2017/18" (the register is validated first, so the text is well formed)."""
    return pl.col(col).str.slice(0, 4).cast(pl.Int16)


def _flag(col: str) -> pl.Expr:
    return pl.col(col) == "true"


def typed_awards(raw: pl.DataFrame) -> pl.DataFrame:
    """Awards with real types; `fy_start` (2017 for 2017/18) makes year ranges and sorting cheap."""
    return (
        raw.with_columns(
            pl.col("amount_gbp").cast(MONEY),
            pl.col("decision_date").str.to_date("%Y-%m-%d"),
            _flag("is_public").alias("is_public"),
            _fy_start("financial_year").alias("fy_start"),
        )
        .sort(["area", "fy_start", "award_id"])
    )


def typed_sources(raw: pl.DataFrame) -> pl.DataFrame:
    return raw.with_columns(pl.col("published_date").str.to_date("%Y-%m-%d")).sort("source_id")


def typed_totals(raw: pl.DataFrame) -> pl.DataFrame:
    return raw.with_columns(
        pl.col("stated_total_gbp").cast(MONEY),
        _flag("is_public").alias("is_public"),
        _fy_start("from_year").alias("from_fy_start"),
        _fy_start("to_year").alias("to_fy_start"),
    ).sort("total_id")


def total_lines(totals: pl.DataFrame, awards: pl.DataFrame) -> pl.DataFrame:
    """One row per (stated total, award it covers), with the globs expanded."""
    ids = awards.select("award_id")
    frames = [
        ids.filter(covers_mask(covers)).select(pl.lit(total_id).alias("total_id"), "award_id")
        for total_id, covers in totals.select("total_id", "covers_award_ids").iter_rows()
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema={"total_id": pl.String, "award_id": pl.String})


# Pre-aggregated rollups the query layer answers from when a question and its filters allow
# (see pccspend/db.py): each row stands for many awards and carries their weights.
ROLLUPS: dict[str, tuple[str, ...]] = {
    # National: no area or provider, but the set of each (below), for the headline counts.
    "rollup_kpis": ("fy_start", "financial_year", "theme", "funding_stream", "mechanism", "status", "is_public"),
    "rollup_dims": ("area", "fy_start", "financial_year", "theme", "funding_stream", "mechanism", "status",
                    "is_public", "source_id"),
    "rollup_services": ("fy_start", "financial_year", "theme", "funding_stream", "service", "status", "is_public"),
    "rollup_providers": ("area", "fy_start", "financial_year", "status", "is_public", "provider"),
    # National, for a provider ranking under a theme, stream or mechanism filter.
    "rollup_provider_dims": ("fy_start", "financial_year", "theme", "funding_stream", "mechanism", "status",
                             "is_public", "provider"),
    "rollup_commitment_years": ("area", "fy_start", "financial_year", "theme", "funding_stream", "mechanism", "status",
                                "is_public", "is_multi_year"),
    "rollup_commitments": ("commitment_id", "area", "service", "provider", "financial_year", "fy_start", "status",
                           "is_public"),
}
# Rollups of a subset of the awards: only questions that declare they read just that subset
# (a `-- rows: <subset>` line in the .sql file) may use them.
ROLLUP_ROWS: dict[str, tuple[str, pl.Expr]] = {
    "rollup_commitment_years": ("commitments", pl.col("commitment_id").is_not_null()),
    "rollup_commitments": ("commitments", pl.col("commitment_id").is_not_null()),
}


# Copies of some of the awards, not summed, in the same order: a question that declares
# `-- rows: <subset>` may read the copy instead of every award.
SUBSETS: dict[str, tuple[str, pl.Expr]] = {
    "awards_with_gaps": ("gaps", pl.any_horizontal(
        pl.col(c).is_null() for c in ("amount_gbp", "theme", "funding_stream", "provider"))),
}
# Rollups that also carry, per cell, the set of providers and areas among its awards (as
# bitstrings, `<column>_set`), so a distinct count over many cells is a union of sets.
ROLLUP_SETS: dict[str, tuple[str, ...]] = {"rollup_kpis": ("provider", "area")}
# A set costs (distinct values / 8) bytes per cell: past this, the rollup is not built and the
# query layer answers from the awards.
MAX_SET_BYTES = 256 * 1024 * 1024


def _bitset(keys: list[int] | None, size: int) -> bytes | None:
    """Bit k set for each key k in 0..size-1, packed into bytes; None for no keys."""
    if not keys:
        return None
    bits = np.zeros(size, dtype=bool)
    bits[keys] = True
    return np.packbits(bits).tobytes()


def with_sets(cells: pl.DataFrame, awards: pl.DataFrame, dims: tuple[str, ...],
              columns: tuple[str, ...]) -> pl.DataFrame | None:
    """`cells` (a rollup of `awards` by `dims`) with a `<column>_set` bitset per column (bytes,
    read as a DuckDB bitstring): bit k is set when the cell holds the k-th distinct value. None
    when the sets would be too big."""
    sizes = {c: max(1, awards[c].drop_nulls().n_unique()) for c in columns}
    if cells.height * sum(n // 8 + 1 for n in sizes.values()) > MAX_SET_BYTES:
        return None
    keyed = awards.select(*dims, *[(pl.col(c).rank("dense") - 1).cast(pl.Int64).alias(c) for c in columns])
    found = keyed.group_by(dims).agg(pl.col(c).drop_nulls().unique() for c in columns)
    found = found.with_columns(
        pl.Series(f"{c}_set", [_bitset(k, sizes[c]) for k in found[c].to_list()], dtype=pl.Binary)
        for c in columns).drop(columns)
    return cells.join(found, on=list(dims), how="left", nulls_equal=True).sort(dims, nulls_last=True)


def rollup(awards: pl.DataFrame, dims: tuple[str, ...]) -> pl.DataFrame:
    """Awards summed over everything but `dims`; a cell whose amounts are all missing stays null."""
    return (
        awards.group_by(dims)
        .agg(
            pl.when(pl.col("amount_gbp").is_not_null().any())
            .then(pl.col("amount_gbp").sum())
            .otherwise(None)
            .alias("amount_gbp"),
            pl.len().cast(pl.Int64).alias("award_count"),
            pl.col("amount_gbp").is_null().sum().cast(pl.Int64).alias("missing_amount_count"),
            pl.col("provider").is_null().sum().cast(pl.Int64).alias("missing_provider_count"),
        )
        .sort(dims, nulls_last=True)
    )


def population_by_area(raw: pl.DataFrame) -> pl.DataFrame:
    return (
        raw.group_by(pl.col("police_force_area").alias("area"))
        .agg(pl.col("usual_residents_2021").cast(pl.Int64).sum().alias("population"))
        .sort("area")
    )


def _write_tables(folder: Path, tables: dict[str, pl.DataFrame], progress: Progress) -> None:
    for name, frame in tables.items():
        progress(f"writing {name}.parquet ({frame.height:,} rows)")
        frame.write_parquet(folder / f"{name}.parquet", statistics=True, row_group_size=122_880)


def build(data: DataDir, progress: Progress = lambda _msg: None) -> dict:
    """Validate the register and publish a new build; on any problem nothing is written."""
    progress("validating the register")
    problems, raw = check_register(data)
    if problems:
        raise ValidationFailed(problems)
    progress("typing the register")
    awards = typed_awards(raw.pop("awards"))
    sources = typed_sources(raw.pop("sources"))
    totals = typed_totals(raw.pop("stated_totals"))
    population = (
        population_by_area(raw["population"])
        if raw["population"] is not None
        else pl.DataFrame(schema={"area": pl.String, "population": pl.Int64})
    )
    tables = {
        "awards": awards,
        # The same awards sorted by provider: a provider filter then reads a few row groups.
        "awards_by_provider": awards.sort(["provider", "area", "fy_start", "award_id"], nulls_last=True),
        "sources": sources,
        "stated_totals": totals,
        "stated_total_lines": total_lines(totals, awards),
        "population": population,
    }
    for name, (_, keep) in SUBSETS.items():
        tables[name] = awards.filter(keep)
    # A column the awards' filter macro computes, kept by the rollups that group by it.
    summed = awards.with_columns(pl.col("commitment_id").is_not_null().alias("is_multi_year"))
    for name, dims in ROLLUPS.items():
        progress(f"summing {name}")
        rows = summed.filter(ROLLUP_ROWS[name][1]) if name in ROLLUP_ROWS else summed
        cells = rollup(rows, dims)
        if name in ROLLUP_SETS:
            cells = with_sets(cells, rows, dims, ROLLUP_SETS[name])
            if cells is None:
                progress(f"leaving out {name}: its sets of {', '.join(ROLLUP_SETS[name])} would pass "
                         f"{MAX_SET_BYTES // 2**20} MB (queries read the awards instead)")
                continue
        tables[name] = cells
    digest = register_hash(data)
    info = {
        "register_sha256": digest,
        "generator": f"pccspend {__version__}",
        "build_format": BUILD_FORMAT,
        "data_as_of": str(sources["published_date"].max()) if sources.height else None,
        "rows": {name: frame.height for name, frame in tables.items()},
    }
    data.builds.mkdir(parents=True, exist_ok=True)
    # Write everything into a hidden folder, then rename it and swap the `current` symlink: a
    # reader (or a crash) sees the old build or the new one, never a mixture.
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=data.builds))
    os.chmod(tmp, 0o755)
    try:
        _write_tables(tmp, tables, progress)
        (tmp / "build.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
        for f in tmp.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(tmp)
        final = data.builds / f"{digest[:12]}-{tmp.name.removeprefix('.tmp-')}"
        os.rename(tmp, final)
        fsync_dir(data.builds)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress("switching to the new build")
    swap_symlink(data.current, os.path.relpath(final, data.root))
    _link_awards_parquet(data)
    _prune(data, keep=final)
    progress(f"built {awards.height:,} awards from register {digest[:12]}")
    return info


def _link_awards_parquet(data: DataDir) -> None:
    """`data/awards.parquet` for people who look for it there; it follows `current`."""
    link = data.root / "awards.parquet"
    if not link.is_symlink():
        link.unlink(missing_ok=True)
        os.symlink("current/awards.parquet", link)


def _prune(data: DataDir, keep: Path) -> None:
    """Remove all but the newest few builds (and leftovers of interrupted ones)."""
    builds = sorted(
        (p for p in data.builds.iterdir() if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in builds[KEEP_BUILDS - 1:] + [p for p in builds if p.name.startswith(".tmp-")]:
        shutil.rmtree(old, ignore_errors=True)


def current_build(data: DataDir) -> dict | None:
    """The build.json of the current build, or None when nothing has been built."""
    path = data.current / "build.json"
    return json.loads(path.read_text()) if path.exists() else None


def is_stale(data: DataDir) -> bool:
    """True when there is no build, or the register changed since the current one."""
    info = current_build(data)
    return (
        info is None
        or info.get("build_format") != BUILD_FORMAT
        or info["register_sha256"] != register_hash(data)
    )
