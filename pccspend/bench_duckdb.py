"""The plain DuckDB peer the benchmark compares against: what a careful user would write with
DuckDB alone, a view on the awards parquet (no rollups, no copies, no cached answers) and each
page's questions as plain SQL, run one by one, each on its own cursor, answers fetched as Polars.

Filter values are always `$name` parameters, never pasted into the SQL; every question filters
the awards with the same WHERE clause (FILTERED below; empty lists mean "all"). The SQL here is
the peer's own, independent of queries/*.sql. It is a yardstick, not part of the product."""

from __future__ import annotations

import functools
import re

import duckdb
import polars as pl

from pccspend.filters import MAX_TEXT, Filters
from pccspend.fy import fy_start

FILTERED = """
with filtered as (
    select *
    from awards
    where list_contains($statuses, status)
        and ($include_unpublished or is_public)
        and (len($areas) = 0 or list_contains($areas, area))
        and ($from_fy is null or fy_start >= $from_fy)
        and ($to_fy is null or fy_start <= $to_fy)
        and (len($themes) = 0 or list_contains($themes, theme)
             or (theme is null and list_contains($themes, 'Not stated')))
        and (len($funding_streams) = 0 or list_contains($funding_streams, funding_stream)
             or (funding_stream is null and list_contains($funding_streams, 'Not stated')))
        and (len($providers) = 0 or list_contains($providers, provider)
             or (provider is null and list_contains($providers, 'Not stated')))
        and (len($mechanisms) = 0 or list_contains($mechanisms, mechanism))
        and ($min_amount is null or amount_gbp >= $min_amount)
        and ($max_amount is null or amount_gbp <= $max_amount)
        and ($search = '' or contains(lower(service), lower($search)) or contains(lower(provider), lower($search))
             or contains(lower(description), lower($search)))
)
"""

# Spend, awards and awards without an amount: the measures of every breakdown.
SQL = {
    "kpis": FILTERED + """
        select sum(amount_gbp) as amount_gbp, count(*) as award_count,
            count(distinct provider) as provider_count,
            count(*) - count(amount_gbp) as missing_amount_count
        from filtered""",
    "by_theme": FILTERED + """
        select coalesce(theme, 'Not stated') as theme, sum(amount_gbp) as amount_gbp,
            count(*) as award_count, count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1 order by 1""",
    "by_stream": FILTERED + """
        select coalesce(funding_stream, 'Not stated') as funding_stream, sum(amount_gbp) as amount_gbp,
            count(*) as award_count, count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1 order by 1""",
    "by_year_theme": FILTERED + """
        select financial_year, coalesce(theme, 'Not stated') as theme, sum(amount_gbp) as amount_gbp,
            count(*) as award_count, count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1, 2 order by 1, 2""",
    "by_year_stream": FILTERED + """
        select financial_year, coalesce(funding_stream, 'Not stated') as funding_stream,
            sum(amount_gbp) as amount_gbp, count(*) as award_count,
            count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1, 2 order by 1, 2""",
    "year_on_year": FILTERED + """
        select financial_year, sum(amount_gbp) as amount_gbp, count(*) as award_count,
            count(*) - count(amount_gbp) as missing_amount_count,
            sum(amount_gbp) - lag(sum(amount_gbp)) over (order by financial_year) as change_gbp
        from filtered group by 1 order by 1""",
    "hierarchy": FILTERED + """
        select coalesce(theme, 'Not stated') as theme,
            coalesce(funding_stream, 'Not stated') as funding_stream, service,
            sum(amount_gbp) as amount_gbp, count(*) as award_count,
            count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1, 2, 3 order by 1, 2, 3""",
    "commitments": FILTERED + """
        select financial_year, status, sum(amount_gbp) as amount_gbp, count(*) as award_count,
            count(*) - count(amount_gbp) as missing_amount_count
        from filtered where commitment_id is not null group by 1, 2 order by 1, 2""",
    "by_provider": FILTERED + """
        select coalesce(provider, 'Not stated') as provider, sum(amount_gbp) as amount_gbp,
            count(*) as award_count, count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1 order by amount_gbp desc nulls last, provider""",
    "by_mechanism": FILTERED + """
        select mechanism, sum(amount_gbp) as amount_gbp, count(*) as award_count,
            count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1 order by 1""",
    "profile": FILTERED + """
        select financial_year, coalesce(theme, 'Not stated') as theme, sum(amount_gbp) as amount_gbp,
            count(*) as award_count, count(*) - count(amount_gbp) as missing_amount_count
        from filtered where coalesce(provider, 'Not stated') = $profile
        group by 1, 2 order by 1, 2""",
    "profile_awards": FILTERED + """
        select * from filtered where coalesce(provider, 'Not stated') = $profile
        order by area, fy_start, award_id limit $row_limit""",
    "awards": FILTERED + """
        select * from filtered order by area, fy_start, award_id limit $row_limit""",
    "count": FILTERED + """
        select count(*) as award_count from filtered""",
    "by_area_year": FILTERED + """
        select area, financial_year, sum(amount_gbp) as amount_gbp, count(*) as award_count,
            count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1, 2 order by 1, 2""",
    "by_area": FILTERED + """
        select area, sum(amount_gbp) as amount_gbp, count(*) as award_count,
            count(*) - count(amount_gbp) as missing_amount_count
        from filtered group by 1 order by 1""",
    "gaps": FILTERED + """
        select area, financial_year,
            count(*) filter (where amount_gbp is null) as no_amount,
            count(*) filter (where theme is null) as no_theme,
            count(*) filter (where funding_stream is null) as no_stream,
            count(*) filter (where provider is null) as no_provider
        from filtered group by 1, 2 order by 1, 2""",
    "issues": FILTERED + """
        select *, amount_gbp is null as no_amount, theme is null as no_theme,
            funding_stream is null as no_stream, provider is null as no_provider
        from filtered
        where amount_gbp is null or theme is null or funding_stream is null or provider is null
        order by area, fy_start, award_id limit $row_limit""",
}
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


@functools.cache
def _needs(name: str) -> frozenset[str]:
    return frozenset(_PARAM.findall(SQL[name]))


def load(awards_parquet: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.read_parquet(awards_parquet).create_view("awards")
    return con


def params(f: Filters) -> dict:
    """The filter state as the `$name` values FILTERED binds."""
    return {
        "statuses": f.effective_statuses(),
        "include_unpublished": bool(f.include_unpublished),
        "areas": list(f.areas),
        "from_fy": fy_start(f.from_year) if f.from_year else None,
        "to_fy": fy_start(f.to_year) if f.to_year else None,
        "themes": list(f.themes),
        "funding_streams": list(f.funding_streams),
        "providers": list(f.providers),
        "mechanisms": list(f.mechanisms),
        "min_amount": f.min_amount,
        "max_amount": f.max_amount,
        "search": (f.search or "")[:MAX_TEXT],
    }


def ask(con: duckdb.DuckDBPyConnection, name: str, f: Filters, **extra) -> pl.DataFrame:
    """One question on its own cursor."""
    values = {**params(f), **extra}
    cur = con.cursor()
    try:
        return cur.sql(SQL[name], params={k: values[k] for k in _needs(name)}).pl()
    finally:
        cur.close()


def _level(hierarchy: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """An answer summed over coarser groups, client side (missing stays missing)."""
    return (
        hierarchy.group_by(by)
        .agg(pl.col("amount_gbp").sum(), pl.col("amount_gbp").count().alias("has"),
             pl.col("award_count").sum(), pl.col("missing_amount_count").sum())
        .with_columns(pl.when(pl.col("has") > 0).then(pl.col("amount_gbp")).alias("amount_gbp"))
        .drop("has")
        .sort(by)
    )


def overview(con, f):
    return {"kpis": ask(con, "kpis", f), "by_theme": ask(con, "by_theme", f),
            "by_stream": ask(con, "by_stream", f), "by_year": ask(con, "by_year_theme", f),
            "year_on_year": ask(con, "year_on_year", f)}


def themes(con, f):
    hierarchy = ask(con, "hierarchy", f)
    return {"hierarchy": hierarchy, "level": _level(hierarchy, ["theme"])}


def funding_streams(con, f):
    hierarchy = ask(con, "hierarchy", f)
    return {"by_stream": ask(con, "by_stream", f),
            "by_stream_theme": _level(hierarchy, ["funding_stream", "theme"]),
            "by_year_stream": ask(con, "by_year_stream", f), "services": hierarchy}


def years(con, f):
    return {"by_year_theme": ask(con, "by_year_theme", f), "by_year_stream": ask(con, "by_year_stream", f),
            "commitments": ask(con, "commitments", f)}


def providers(con, f, top_n: int = 10, limit: int | None = None):
    every = ask(con, "by_provider", f)
    name = every["provider"][0] if every.height else None  # no provider: the profile answers empty
    return {
        "top": every.head(top_n),
        "mechanisms": ask(con, "by_mechanism", f),
        "providers": every,
        "profile": ask(con, "profile", f, profile=name),
        "profile_awards": ask(con, "profile_awards", f, profile=name, row_limit=limit),
    }


def awards(con, f, limit: int | None = None):
    return {"awards": ask(con, "awards", f, row_limit=limit), "count": ask(con, "count", f)["award_count"][0]}


def compare_areas(con, f):
    return {"by_area_year": ask(con, "by_area_year", f), "by_area": ask(con, "by_area", f)}


def data_quality(con, f, limit: int | None = None):
    return {"gaps": ask(con, "gaps", f), "issues": ask(con, "issues", f, row_limit=limit)}


PAGES = {
    "overview": overview, "themes": themes, "funding_streams": funding_streams, "years": years,
    "providers": providers, "awards": awards, "compare_areas": compare_areas, "data_quality": data_quality,
}
