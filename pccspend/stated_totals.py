"""The rules between a stated total and the awards it covers: which award ids a total's
`covers_award_ids` (ids or globs) selects, and that each covered award lies inside the total's
stated scope (document, area, status, stream, years)."""

from __future__ import annotations

import re

import polars as pl

from pccspend.fy import is_financial_year
from pccspend.paths import TOTALS_CSV
from pccspend.register import AWARD_COLUMNS, TOTAL_COLUMNS
from pccspend.problems import Problem


def glob_regex(pattern: str) -> str:
    """A `covers_award_ids` glob (`*` any text, `?` one character) as an anchored regex."""
    return "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"


def covers_mask(pattern_list: str) -> pl.Expr:
    """True for the award ids a stated total covers: semicolon-separated ids or globs (`CAM-*`)."""
    patterns = [p.strip() for p in pattern_list.split(";") if p.strip()]
    return pl.any_horizontal(pl.col("award_id").str.contains(glob_regex(p)) for p in patterns) \
        if patterns else pl.lit(False)


SCOPE_FIELDS = ("source_id", "area", "status", "funding_stream", "financial_year")


def _cross_total_rules(totals: pl.DataFrame, awards: pl.DataFrame, broken_rows: set[int]) -> list[Problem]:
    """Each stated total covers at least one award, and only awards inside its stated scope.

    Awards already reported as broken are not judged again here: one message per problem.
    Vectorised per total: the register may hold millions of awards."""
    out = []
    if not set(TOTAL_COLUMNS) <= set(totals.columns) or not set(AWARD_COLUMNS) <= set(awards.columns):
        return out
    ids = awards.select("award_id", *[c for c in SCOPE_FIELDS if c != "award_id"]).with_row_index("_row") \
        .filter(pl.col("award_id").is_not_null())
    ok_ids = ids.filter(~pl.col("_row").is_in([r - 2 for r in broken_rows]))
    for i, t in enumerate(totals.iter_rows(named=True)):
        r = i + 2
        fy_ok = is_financial_year(t["from_year"] or "") and is_financial_year(t["to_year"] or "")
        if fy_ok and t["from_year"] > t["to_year"]:
            out.append(Problem(TOTALS_CSV, r, "to_year", t["to_year"], "to_year must not be before from_year"))
        if not t["covers_award_ids"]:
            continue
        for pattern in (p.strip() for p in t["covers_award_ids"].split(";")):
            if pattern and ids.filter(pl.col("award_id").str.contains(glob_regex(pattern))).height == 0:
                out.append(Problem(TOTALS_CSV, r, "covers_award_ids", pattern, "matches no award_id in awards.csv"))
        covered = ok_ids.filter(covers_mask(t["covers_award_ids"]))
        outside = {
            "source_id": pl.col("source_id").ne_missing(t["source_id"]),
            "area": pl.col("area").ne_missing(t["area"]),
            "status": pl.col("status").ne_missing(t["status"]),
            "funding_stream": pl.lit(bool(t["funding_stream"])) & pl.col("funding_stream").ne_missing(t["funding_stream"]),
            "financial_year": pl.lit(fy_ok) & (
                pl.col("financial_year").is_null()
                | (pl.col("financial_year") < (t["from_year"] or ""))
                | (pl.col("financial_year") > (t["to_year"] or ""))
            ),
        }
        for field, expr in outside.items():
            for award_id, value in covered.filter(expr).select("award_id", field).iter_rows():
                out.append(Problem(
                    TOTALS_CSV, r, "covers_award_ids", award_id,
                    f"covers an award whose {field} ({value!r}) is outside the total's scope",
                ))
    return out
