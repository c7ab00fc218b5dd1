"""The pandas peer the benchmark compares against: what a user would otherwise build, a
Streamlit app holding the parquet in one pandas DataFrame and grouping it on every rerun.

It answers each page's questions with the equivalent pandas operations (money as float64, as such
an app would hold it). It is a yardstick, not part of the product."""

from __future__ import annotations

import pandas as pd

from pccspend.filters import Filters
from pccspend.fy import fy_start

NOT_STATED = "Not stated"


def load(awards_parquet: str) -> pd.DataFrame:
    df = pd.read_parquet(awards_parquet)
    df["amount_gbp"] = df["amount_gbp"].astype("float64")
    for col in ("theme", "funding_stream", "provider"):
        df[col] = df[col].fillna(NOT_STATED)
    return df


def _mask(df: pd.DataFrame, f: Filters) -> pd.Series:
    m = df["status"].isin(f.effective_statuses())
    if not f.include_unpublished:
        m &= df["is_public"]
    if f.areas:
        m &= df["area"].isin(f.areas)
    if f.from_year:
        m &= df["fy_start"] >= fy_start(f.from_year)
    if f.to_year:
        m &= df["fy_start"] <= fy_start(f.to_year)
    for col, values in (("theme", f.themes), ("funding_stream", f.funding_streams),
                        ("provider", f.providers), ("mechanism", f.mechanisms)):
        if values:
            m &= df[col].isin(values)
    if f.min_amount is not None:
        m &= df["amount_gbp"] >= float(f.min_amount)
    if f.max_amount is not None:
        m &= df["amount_gbp"] <= float(f.max_amount)
    if f.search:
        # Found in the service, the provider or the description (a missing provider is no text).
        needle = f.search.lower()
        provider = df["provider"].where(df["provider"] != NOT_STATED, "")
        m &= (df["service"].fillna("").str.lower().str.contains(needle, regex=False)
              | provider.str.lower().str.contains(needle, regex=False)
              | df["description"].fillna("").str.lower().str.contains(needle, regex=False))
    return m


def _agg(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    # Vectorised (no per-group lambdas): how a careful pandas user would write it.
    work = df[by].copy()
    work["amount_gbp"] = df["amount_gbp"]
    work["has_amount"] = df["amount_gbp"].notna()
    work["missing"] = ~work["has_amount"]
    g = work.groupby(by, dropna=False, observed=True, sort=True)
    out = g.agg(amount_gbp=("amount_gbp", "sum"), has=("has_amount", "sum"),
                award_count=("missing", "size"), missing_amount_count=("missing", "sum")).reset_index()
    out.loc[out["has"] == 0, "amount_gbp"] = float("nan")
    return out.drop(columns="has")


def overview(df, f):
    d = df[_mask(df, f)]
    by_year = _agg(d, ["financial_year"])
    by_year["change_gbp"] = by_year["amount_gbp"].diff()
    return {
        # min_count=1: a sum of nothing but missing amounts stays missing (pandas would say 0)
        "kpis": pd.DataFrame({"amount_gbp": [d["amount_gbp"].sum(min_count=1)], "award_count": [len(d)],
                              "provider_count": [d.loc[d["provider"] != NOT_STATED, "provider"].nunique()],
                              "missing_amount_count": [d["amount_gbp"].isna().sum()]}),
        "by_theme": _agg(d, ["theme"]),
        "by_stream": _agg(d, ["funding_stream"]),
        "by_year": _agg(d, ["financial_year", "theme"]),
        "year_on_year": by_year,
    }


def themes(df, f):
    d = df[_mask(df, f)]
    hierarchy = _agg(d, ["theme", "funding_stream", "service"])
    return {"hierarchy": hierarchy, "level": hierarchy.groupby("theme", as_index=False)["amount_gbp"].sum(min_count=1)}


def funding_streams(df, f):
    d = df[_mask(df, f)]
    hierarchy = _agg(d, ["theme", "funding_stream", "service"])
    return {
        "by_stream": _agg(d, ["funding_stream"]),
        "by_stream_theme": hierarchy.groupby(["funding_stream", "theme"], as_index=False)["amount_gbp"].sum(min_count=1),
        "by_year_stream": _agg(d, ["financial_year", "funding_stream"]),
        "services": hierarchy,
    }


def years(df, f):
    d = df[_mask(df, f)]
    c = d[d["commitment_id"].notna()]
    return {
        "by_year_theme": _agg(d, ["financial_year", "theme"]),
        "by_year_stream": _agg(d, ["financial_year", "funding_stream"]),
        "commitments": _agg(c, ["financial_year", "status"]),
    }


def providers(df, f, top_n: int = 10, limit: int | None = None):
    d = df[_mask(df, f)]
    every = _agg(d, ["provider"]).sort_values(["amount_gbp", "provider"], ascending=[False, True])
    top = every.head(top_n)
    name = every["provider"].iloc[0] if len(every) else None
    chosen = d[d["provider"] == name]
    rows = chosen.sort_values(["area", "fy_start", "award_id"])
    return {
        "top": top,
        "mechanisms": _agg(d, ["mechanism"]),
        "providers": every,
        "profile": _agg(chosen, ["financial_year", "theme"]),
        "profile_awards": rows if limit is None else rows.head(limit),
    }


def awards(df, f, limit: int | None = None):
    d = df[_mask(df, f)].sort_values(["area", "fy_start", "award_id"])
    return {"awards": d if limit is None else d.head(limit), "count": len(d)}


def compare_areas(df, f):
    d = df[_mask(df, f)]
    return {"by_area_year": _agg(d, ["area", "financial_year"]), "by_area": _agg(d, ["area"])}


def data_quality(df, f, limit: int | None = None):
    d = df[_mask(df, f)]
    gaps = d.assign(no_theme=d["theme"] == NOT_STATED, no_stream=d["funding_stream"] == NOT_STATED,
                    no_provider=d["provider"] == NOT_STATED, no_amount=d["amount_gbp"].isna())
    per = gaps.groupby(["area", "financial_year"], observed=True)[["no_amount", "no_theme", "no_stream", "no_provider"]].sum()
    issues = gaps[gaps[["no_amount", "no_theme", "no_stream", "no_provider"]].any(axis=1)]
    return {"gaps": per.reset_index(), "issues": issues if limit is None else issues.head(limit)}


PAGES = {
    "overview": overview, "themes": themes, "funding_streams": funding_streams, "years": years,
    "providers": providers, "awards": awards, "compare_areas": compare_areas, "data_quality": data_quality,
}
