"""The Polars peer the benchmark compares against: a Streamlit app holding the awards parquet in
memory as one Polars DataFrame and asking it lazy queries on every rerun.

Loaded the way a careful Polars user would: amounts as Float64, a missing theme, funding stream or
provider labelled 'Not stated' once (as the charts show it), and the text columns with few distinct
values as categoricals. Each filter state becomes one predicate expression, pushed once
(`df.lazy().filter(expr)`); a page's questions hang off that one filtered frame and are collected
together with `pl.collect_all`, so the filter runs once per page (common subplan elimination).
A sum over nothing but missing amounts stays missing (Polars would say 0). It is a yardstick,
not part of the product."""

from __future__ import annotations

import polars as pl

from pccspend.filters import MAX_TEXT, Filters
from pccspend.fy import fy_start

NOT_STATED = "Not stated"
LABELLED = ("theme", "funding_stream", "provider")  # a missing value is shown as 'Not stated'
# Text columns with few distinct values (tens to ~20,000 in a national register of millions).
CATEGORICAL = ("area", "funder", "financial_year", "theme", "plan_priority", "funding_stream", "service",
               "provider", "provider_sector", "mechanism", "status", "source_id")
GAPS = ("no_amount", "no_theme", "no_stream", "no_provider")


def load(awards_parquet: str) -> pl.DataFrame:
    return (
        pl.scan_parquet(awards_parquet)
        .with_columns(pl.col("amount_gbp").cast(pl.Float64), pl.col(LABELLED).fill_null(NOT_STATED))
        .with_columns(pl.col(CATEGORICAL).cast(pl.Categorical))
        .collect()
    )


def predicate(f: Filters) -> pl.Expr:
    """The filter state as one expression (empty choices mean "all")."""
    tests = [pl.col("status").is_in(f.effective_statuses())]
    if not f.include_unpublished:
        tests.append(pl.col("is_public"))
    if f.areas:
        tests.append(pl.col("area").is_in(f.areas))
    if f.from_year:
        tests.append(pl.col("fy_start") >= fy_start(f.from_year))
    if f.to_year:
        tests.append(pl.col("fy_start") <= fy_start(f.to_year))
    for column, values in (("theme", f.themes), ("funding_stream", f.funding_streams),
                           ("provider", f.providers), ("mechanism", f.mechanisms)):
        if values:
            tests.append(pl.col(column).is_in(values))
    if f.min_amount is not None:
        tests.append(pl.col("amount_gbp") >= float(f.min_amount))
    if f.max_amount is not None:
        tests.append(pl.col("amount_gbp") <= float(f.max_amount))
    if f.search:
        # Found in the service, the provider or the description, as the query layer searches (a
        # missing provider is no text, not 'Not stated').
        needle = f.search[:MAX_TEXT].lower()
        provider = pl.when(pl.col("provider") != NOT_STATED).then(pl.col("provider").cast(pl.String))
        tests.append(pl.any_horizontal(
            text.str.to_lowercase().str.contains(needle, literal=True).fill_null(False)
            for text in (pl.col("service").cast(pl.String), provider, pl.col("description"))))
    return pl.all_horizontal(tests)


def filtered(df: pl.DataFrame, f: Filters) -> pl.LazyFrame:
    return df.lazy().filter(predicate(f))


def _agg(lf: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    """Spend, awards and awards without an amount per group, sorted by the group."""
    return (
        lf.group_by(by)
        .agg(pl.col("amount_gbp").sum(), pl.col("amount_gbp").count().alias("has"),
             pl.len().alias("award_count"), pl.col("amount_gbp").null_count().alias("missing_amount_count"))
        .with_columns(pl.when(pl.col("has") > 0).then(pl.col("amount_gbp")).alias("amount_gbp"))
        .drop("has")
        .sort(by)
    )


def _resum(lf: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    """Sums of an `_agg` answer over coarser groups (missing stays missing)."""
    return (
        lf.group_by(by)
        .agg(pl.col("amount_gbp").sum(), pl.col("amount_gbp").count().alias("has"),
             pl.col("award_count").sum(), pl.col("missing_amount_count").sum())
        .with_columns(pl.when(pl.col("has") > 0).then(pl.col("amount_gbp")).alias("amount_gbp"))
        .drop("has")
        .sort(by)
    )


def _total() -> pl.Expr:
    return pl.when(pl.col("amount_gbp").count() > 0).then(pl.col("amount_gbp").sum()).alias("amount_gbp")


def _collect(named: dict[str, pl.LazyFrame]) -> dict[str, pl.DataFrame]:
    return dict(zip(named, pl.collect_all(list(named.values()))))


def overview(df, f):
    lf = filtered(df, f)
    kpis = lf.select(
        _total(), pl.len().alias("award_count"),
        pl.col("provider").filter(pl.col("provider") != NOT_STATED).n_unique().alias("provider_count"),
        pl.col("amount_gbp").null_count().alias("missing_amount_count"),
    )
    return _collect({
        "kpis": kpis,
        "by_theme": _agg(lf, ["theme"]),
        "by_stream": _agg(lf, ["funding_stream"]),
        "by_year": _agg(lf, ["financial_year", "theme"]),
        "year_on_year": _agg(lf, ["financial_year"]).with_columns(change_gbp=pl.col("amount_gbp").diff()),
    })


def themes(df, f):
    hierarchy = _agg(filtered(df, f), ["theme", "funding_stream", "service"])
    return _collect({"hierarchy": hierarchy, "level": _resum(hierarchy, ["theme"])})


def funding_streams(df, f):
    lf = filtered(df, f)
    hierarchy = _agg(lf, ["theme", "funding_stream", "service"])
    return _collect({
        "by_stream": _agg(lf, ["funding_stream"]),
        "by_stream_theme": _resum(hierarchy, ["funding_stream", "theme"]),
        "by_year_stream": _agg(lf, ["financial_year", "funding_stream"]),
        "services": hierarchy,
    })


def years(df, f):
    lf = filtered(df, f)
    return _collect({
        "by_year_theme": _agg(lf, ["financial_year", "theme"]),
        "by_year_stream": _agg(lf, ["financial_year", "funding_stream"]),
        "commitments": _agg(lf.filter(pl.col("commitment_id").is_not_null()), ["financial_year", "status"]),
    })


def providers(df, f, top_n: int = 10, limit: int | None = None):
    lf = filtered(df, f)
    every = _agg(lf, ["provider"]).sort(["amount_gbp", "provider"], descending=[True, False], nulls_last=True)
    out = _collect({"providers": every, "mechanisms": _agg(lf, ["mechanism"])})
    # The biggest provider's profile: its name, then its awards (a semi join on the ranking's
    # first row, in the same plan, is several times slower than an equality test).
    name = out["providers"]["provider"][0] if out["providers"].height else None
    chosen = lf.filter(pl.col("provider") == name if name is not None else pl.lit(False))
    rows = chosen.sort(["area", "fy_start", "award_id"])
    out |= _collect({"profile": _agg(chosen, ["financial_year", "theme"]),
                     "profile_awards": rows if limit is None else rows.head(limit)})
    return {"top": out["providers"].head(top_n), **out}


def awards(df, f, limit: int | None = None):
    lf = filtered(df, f)
    rows = lf.sort(["area", "fy_start", "award_id"])
    out = _collect({"awards": rows if limit is None else rows.head(limit), "count": lf.select(pl.len())})
    return {"awards": out["awards"], "count": out["count"].item()}


def compare_areas(df, f):
    lf = filtered(df, f)
    return _collect({"by_area_year": _agg(lf, ["area", "financial_year"]), "by_area": _agg(lf, ["area"])})


def data_quality(df, f, limit: int | None = None):
    flagged = filtered(df, f).with_columns(
        no_amount=pl.col("amount_gbp").is_null(), no_theme=pl.col("theme") == NOT_STATED,
        no_stream=pl.col("funding_stream") == NOT_STATED, no_provider=pl.col("provider") == NOT_STATED,
    )
    per = flagged.group_by(["area", "financial_year"]).agg(pl.col(GAPS).sum()).sort("area", "financial_year")
    issues = flagged.filter(pl.any_horizontal(GAPS))  # in stored order (area, year, award)
    return _collect({"gaps": per, "issues": issues if limit is None else issues.head(limit)})


PAGES = {
    "overview": overview, "themes": themes, "funding_streams": funding_streams, "years": years,
    "providers": providers, "awards": awards, "compare_areas": compare_areas, "data_quality": data_quality,
}
