"""Coverage: what each document covers, and from it how covered each area-year is.

`data/register/coverage.csv` says, per document, the area and financial years it covers and
whether it covers all the office's commissioned spend for them (`all`) or only some funding
streams or funds (`streams`, named). A document without a row there (an import, an older register)
covers what its awards show: each area it has awards in, from its first to its last year, for the
streams of those awards (`implied`). The build derives one cell per area and year, `full`,
`partial` (which streams) or `none`, naming its documents; charts across years read it so that a
year with no documents is never drawn as a fall in spend.
"""

from __future__ import annotations

import polars as pl

from pccspend.each import each_row
from pccspend.fy import fy_label
from pccspend.problems import Problem

COVERAGE_COLUMNS = ["source_id", "area", "from_year", "to_year", "scope", "streams", "note"]
SCOPES = {
    "all": "every award the office made for the area and years, whatever the funding stream",
    "streams": "only the funding streams or funds named in `streams` (;-separated), each in full",
}
LEVELS = ("full", "partial", "none")
# What an award-less document is said to cover when no row says (its awards name no stream).
LISTED_ONLY = "the awards it lists"
IMPLIED_NOTE = "Not in coverage.csv: taken from the document's awards (areas, first to last year, their streams)."
SEP = ";"

CELL_SCHEMA = {"area": pl.String, "financial_year": pl.String, "fy_start": pl.Int16, "coverage": pl.String,
               "streams": pl.String, "source_ids": pl.String, "documents": pl.String}


def _start(column: str) -> pl.Expr:
    return pl.col(column).str.slice(0, 4).cast(pl.Int16)


def _streams(values: list[str | None]) -> str:
    names = sorted({s.strip() for v in values if v for s in v.split(SEP) if s.strip()})
    return SEP.join(names)


def implied(awards: pl.DataFrame) -> pl.DataFrame:
    """Coverage rows (coverage.csv's columns) for documents' awards as they stand: one row per
    document and area, from its first to its last year, scope `streams` naming their streams. The
    rule for a document without rows, and what an import records for its file."""
    if awards.is_empty():
        return pl.DataFrame(schema={c: pl.String for c in COVERAGE_COLUMNS})
    grouped = (
        awards.group_by("source_id", "area")
        .agg(pl.col("financial_year").min().alias("from_year"), pl.col("financial_year").max().alias("to_year"),
             pl.col("funding_stream").drop_nulls().unique().sort().alias("named"))
        .sort("source_id", "area")
    )
    return grouped.select(
        "source_id", "area", "from_year", "to_year", pl.lit("streams").alias("scope"),
        pl.when(pl.col("named").list.len() > 0).then(pl.col("named").list.join(SEP))
        .otherwise(pl.lit(LISTED_ONLY)).alias("streams"),
        pl.lit(IMPLIED_NOTE).alias("note"),
    )


def declared(coverage: pl.DataFrame | None, awards: pl.DataFrame) -> pl.DataFrame:
    """Every coverage row: coverage.csv's, and the implied rows of documents it does not name."""
    rows = coverage if coverage is not None else pl.DataFrame(schema={c: pl.String for c in COVERAGE_COLUMNS})
    named = set(rows["source_id"].to_list())
    extra = implied(awards.filter(~pl.col("source_id").is_in(sorted(named))))
    return pl.concat([rows.select(COVERAGE_COLUMNS), extra.select(COVERAGE_COLUMNS)])


def cells(rows: pl.DataFrame, awards: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """The coverage table: one cell per area and financial year, every year from the first to the
    last any document covers or any award falls in, `full`/`partial`/`none`, with the streams a
    partial cell covers and the documents of each cell."""
    years = [*rows["from_year"].to_list(), *rows["to_year"].to_list(), *awards["financial_year"].to_list()]
    areas = sorted(set(rows["area"].to_list()) | set(awards["area"].to_list()))
    if not years or not areas:
        return pl.DataFrame(schema=CELL_SCHEMA)
    first, last = min(int(y[:4]) for y in years), max(int(y[:4]) for y in years)
    grid = pl.DataFrame({"area": areas}).join(
        pl.DataFrame({"fy_start": list(range(first, last + 1))}, schema={"fy_start": pl.Int16}), how="cross")
    titles = dict(zip(sources["source_id"].to_list(), sources["title"].to_list()))
    spans = rows.with_columns(_start("from_year").alias("lo"), _start("to_year").alias("hi"))
    hits = grid.join(spans, on="area").filter(pl.col("fy_start").is_between(pl.col("lo"), pl.col("hi")))
    per_cell = hits.group_by("area", "fy_start").agg(
        (pl.col("scope") == "all").any().alias("is_full"),
        pl.col("streams").filter(pl.col("scope") == "streams"),
        pl.col("source_id").unique().sort().alias("ids"),
    )
    out = grid.join(per_cell, on=["area", "fy_start"], how="left").sort("area", "fy_start")
    records = []
    for r in out.iter_rows(named=True):
        ids = r["ids"] or []
        level = "full" if r["is_full"] else ("partial" if ids else "none")
        records.append({
            "area": r["area"], "financial_year": fy_label(r["fy_start"]), "fy_start": r["fy_start"],
            "coverage": level, "streams": _streams(r["streams"] or []) if level == "partial" else None,
            "source_ids": SEP.join(ids) or None,
            "documents": "; ".join(f"{titles.get(i, i)} ({i})" for i in ids) or None,
        })
    return pl.DataFrame(records, schema=CELL_SCHEMA)


# Cells read by charts --------------------------------------------------------------------


def year_label(level: str, streams: str | None = None) -> str:
    """How a cell's coverage reads: 'no documents', 'all spend', 'partial: <streams>'."""
    if level == "none":
        return "no documents"
    if level == "full":
        return "all spend"
    return f"partial: {(streams or '').replace(SEP, ', ')}"


def by_year(grid: pl.DataFrame | None) -> dict[str, tuple[str, tuple]]:
    """For each financial year of a coverage frame (the areas in scope): its level over those areas
    (`none` when no area has documents, `full` when every area is fully covered, else `partial`)
    and a key: two years with the same key are covered the same way, so their spend compares."""
    if grid is None or grid.is_empty():
        return {}
    out = {}
    for (year,), part in grid.sort("area").group_by(["financial_year"], maintain_order=True):
        levels = set(part["coverage"].to_list())
        level = "none" if levels == {"none"} else ("full" if levels == {"full"} else "partial")
        key = tuple(zip(part["area"].to_list(), part["coverage"].to_list(), part["streams"].to_list()))
        out[year] = (level, key)
    return dict(sorted(out.items()))


def by_area(grid: pl.DataFrame | None) -> dict[str, str]:
    """Each area's coverage over the years in scope, in words ('partial: Community Safety Fund in
    2013/14; no documents in 2014/15 to 2022/23')."""
    if grid is None or grid.is_empty():
        return {}
    out = {}
    for (area,), part in grid.sort("financial_year").group_by(["area"], maintain_order=True):
        runs: list[list] = []
        for r in part.iter_rows(named=True):
            text = year_label(r["coverage"], r["streams"])
            if runs and runs[-1][0] == text:
                runs[-1][2] = r["financial_year"]
            else:
                runs.append([text, r["financial_year"], r["financial_year"]])
        out[area] = "; ".join(f"{t} in {a}" + (f" to {b}" if b != a else "") for t, a, b in runs)
    return out


def year_on_year(by_year_frame: pl.DataFrame, grid: pl.DataFrame | None) -> pl.DataFrame:
    """queries/year_on_year over every year of the span, a change kept only between two years
    covered the same way (`comparison`: `change`, `coverage changed`, `no documents`, `first year`,
    `amount not stated`). A covered year without awards is £0 awarded, not missing."""
    years = by_year(grid)
    rows = {r["financial_year"]: r for r in by_year_frame.to_dicts()}
    span = sorted(set(years) | set(rows))
    if span:
        span = [fy_label(y) for y in range(int(span[0][:4]), int(span[-1][:4]) + 1)]
    out, previous = [], None
    for year in span:
        row = rows.get(year, {})
        # Without a coverage frame, a year with awards is taken as covered and one without as not.
        level, key = years.get(year) or (("partial", ("?",)) if row and not years else ("none", None))
        amount = row.get("amount_gbp") if row else (0 if level != "none" else None)
        if level == "none":
            comparison = "no documents"
        elif previous is None:
            comparison = "first year"
        elif previous[1] != key or previous[0] == "none":
            comparison = "coverage changed"
        elif amount is None or previous[2] is None:
            comparison = "amount not stated"
        else:
            comparison = "change"
        change = amount - previous[2] if comparison == "change" else None
        out.append({
            "financial_year": year, "amount_gbp": amount, "award_count": row.get("award_count", 0),
            "missing_amount_count": row.get("missing_amount_count", 0),
            "previous_amount_gbp": previous[2] if comparison == "change" else None, "change_gbp": change,
            "change_share": (round(float(change) / float(previous[2]), 4) if change is not None and previous[2]
                             else None),
            "coverage": level, "comparison": comparison,
        })
        previous = (level, key, amount)
    schema = dict(by_year_frame.schema)
    schema.update({"coverage": pl.String, "comparison": pl.String})
    if not years and not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(out, schema=schema)


# Rules ---------------------------------------------------------------------------------------


def cross_rules(coverage: pl.DataFrame, awards: pl.DataFrame | None, file: str, awards_file: str) -> list[Problem]:
    """Rules between columns and files: years in order, streams named exactly when the scope asks,
    and every award of a document that has rows inside what those rows cover."""
    needed = {"source_id", "area", "from_year", "to_year", "scope", "streams"}
    if not needed <= set(coverage.columns):
        return []
    out = []
    rows = coverage.with_row_index("_row")
    checks = [
        (_start("to_year") < _start("from_year"), "to_year", "to_year must not be before from_year"),
        ((pl.col("scope") == "streams") & pl.col("streams").is_null(), "streams",
         "scope 'streams' must name the funding streams or funds covered (;-separated)"),
        ((pl.col("scope") == "all") & pl.col("streams").is_not_null(), "streams",
         "scope 'all' covers every stream: leave streams empty"),
    ]
    for broken, column, rule in checks:
        found = rows.filter(broken.fill_null(False)).select("_row", column)
        out += [Problem(file, r + 2, column, v, rule) for r, v in found.iter_rows()]
    if awards is None or not {"source_id", "area", "financial_year"} <= set(awards.columns):
        return out
    well = coverage.filter(pl.col("from_year").str.contains(r"^\d{4}/\d{2}$")
                           & pl.col("to_year").str.contains(r"^\d{4}/\d{2}$"))
    spans = well.select("source_id", "area", _start("from_year").alias("lo"), _start("to_year").alias("hi"))
    placed = awards.with_row_index("_row").filter(
        pl.col("source_id").is_in(spans["source_id"].unique().to_list())
        & pl.col("financial_year").str.contains(r"^\d{4}/\d{2}$"))
    inside = placed.with_columns(_start("financial_year").alias("fy")).join(
        spans, on=["source_id", "area"], how="inner").filter(pl.col("fy").is_between(pl.col("lo"), pl.col("hi")))
    outside = placed.filter(~pl.col("_row").is_in(inside["_row"].unique().to_list()))
    out += [Problem(awards_file, r + 2, "financial_year", f"{area} {year}",
                    f"outside what its document covers in {file} (add or widen the document's row)")
            for r, area, year in outside.select("_row", "area", "financial_year").iter_rows()]
    return out


def grid_table(grid: pl.DataFrame) -> pl.DataFrame:
    """The coverage cells as a table to read: one row per area, one column per year, each cell
    its coverage in words and its documents ('partial: Community Safety Fund (WMD-FOI-2013-01354)')."""
    if grid.is_empty():
        return pl.DataFrame(schema={"area": pl.String})
    text = grid.with_columns(each_row(
        grid, ["coverage", "streams", "source_ids"], name="cell",
        fn=lambda coverage, streams, ids: year_label(coverage, streams) + (f" ({ids.replace(SEP, ', ')})" if ids else "")))
    years = sorted(set(grid["financial_year"].to_list()))
    return text.pivot(on="financial_year", index="area", values="cell").select("area", *years).sort("area")
