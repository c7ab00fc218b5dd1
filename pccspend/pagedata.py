"""Every frame each dashboard page shows, one function per page: `overview(db, filters)` etc.

A page's data comes only from its function here, so the benchmark can replay a page's queries
and the snapshot exporter can reuse them. Each returns a dict of name -> polars DataFrame. The
questions a page asks together are asked at once (`Database.ask`).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from pccspend import coverage as cover
from pccspend import vocab
from pccspend.db import Database
from pccspend.filters import ALL, Filters

COUNTS = [pl.col("award_count").sum(), pl.col("missing_amount_count").sum()]
EVERY_PROVIDER = 1_000_000  # a top_n no register reaches: every provider, no 'All others'
DRILL_LEVELS = ("theme", "funding_stream", "service")


def _sum(column: str = "amount_gbp") -> pl.Expr:
    # A sum of nothing but missing amounts stays missing (polars would say 0).
    return pl.when(pl.col(column).count() > 0).then(pl.col(column).sum()).otherwise(None).alias(column)


def overview(db: Database, filters: Filters) -> dict[str, pl.DataFrame]:
    """Headline figures, spend by theme, by funding stream, by year, and the year-on-year change
    (only between years covered the same way: pccspend/coverage.py)."""
    out = db.ask({
        "kpis": ("kpis", filters),
        "other_currencies": ("other_currencies", filters),
        "by_theme": ("spend_by_theme", filters),
        "by_stream": ("spend_by_funding_stream", filters),
        "by_year": ("spend_by_year", filters),
        "year_on_year": ("year_on_year", filters),
        "coverage": ("coverage", filters),
        "colours": ("palette", ALL),
    })
    return {**out, "year_on_year": cover.year_on_year(out["year_on_year"], out["coverage"])}


def drill_path(hierarchy: pl.DataFrame, path: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """The longest valid prefix of a drill path (theme, stream, service) in this hierarchy, and a
    warning for the part dropped."""
    valid: list[str] = []
    frame = hierarchy
    for level, value in zip(DRILL_LEVELS, path):
        frame = frame.filter(pl.col(level) == value)
        if frame.is_empty():
            return tuple(valid), [f"Nothing under {' > '.join([*valid, value])} with these filters: showing the level above."]
        valid.append(value)
    return tuple(valid), ([] if len(path) <= len(DRILL_LEVELS) else ["Ignored the extra drill-down levels in the link."])


def themes(db: Database, filters: Filters, path: tuple[str, ...] = ()) -> dict[str, pl.DataFrame]:
    """The theme -> funding stream -> service -> award hierarchy, and the bars of the level `path`
    points at (the awards themselves once a service is chosen)."""
    hierarchy = db.query("theme_stream_service", filters)
    path, _ = drill_path(hierarchy, path)
    frame = hierarchy
    for level, value in zip(DRILL_LEVELS, path):
        frame = frame.filter(pl.col(level) == value)
    if len(path) < len(DRILL_LEVELS):
        level = DRILL_LEVELS[len(path)]
        keep = [level] + (["theme"] if level != "theme" else []) + (
            ["funding_stream"] if level == "service" else [])
        bars = frame.group_by(keep).agg(_sum(), *COUNTS).sort(["amount_gbp", level], descending=[True, False],
                                                               nulls_last=True)
        awards = pl.DataFrame()
    else:
        theme, stream, service = path
        awards = db.query("awards", filters.replace(themes=(theme,), funding_streams=(stream,))).filter(
            pl.col("service") == service)
        bars = awards.select(
            pl.col("award_id"), pl.lit(theme).alias("theme"), "provider", "financial_year", "amount_gbp",
            pl.lit(1).alias("award_count"), pl.col("amount_gbp").is_null().cast(pl.Int64).alias("missing_amount_count"))
    return {"hierarchy": hierarchy, "level": bars, "awards": awards}


def funding_streams(db: Database, filters: Filters) -> dict[str, pl.DataFrame]:
    """What each funding stream pays for: by theme, by year, its services, and where it comes from."""
    out = db.ask({
        "hierarchy": ("theme_stream_service", filters),
        "by_stream": ("spend_by_funding_stream", filters),
        "by_year_stream": ("spend_by_year_and_stream", filters),
        "coverage": ("coverage", filters),
        "colours": ("palette", ALL),
    })
    hierarchy, by_stream = out["hierarchy"], out["by_stream"]
    by_stream_theme = hierarchy.group_by("funding_stream", "theme").agg(_sum(), *COUNTS).sort(
        "funding_stream", "theme")
    services = hierarchy.select("funding_stream", "service", "theme", "amount_gbp", "award_count",
                                "missing_amount_count").sort(
        ["funding_stream", "amount_gbp"], descending=[False, True], nulls_last=True)
    about = pl.DataFrame(
        {"funding_stream": by_stream["funding_stream"],
         "where_the_money_comes_from": [vocab.FUNDING_STREAMS.get(s, "The document names no funding stream.")
                                        for s in by_stream["funding_stream"]]},
        schema={"funding_stream": pl.String, "where_the_money_comes_from": pl.String},
    )
    return {
        "by_stream": by_stream,
        "by_stream_theme": by_stream_theme,
        "by_year_stream": out["by_year_stream"],
        "coverage": out["coverage"],
        "colours": out["colours"],
        "services": services,
        "about": about,
    }


def years(db: Database, filters: Filters) -> dict[str, pl.DataFrame]:
    """Spend by year (by theme and by funding stream) and the multi-year commitments by year
    (each commitment's lines are on the Awards page: a national register holds too many to draw)."""
    return db.ask({
        "by_year_theme": ("spend_by_year", filters),
        "by_year_stream": ("spend_by_year_and_stream", filters),
        "commitments": ("commitments_by_year", filters),
        "coverage": ("coverage", filters),
        "colours": ("palette", ALL),
    })


def top_providers(every: pl.DataFrame, top_n: int) -> pl.DataFrame:
    """queries/spend_by_provider's answer for `top_n`, from its answer for every provider: the
    Providers page asks the database once, not twice (tests/test_pagedata.py compares the two)."""
    rest = every.filter(pl.col("provider_rank") > top_n)
    others = rest.select(
        pl.lit("All others").alias("provider"), _sum(), pl.col("award_count").sum(),
        pl.col("missing_amount_count").sum(), pl.lit(None, pl.Int64).alias("provider_rank"),
        pl.len().cast(pl.Int64).alias("provider_count"),
    ) if rest.height else every.clear()
    return pl.concat([every.filter(pl.col("provider_rank") <= top_n), others.cast(every.schema)])


def providers(db: Database, filters: Filters, top_n: int = 10, profile: str | None = None,
              limit: int | None = None) -> dict[str, pl.DataFrame]:
    """Top providers with 'All others', the top-5 share, share by mechanism, and one provider's
    spend by year and theme and its awards (the first `limit`, or all) (`profile`; the biggest
    provider when not given)."""
    first = db.ask({
        "every": ("spend_by_provider", filters, {"top_n": EVERY_PROVIDER}),
        "mechanisms": ("spend_by_mechanism", filters),
        "coverage": ("coverage", filters),
    })
    every = first["every"]
    total = every["amount_gbp"].sum() if every.height else None
    top5 = every.head(5)["amount_gbp"].sum() if every.height else None
    concentration = pl.DataFrame({
        "provider_count": [every.filter(pl.col("provider") != vocab.NOT_STATED).height],
        "top5_amount_gbp": [top5],
        "total_amount_gbp": [total],
        "top5_share": [round(float(top5) / float(total), 4) if total else None],
    }, schema={"provider_count": pl.Int64, "top5_amount_gbp": every.schema["amount_gbp"],
               "total_amount_gbp": every.schema["amount_gbp"], "top5_share": pl.Float64})
    names = every["provider"].to_list()
    chosen = profile if profile in names else (names[0] if names else None)
    # Nobody to profile means no award matches: the same questions answer empty, with their columns.
    chosen_filters = filters.replace(providers=(chosen,)) if chosen else filters
    its = db.ask({"profile": ("spend_by_year", chosen_filters),
                  "profile_awards": ("awards", chosen_filters, {"row_limit": limit})})
    return {
        "top": top_providers(every, top_n),
        "concentration": concentration,
        "mechanisms": first["mechanisms"],
        "providers": every.select("provider", "amount_gbp", "award_count", "missing_amount_count"),
        "profile": its["profile"],
        "coverage": first["coverage"],
        "profile_awards": its["profile_awards"],
    }


def awards(db: Database, filters: Filters, limit: int | None = None) -> dict[str, pl.DataFrame]:
    """The awards matching the filters (the first `limit`, or all), with source and locator,
    and how many match in all."""
    return db.ask({"awards": ("awards", filters, {"row_limit": limit}), "kpis": ("kpis", filters)})


def compare_areas(db: Database, filters: Filters) -> dict[str, pl.DataFrame]:
    """Spend and spend per resident by area and year, and by area over the whole period."""
    out = db.ask({"by_year": ("area_comparison", filters), "coverage": ("coverage", filters),
                  "colours": ("palette", ALL)})
    by_year = out["by_year"]
    by_area = (
        by_year.group_by("area").agg(_sum(), *COUNTS, pl.col("population").first())
        .with_columns((pl.col("amount_gbp").cast(pl.Float64) / pl.col("population")).round(4)
                      .alias("amount_per_resident_gbp"))
        .sort("area")
    )
    return {"by_area_year": by_year, "by_area": by_area, "coverage": out["coverage"], "colours": out["colours"]}


def coverage(db: Database, filters: Filters) -> dict[str, pl.DataFrame]:
    """How covered each area and year is, with its documents, and what each document covers."""
    return db.ask({"grid": ("coverage", filters), "documents": ("coverage_documents", filters)})


# The kinds of gap, in the order the gap list shows them, and the column of queries/data_quality
# that counts each.
GAP_KINDS = (("no amount", "missing_amount_count"), ("no funding stream", "missing_funding_stream_count"),
             ("no provider", "missing_provider_count"), ("no theme", "missing_theme_count"))


def gap_kinds(gaps: pl.DataFrame, limit: int | None) -> list[str] | None:
    """The kinds of gap the first `limit` rows of the gap list reach, from the gaps counted by area
    and year (None: every kind). At 10M awards the first kind alone fills a page of rows, and each
    kind left out is a scan of the awards with a gap not made."""
    if limit is None:
        return None
    kinds, reached = [], 0
    for kind, column in GAP_KINDS:
        if reached >= limit:
            break
        count = gaps[column].sum() or 0
        if count:
            kinds.append(kind)
            reached += count
    return kinds


def data_quality(db: Database, filters: Filters, limit: int | None = None) -> dict[str, pl.DataFrame]:
    """Stated totals against their lines, gaps by area and year, and every gap (the first
    `limit`, or all) with its source."""
    gaps = db.query("data_quality", filters)
    return {"gaps": gaps, **db.ask({
        "reconciliation": ("reconciliation", filters),
        "reconciled_awards": ("reconciliation_awards", filters),
        "issues": ("data_quality_issues", filters, {"row_limit": limit, "kinds": gap_kinds(gaps, limit)}),
    })}


_PARAGRAPH = re.compile(r"(?:paragraph|para\.?)\s+(\d+(?:\.\d+)*)", re.IGNORECASE)


def locate(lines: list[str], locator: str) -> list[int]:
    """Line numbers (from 1) where a locator ('Paragraph 4.3, Grant Agreements', 'Appendix 1')
    points in a document's text; empty when it cannot be found."""
    found = _PARAGRAPH.search(locator or "")
    if found:
        number = found.group(1)
        hits = [i for i, line in enumerate(lines, 1) if re.match(rf"\s*{re.escape(number)}\b(?!\.\d)", line)]
        if hits:
            return hits[:1]
    for part in (locator or "").split(","):
        needle = part.strip().lower()
        if len(needle) >= 4:
            starts = [i for i, line in enumerate(lines, 1) if line.strip().lower().startswith(needle)]
            hits = starts or [i for i, line in enumerate(lines, 1) if needle in line.lower()]
            if hits:
                return hits[:1]
    return []


def sources(db: Database, filters: Filters, doc: str | None = None, at: str = "") -> dict[str, pl.DataFrame]:
    """The source documents (with how many filtered awards each holds) and the text of one,
    line by line, with the lines the locator `at` points to marked."""
    documents = db.query("source_documents", filters)
    text = pl.DataFrame(schema={"line": pl.Int64, "text": pl.String, "is_located": pl.Boolean})
    row = documents.filter(pl.col("source_id") == doc) if doc else documents.clear()
    name = row["file_name"][0] if row.height else None
    if name:  # file_name is optional: a document may be registered without its text
        path = db.data.sources_dir / Path(name).name  # a bare file name: never a path out of the folder
        if path.is_file():
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            located = set(locate(lines, at))
            text = pl.DataFrame({"line": range(1, len(lines) + 1), "text": lines,
                                 "is_located": [i in located for i in range(1, len(lines) + 1)]},
                                schema=text.schema)
    return {"documents": documents, "text": text}
