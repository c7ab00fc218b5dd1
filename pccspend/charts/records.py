"""Charts of providers, areas and data quality."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from pccspend.charts.base import (
    ALL_OTHERS, ALL_OTHERS_COLOUR, HEIGHT, HIGHLIGHT, LIGHT, NEUTRAL, NO_DOCUMENTS, _esc, _float, _hover,
    _labels, _layout, _money_axis, bar, chart_years, colour_of, empty_figure, figure,
)
from pccspend.charts.spend import stacked_chart
from pccspend import coverage as cover
from pccspend.money import gbp


# Providers ---------------------------------------------------------------------------------


def top_providers_chart(frame: pl.DataFrame) -> go.Figure:
    """Top providers by spend with one grey 'All others' bar (queries/spend_by_provider)."""
    title = "Top providers by spend"
    if frame.is_empty():
        return empty_figure(title=title)
    rows = frame.to_dicts()  # already ranked, 'All others' last
    names = [r["provider"] + (f" ({r['provider_count']} providers)" if r["provider"] == ALL_OTHERS else "")
             for r in rows]
    labels = _labels(names)
    amounts = [_float(r["amount_gbp"]) for r in rows]
    fig = figure(bar(
        orientation="h", y=labels, x=[a or 0.0 for a in amounts],
        marker_color=[ALL_OTHERS_COLOUR if r["provider"] == ALL_OTHERS else NEUTRAL for r in rows],
        text=[gbp(a) if a is not None else "amount not stated" for a in amounts],
        textposition="outside", cliponaxis=False,
        customdata=[[r["provider"], _hover(r["amount_gbp"], r["award_count"]), _esc(n)] for r, n in zip(rows, names)],
        hovertemplate="<b>%{customdata[2]}</b><br>%{customdata[1]}<extra></extra>",  # the whole name
    ))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels, title_text="")
    _money_axis(fig, [a * 1.45 if a else a for a in amounts], "x")
    return _layout(fig, title, height=max(240, 90 + 40 * len(rows)))


def mechanism_share_chart(frame: pl.DataFrame) -> go.Figure:
    """Share of spend by mechanism (queries/spend_by_mechanism); single tender stands out."""
    title = "Share of spend by mechanism"
    if frame.is_empty():
        return empty_figure(title=title)
    rows = frame.sort("share_of_spend", descending=True, nulls_last=True).to_dicts()
    shares = [r["share_of_spend"] or 0.0 for r in rows]
    fig = figure(bar(
        orientation="h", y=[_esc(r["mechanism"]) for r in rows], x=shares,
        marker_color=[HIGHLIGHT if r["mechanism"] == "single tender action" else LIGHT for r in rows],
        text=[f"{s:.1%}" for s in shares], textposition="outside", cliponaxis=False,
        customdata=[[r["mechanism"], _hover(r["amount_gbp"], r["award_count"])] for r in rows],
        hovertemplate="<b>%{y}</b>: %{x:.1%}<br>%{customdata[1]}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title_text="")
    fig.update_xaxes(tickformat=".0%", range=[0, max(shares + [0.1]) * 1.2], title_text="Share of spend",
                     gridcolor="#E6E6E6")
    return _layout(fig, title, height=max(240, 90 + 38 * len(rows)))


def provider_profile_chart(frame: pl.DataFrame, provider: str, coverage: pl.DataFrame | None = None) -> go.Figure:
    """One provider's awards by financial year, stacked by theme (queries/spend_by_year filtered
    to the provider), every year from its first to its last award."""
    title = f"Awards to {provider} by financial year"
    if frame.is_empty():
        return empty_figure(f"No awards to {provider} under these filters.", title)
    years = set(frame["financial_year"].to_list())
    if coverage is not None:  # the provider's own span, not the register's
        first, last = min(years), max(years)
        coverage = coverage.filter(pl.col("financial_year").is_between(pl.lit(first), pl.lit(last)))
    return stacked_chart(frame, "financial_year", "theme", title, coverage=coverage)


# Areas -------------------------------------------------------------------------------------


COVERAGE_DIFFERS = "coverage differs"


def area_chart(frame: pl.DataFrame, measure: str = "amount_gbp", coverage: pl.DataFrame | None = None,
               colours: pl.DataFrame | None = None) -> go.Figure:
    """Spend (or spend per resident) by area and financial year (queries/area_comparison), every
    year of the span. With `coverage` (queries/coverage): an area-year no document covers reads
    'no documents', a covered one without awards '£0', and areas covered differently from the
    others in some year are named '(coverage differs)' in the legend."""
    per_resident = measure == "amount_per_resident_gbp"
    title = "Spend per resident by area and financial year" if per_resident else "Spend by area and financial year"
    if frame.is_empty():
        return empty_figure(title=title)
    years = chart_years(frame, coverage)
    areas = sorted(set(frame["area"].to_list()))
    cells = {} if coverage is None else {(a, y): (c, s) for a, y, c, s in
                                         coverage.select("area", "financial_year", "coverage", "streams").rows()}
    differs = _differing_areas(cells, areas, years)
    colour = colour_of("area", colours, areas)
    fig = figure()
    for area in areas:
        rows = {r["financial_year"]: r for r in frame.filter(pl.col("area") == area).to_dicts()}
        values = [_float(rows[y][measure]) if y in rows else None for y in years]
        level = {y: cells.get((area, y), ("none" if cells else None, None)) for y in years}
        marks = ["" if y in rows else (NO_DOCUMENTS if level[y][0] in ("none", None) else "£0") for y in years]
        name = f"{area} ({COVERAGE_DIFFERS})" if area in differs else area
        fig.add_trace(bar(
            name=_esc(name), x=years, y=[0.0 if m else v for v, m in zip(values, marks)],
            marker_color=colour(area),
            text=marks, textposition="outside", textangle=-90, cliponaxis=False,
            customdata=[[y, _area_hover(rows.get(y), per_resident)
                         + (f"<br>coverage: {_esc(cover.year_label(*level[y]))}" if level[y][0] else "")]
                        for y in years],
            hovertemplate=f"<b>{_esc(area)}</b> · %{{x}}<br>%{{customdata[1]}}<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, title_text="Financial year")
    values = [_float(v) for v in frame[measure]]
    if per_resident:
        top = max([v for v in values if v is not None] + [0.01])
        fig.update_yaxes(tickprefix="£", tickformat=",.2f", range=[0, top * 1.15],
                         title_text="Spend per resident", gridcolor="#E6E6E6")
    else:
        _money_axis(fig, values, "y")
    return _layout(fig, title, legend=True, height=HEIGHT + 40)


def _differing_areas(cells: dict, areas: list[str], years: list[str]) -> set[str]:
    """Areas whose coverage in some year differs from another area's that year."""
    out = set()
    for year in years:
        seen = {area: cells.get((area, year), ("none", None)) for area in areas}
        if len(set(seen.values())) > 1:
            out |= set(areas)
    return out if cells else set()


def _area_hover(row: dict | None, per_resident: bool) -> str:
    if row is None:
        return "no awards"
    text = _hover(row["amount_gbp"], row["award_count"])
    if row.get("amount_per_resident_gbp") is not None:
        text += f"<br>£{float(row['amount_per_resident_gbp']):,.2f} per resident"
    if row.get("population"):
        text += f"<br>population {row['population']:,} (Census 2021)"
    return text


# Data quality ------------------------------------------------------------------------------


def reconciliation_chart(frame: pl.DataFrame) -> go.Figure:
    """How far each stated total is from the sum of its lines (queries/reconciliation): zero means
    the document adds up; a difference is dark."""
    title = "Stated total minus the sum of its lines"
    if frame.is_empty():
        return empty_figure("No stated totals under these filters.", title)
    rows = frame.to_dicts()
    # What the document calls the total, shortened; its id in the hover and the table.
    names = _labels(r["description"] or r["total_id"] for r in rows)
    diffs = [_float(r["difference_gbp"]) for r in rows]
    fig = figure(bar(
        orientation="h", y=names, x=[d or 0.0 for d in diffs],
        marker_color=[LIGHT if not d else HIGHLIGHT for d in diffs],
        text=[("adds up" if d == 0 else ("+" if d > 0 else "") + gbp(d)) if d is not None else "no lines"
              for d in diffs],
        textposition="outside", cliponaxis=False,
        customdata=[[r["total_id"], _esc(r["description"]), gbp(r["stated_total_gbp"]),
                     gbp(r["line_sum_gbp"], missing="no lines"), _esc(r["total_id"])] for r in rows],
        hovertemplate=("<b>%{customdata[1]}</b><br>%{customdata[4]}<br>stated: %{customdata[2]}<br>"
                       "sum of the lines: %{customdata[3]}<extra></extra>"),
    ))
    fig.update_yaxes(autorange="reversed", title_text="", categoryorder="array", categoryarray=names)
    present = [d for d in diffs if d is not None] or [0.0]
    _money_axis(fig, [min(present) * 1.3, max(present) * 1.3], "x", "Difference (stated minus lines)")
    return _layout(fig, title, height=max(260, 100 + 36 * len(rows)))


# Greys told apart by shade and pattern: the Okabe-Ito colours are kept for themes and streams.
GAP_COLUMNS = {
    "missing_amount_count": ("no amount", "#1F262E", ""),
    "missing_theme_count": ("no theme", "#56606B", "/"),
    "missing_funding_stream_count": ("no funding stream", "#8C96A0", "."),
    "missing_provider_count": ("no provider", "#C5CBD1", "x"),
}


def data_gaps_chart(frame: pl.DataFrame) -> go.Figure:
    """Awards with a gap, by area and kind of gap (queries/data_quality)."""
    title = "Awards with gaps, by area"
    if frame.is_empty():
        return empty_figure(title=title)
    by_area = frame.group_by("area").agg(pl.col(c).sum() for c in ["award_count", *GAP_COLUMNS]).sort("area")
    fig = figure()
    for column, (name, colour, pattern) in GAP_COLUMNS.items():
        fig.add_trace(bar(
            name=name, x=[_esc(a) for a in by_area["area"]], y=by_area[column].to_list(),
            marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="white", solidity=0.3)),
            customdata=[[a, n] for a, n in zip(by_area["area"], by_area["award_count"])],
            hovertemplate=f"<b>%{{x}}</b><br>%{{y}} of %{{customdata[1]}} awards: {name}<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="Awards", rangemode="tozero", gridcolor="#E6E6E6", tickformat=",d")
    fig.update_xaxes(title_text="")
    return _layout(fig, title, legend=True)
