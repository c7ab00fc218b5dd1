"""Building the register into parquet: validate, write a new build folder, swap `current` to it."""

from __future__ import annotations

import itertools
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import polars as pl

from pccspend import __version__, coverage, grant_details, palette, publication
from pccspend.classify import classify, unclassified
from pccspend.mapping import Rule, load_rules
from pccspend.atomic import swap_symlink, write_folder
from pccspend.filters import SEARCHED
from pccspend.paths import DataDir
from pccspend.register import register_digest
from pccspend.buildfiles import BUILD_FORMAT, PUBLIC, SortedCopy, Table, query_layer_hash, unreadable, write_view
from pccspend.stores import BASE, BY_NAME, STORES, Store
from pccspend.validate import ValidationFailed, check_register, covers_mask

MONEY = pl.Decimal(18, 2)
KEEP_BUILDS = 2
Progress = Callable[[str], None]


def _fy_start(col: str) -> pl.Expr:
    """2017 for "2017/18" (the register is validated first, so the text is well formed)."""
    return pl.col(col).str.slice(0, 4).cast(pl.Int16)


def typed_awards(raw: pl.DataFrame) -> pl.DataFrame:
    """Awards with real types; `fy_start` (2017 for 2017/18) makes year ranges and sorting cheap;
    `is_public` (published or redacted) is what the public may see of the publication decision.
    Consumes `raw` (left empty)."""
    typed = raw.with_columns(
        pl.col("amount_gbp").cast(MONEY),
        pl.col("contract_value_gbp").cast(MONEY),
        pl.col("decision_date").str.to_date("%Y-%m-%d"),
        pl.col("publication_decided_on").str.to_date("%Y-%m-%d"),
        publication.is_public().alias("is_public"),
        _fy_start("financial_year").alias("fy_start"),
    )
    _empty(raw)  # its text columns are shared with `typed`, and go as `typed` is sorted
    return sorted_consuming(typed, ["area", "fy_start", "award_id"])


def _empty(frame: pl.DataFrame) -> None:
    for name in frame.columns:
        frame.drop_in_place(name)


def sorted_consuming(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """`frame.sort(by)`, made one column at a time while `frame` is emptied: a whole sort holds
    two copies of the awards at once (at ten million awards, most of a 24 GB machine)."""
    # Sorting the key columns with a row index is 6x faster than arg_sort_by on text keys.
    order = frame.select(by).with_row_index("_row").sort(by)["_row"]
    return pl.DataFrame([frame.drop_in_place(name).rechunk().gather(order) for name in frame.columns])


def typed_sources(raw: pl.DataFrame) -> pl.DataFrame:
    return raw.with_columns(pl.col("published_date").str.to_date("%Y-%m-%d")).sort("source_id")


def typed_totals(raw: pl.DataFrame) -> pl.DataFrame:
    return raw.with_columns(
        pl.col("stated_total_gbp").cast(MONEY),
        (pl.col("publication") == "published").alias("is_public"),
        _fy_start("from_year").alias("from_fy_start"),
        _fy_start("to_year").alias("to_fy_start"),
    ).sort("total_id")


def total_lines(totals: pl.DataFrame, awards: pl.DataFrame) -> pl.DataFrame:
    """One row per (stated total, award it covers), with the globs expanded, and the award's amount
    and publication: a reconciliation reads these lines, never every award to find them."""
    lines = awards.select("award_id", "amount_gbp", "is_public")
    frames = [
        lines.filter(covers_mask(covers)).select(pl.lit(total_id).alias("total_id"), pl.all())
        for total_id, covers in totals.select("total_id", "covers_award_ids").iter_rows()
    ]
    return pl.concat(frames) if frames else lines.clear().select(pl.lit(None, pl.String).alias("total_id"), pl.all())


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


def search_index(awards: pl.DataFrame) -> pl.DataFrame:
    """Each distinct service, provider and description once (what a text search looks in), with
    how many awards hold it."""
    return pl.concat([
        awards.drop_nulls(column).group_by(pl.col(column).alias("value"))
        .agg(pl.len().cast(pl.Int64).alias("award_count"))
        .select(pl.lit(column).alias("column_name"), "value", "award_count")
        for column in SEARCHED
    ]).sort("column_name", "value")


def population_by_area(raw: pl.DataFrame) -> pl.DataFrame:
    return (
        raw.group_by(pl.col("police_force_area").alias("area"))
        .agg(pl.col("usual_residents_2021").cast(pl.Int64).sum().alias("population"))
        .sort("area")
    )


def _rollup_rows(awards: pl.DataFrame, store: Store) -> pl.DataFrame:
    """The columns a rollup reads, and only its rows: a filter over all the awards' columns would
    copy them all (a third of the memory of a ten-million-award build)."""
    read = {*store.dims, *store.sets, "amount_gbp", "provider", "commitment_id"}
    if store.keep is not None:
        read |= set(store.keep.meta.root_names())
    rows = awards.select(c for c in awards.columns if c in read).with_columns(
        # A column the awards' view derives, kept by the rollups that group by it.
        pl.col("commitment_id").is_not_null().alias("is_multi_year"))
    return rows if store.keep is None else rows.filter(store.keep)


def _tables(awards: pl.DataFrame, sources: pl.DataFrame, totals: pl.DataFrame, population: pl.DataFrame,
            progress: Progress) -> Iterator[Table]:
    """Every table and store of one view, made one at a time (with the store it is, if one)."""
    yield "search_index", search_index(awards), None
    yield "sources", sources, None
    yield "stated_totals", totals, None
    yield "stated_total_lines", total_lines(totals, awards), None
    yield "population", population, None
    for store in STORES:
        if not store.is_rollup:
            if store.order != BY_NAME[BASE].order and store.keep is None:
                yield store.name, SortedCopy(store.order, awards.height), store
                continue
            rows = awards if store.keep is None else awards.filter(store.keep)
            yield store.name, (rows if store.order == BY_NAME[BASE].order
                               else rows.sort(list(store.order), nulls_last=True)), store
            del rows
            continue
        progress(f"summing {store.name}")
        rows = _rollup_rows(awards, store)
        cells = rollup(rows, store.dims)
        if store.sets:
            cells = with_sets(cells, rows, store.dims, store.sets)
        del rows
        if cells is None:
            progress(f"leaving out {store.name}: its sets of {', '.join(store.sets)} would pass "
                     f"{MAX_SET_BYTES // 2**20} MB (queries read the awards instead)")
            continue
        yield store.name, cells, store
        del cells


def coverage_tables(rows: pl.DataFrame | None, awards: pl.DataFrame, sources: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The coverage cells (area x year) and each document's coverage rows, for the documents of
    this view only (the public's names no document it does not publish)."""
    if rows is not None:
        rows = rows.filter(pl.col("source_id").is_in(sources["source_id"].to_list()))
    every = coverage.declared(rows, awards)
    documents = every.join(sources.select("source_id", "title", "kind"), on="source_id", how="left").with_columns(
        (pl.col("source_id").is_in((rows["source_id"] if rows is not None else pl.Series([], dtype=pl.String))
                                   .to_list())).alias("is_recorded")).sort("area", "from_year", "source_id")
    return {"coverage": coverage.cells(every, awards, sources), "coverage_documents": documents}


def _as_of(sources: pl.DataFrame) -> str | None:
    """The newest document's date: what a build's figures are as of."""
    return str(sources["published_date"].max()) if sources.height else None


def public_register(awards: pl.DataFrame, sources: pl.DataFrame, totals: pl.DataFrame,
                    rules: list[Rule] = ()) -> tuple[pl.DataFrame, ...]:
    """The register as the public may see it (pccspend/publication.py): published and redacted
    awards with their withheld fields replaced, published totals, and only the documents those name.
    Themes are classified over the public awards alone, so no basis names a held-back award."""
    awards = classify(publication.public_awards(unclassified(awards)), list(rules))
    totals = publication.public_totals(totals)
    named = set(awards["source_id"]) | set(totals["source_id"]) | set(awards["theme_basis_source_id"].drop_nulls()) \
        | set(awards["funding_stream_basis_source_id"].drop_nulls())
    return awards, sources.filter(pl.col("source_id").is_in(sorted(named))), totals


def build(data: DataDir, progress: Progress = lambda _msg: None, *, public: bool = True) -> dict:
    """Validate the register and publish a new build; on any problem nothing is written.

    The build holds the office's view (every row) and, in `public/`, the public's view
    (`public_register`), which public outputs read. `public=False` leaves the public view out
    (benchmarks of the office's view)."""
    progress("validating the register")
    problems, raw = check_register(data)
    if problems:
        raise ValidationFailed(problems)
    progress("typing the register")
    rules, _ = load_rules(data)  # validated with the register
    awards = typed_awards(raw.pop("awards"))
    progress("classifying themes and funding streams")
    awards = classify(awards, rules)
    sources = typed_sources(raw.pop("sources"))
    totals = typed_totals(raw.pop("stated_totals"))
    population = (
        population_by_area(raw["population"])
        if raw["population"] is not None
        else pl.DataFrame(schema={"area": pl.String, "population": pl.Int64})
    )
    details, cover = raw.get("grant_details"), raw.get("coverage")
    raw.clear()
    colours, _ = palette.load(data)  # validated with the register
    new_colours = palette.assign(colours, {d: awards[d].unique().to_list() for d in palette.FAMILIES})
    if new_colours:  # before the digest: the build is of the register with them
        progress(f"giving colours to {len(new_colours)} new value(s): "
                 + ", ".join(f"{d} {v} {c}" for d, v, c in new_colours[:5]) + (" ..." if len(new_colours) > 5 else ""))
        palette.append(data, new_colours)
        colours, _ = palette.load(data)
    digest = register_digest(data)
    info = {
        "register_sha256": digest,
        "generator": f"pccspend {__version__}",
        "build_format": BUILD_FORMAT,
        "query_layer_sha256": query_layer_hash(),
    }

    def view(place: Path, awards: pl.DataFrame, sources: pl.DataFrame, totals: pl.DataFrame,
             other_currencies: pl.DataFrame, audience: str) -> dict[str, int]:
        tables = itertools.chain(
            _tables(awards, sources, totals, population, progress),
            [("other_currencies", other_currencies, None), ("palette", palette.table(colours, awards), None)],
            ((name, frame, None) for name, frame in coverage_tables(cover, awards, sources).items()))
        place.mkdir(exist_ok=True)
        rows = write_view(place, tables, progress)
        (place / "build.json").write_text(json.dumps(
            {**info, "audience": audience, "rows": rows, "data_as_of": _as_of(sources)},
            indent=2, sort_keys=True) + "\n")
        return rows

    def fill(folder: Path) -> None:
        # One view after the other, each table written as soon as it is made: at ten million
        # awards, every table of both views held at once needed more than a 24 GB machine has.
        info["rows"] = view(folder, awards, sources, totals, grant_details.other_currencies(details, awards), "office")
        if public:
            progress("making the public view")
            seen = public_register(awards, sources, totals, rules)
            # Only wholly published awards: a part-redacted one may withhold its amount.
            published = grant_details.other_currencies(details, seen[0].filter(pl.col("publication") == "published"))
            view(folder / PUBLIC, *seen, published, "public")

    # A new folder, then the `current` symlink swapped to it: a reader (or a crash) sees the old
    # build or the new one, never a mixture.
    final = data.builds / f"{digest[:12]}-{secrets.token_hex(4)}"
    write_folder(final, fill)
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
    for old in builds[KEEP_BUILDS - 1:] + [p for p in builds if p.name.startswith(".")]:
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
        or unreadable(info) is not None
        or info["register_sha256"] != register_digest(data)
    )
