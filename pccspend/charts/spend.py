"""Charts of spend: by theme, funding stream and year, the drill-down hierarchy, commitments."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from pccspend.charts.base import (
    HEIGHT, LIGHT, NEUTRAL, NO_DOCUMENTS, NO_DOCUMENTS_FILL, STATUS_PATTERNS, colour_of, _esc, _float, _hbar, _hover, _layout,
    _labels, _money_axis, _order, bar, chart_years, empty_figure, figure, label, mark_years, status_label,
    theme_colour, treemap, year_coverage, year_span,
)
from pccspend.money import gbp, gbp_short
from pccspend.palette import SERIES, STATUS_COLOURS


def spend_by_theme_chart(frame: pl.DataFrame) -> go.Figure:
    """Spend by theme (queries/spend_by_theme), one bar per theme in its colour."""
    return _hbar(frame, "theme", "Spend by theme", theme_colour)


def spend_by_funding_stream_chart(frame: pl.DataFrame, colours: pl.DataFrame | None = None) -> go.Figure:
    """Spend by funding stream (queries/spend_by_funding_stream), each in its colour (queries/palette)."""
    return _hbar(frame, "funding_stream", "Spend by funding stream", colour_of("funding_stream", colours))


def breakdown_chart(frame: pl.DataFrame, category: str, title: str, colour_by: str | None = None,
                    colours: pl.DataFrame | None = None) -> go.Figure:
    """Bars of `amount_gbp` by any `category` column; coloured by theme or stream when that column
    is `colour_by` (the drill-down levels of the Themes page)."""
    if colour_by == "theme" and "theme" in frame.columns:
        themes = dict(zip(frame[category], frame["theme"]))
        return _hbar(frame, category, title, lambda v: theme_colour(themes.get(v)))
    if colour_by == "funding_stream" and "funding_stream" in frame.columns:
        stream = colour_of("funding_stream", colours)
        streams = dict(zip(frame[category], frame["funding_stream"]))
        return _hbar(frame, category, title, lambda v: stream(streams.get(v)))
    return _hbar(frame, category, title, lambda v: NEUTRAL)




# Stacked bars over years -------------------------------------------------------------------


def stacked_chart(frame: pl.DataFrame, x: str, stack_by: str, title: str,
                  x_title: str = "Financial year", coverage: pl.DataFrame | None = None,
                  colours: pl.DataFrame | None = None) -> go.Figure:
    """Vertical bars of `amount_gbp` by financial year `x`, stacked by `stack_by` (theme or funding
    stream colours); every year in the span, those with nothing drawn marked (`mark_years`)."""
    if frame.is_empty():
        return empty_figure(title=title)
    xs = chart_years(frame, coverage, x)
    covered = year_coverage(coverage)
    colour = colour_of(stack_by, colours, frame[stack_by].unique().drop_nulls().to_list())
    fig = figure()
    for value in _order(stack_by, frame[stack_by].to_list()):
        part = {r[x]: r for r in frame.filter(pl.col(stack_by) == value).to_dicts()}
        rows = [part.get(v) for v in xs]
        fig.add_trace(bar(
            name=_esc(label(value)),
            x=xs,
            y=[_float(r["amount_gbp"]) if r else None for r in rows],
            marker_color=colour(value),
            customdata=[[v, _hover(r["amount_gbp"], r.get("award_count"), _esc(covered.get(v, ""))) if r else ""]
                        for v, r in zip(xs, rows)],
            hovertemplate=f"<b>%{{x}}</b> · {_esc(label(value))}<br>%{{customdata[1]}}<extra></extra>",
        ))
    totals = frame.group_by(x).agg(pl.col("amount_gbp").sum())
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=xs, title_text=x_title)
    _money_axis(fig, [_float(v) for v in totals["amount_gbp"]], "y")
    mark_years(fig, xs, frame, coverage, x)
    return _layout(fig, title, legend=True, height=HEIGHT + 40)


def spend_by_year_chart(frame: pl.DataFrame, stack_by: str = "theme", coverage: pl.DataFrame | None = None,
                        colours: pl.DataFrame | None = None) -> go.Figure:
    """Spend by financial year stacked by theme (queries/spend_by_year) or by funding stream
    (queries/spend_by_year_and_stream); `coverage` (queries/coverage) marks years no document covers."""
    what = "theme" if stack_by == "theme" else "funding stream"
    return stacked_chart(frame, "financial_year", stack_by, f"Spend by financial year and {what}", coverage=coverage,
                         colours=colours)


def year_on_year_chart(frame: pl.DataFrame) -> go.Figure:
    """Change in spend from the year before (pccspend/coverage.py `year_on_year`): rises dark,
    falls light, drawn only between years covered the same way; any other year says why in words
    ('coverage changed', 'no documents')."""
    title = "Change from the previous financial year"
    if "comparison" not in frame.columns:  # the query's own answer: a change wherever it has one
        frame = frame.with_columns(pl.when(pl.col("change_gbp").is_not_null()).then(pl.lit("change"))
                                   .otherwise(pl.lit("first year")).alias("comparison"))
    rows = [r for r in frame.to_dicts() if r["comparison"] == "change"]
    years = year_span(frame["financial_year"].to_list())
    if len(years) < 2:
        return empty_figure("No two consecutive financial years to compare under these filters.", title)
    changes = [float(r["change_gbp"]) for r in rows]
    fig = figure(bar(
        x=[r["financial_year"] for r in rows],
        y=changes,
        marker_color=[NEUTRAL if c >= 0 else LIGHT for c in changes],
        # Compact on a bar a column wide ("+£8.12bn"; under £1m in full): Plotly shrinks a label to
        # its bar's width, and "+£8,123,456,789.12" became a smudge. The hover has the exact figures.
        text=[("+" if c > 0 else "") + gbp_short(c) for c in changes],
        textposition="outside",
        cliponaxis=False,
        customdata=[[r["financial_year"], f"{gbp(r['amount_gbp'])} against {gbp(r['previous_amount_gbp'])}"
                     + (f" ({r['change_share']:+.1%})" if r["change_share"] is not None else "")]
                    for r in rows],
        hovertemplate="<b>%{x}</b><br>%{customdata[1]}<extra></extra>",
    ))
    said = {r["financial_year"]: r["comparison"] for r in frame.to_dicts() if r["comparison"] not in ("change", "first year")}
    for i, year in enumerate(years):
        if year in said:
            if said[year] == NO_DOCUMENTS:
                fig.add_shape(type="rect", xref="x", yref="paper", x0=i - 0.45, x1=i + 0.45, y0=0, y1=1,
                              fillcolor=NO_DOCUMENTS_FILL, line=dict(width=0), layer="below")
            # Inside the plot, whichever way the bars go: above y=0 it ran into the title when every
            # change was a fall.
            fig.add_annotation(x=year, y=0.5, xref="x", yref="paper", text=_esc(said[year]), textangle=-90,
                               yanchor="middle", showarrow=False, font=dict(size=12, color="#555555"))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, title_text="Financial year")
    _money_axis(fig, [c * 1.2 for c in changes] or [0.0, 1.0], "y", "Change in spend")
    # What the blanks mean, under the title (a long axis title was cut off at half width).
    return _layout(fig, title, title_subtitle_text="drawn only between years covered the same way",
                   title_subtitle_font=dict(size=12, color="#555555"), margin_t=70)


# Hierarchy (drill-down shape) --------------------------------------------------------------


def hierarchy_chart(frame: pl.DataFrame, title: str = "Theme, funding stream and service") -> go.Figure:
    """A treemap of theme -> funding stream -> service (queries/theme_stream_service), sized by
    spend and coloured by theme. Amounts not stated take no area."""
    data = frame.filter(pl.col("amount_gbp").fill_null(0) > 0)
    if data.is_empty():
        return empty_figure(title=title)
    ids, labels, parents, values, colours, hovers = [], [], [], [], [], []

    def add(node_id, text, parent, value, colour, count):
        ids.append(node_id)
        labels.append(_esc(text))
        parents.append(parent)
        values.append(value)
        colours.append(colour)
        hovers.append(_hover(value, count))

    for theme in _order("theme", data["theme"].to_list()):
        t = data.filter(pl.col("theme") == theme)
        add(theme, label(theme), "", float(t["amount_gbp"].sum()), theme_colour(theme), int(t["award_count"].sum()))
        for stream in sorted(set(t["funding_stream"].to_list())):
            s = t.filter(pl.col("funding_stream") == stream)
            sid = f"{theme}/{stream}"
            add(sid, stream, theme, float(s["amount_gbp"].sum()), theme_colour(theme), int(s["award_count"].sum()))
            for r in s.to_dicts():
                add(f"{sid}/{r['service']}", r["service"], sid, float(r["amount_gbp"]),
                    theme_colour(theme), r["award_count"])
    fig = figure(treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker=dict(colors=colours, line=dict(color="white", width=1)),
        customdata=hovers, hovertemplate="<b>%{label}</b><br>%{customdata}<extra></extra>",
        texttemplate="%{label}", maxdepth=3, tiling=dict(pad=2),
    ))
    fig.update_layout(margin=dict(l=0, r=0, t=50, b=0))
    return _layout(fig, title, height=460)


# Funding streams ---------------------------------------------------------------------------


def stream_by_theme_chart(frame: pl.DataFrame) -> go.Figure:
    """What each funding stream pays for: stream bars split by theme (colours per theme)."""
    title = "What each funding stream pays for, by theme"
    if frame.is_empty():
        return empty_figure(title=title)
    # Ties (streams with the same or no spend) in name order: the same data gives the same figure.
    totals = frame.group_by("funding_stream").agg(pl.col("amount_gbp").sum()).sort(
        ["amount_gbp", "funding_stream"], descending=[True, False], nulls_last=True)
    streams = totals["funding_stream"].to_list()
    fig = figure()
    for theme in _order("theme", frame["theme"].to_list()):
        part = {r["funding_stream"]: r for r in frame.filter(pl.col("theme") == theme).to_dicts()}
        rows = [part.get(s) for s in streams]
        fig.add_trace(bar(
            orientation="h", name=_esc(label(theme)),
            y=_labels(streams),
            x=[_float(r["amount_gbp"]) if r else None for r in rows],
            marker_color=theme_colour(theme),
            customdata=[[s, _hover(r["amount_gbp"], r["award_count"]) if r else "", _esc(s)] for s, r in zip(streams, rows)],
            hovertemplate=f"<b>%{{customdata[2]}}</b> · {_esc(label(theme))}<br>%{{customdata[1]}}<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", title_text="")
    _money_axis(fig, [_float(v) for v in totals["amount_gbp"]], "x")
    return _layout(fig, title, legend=True, height=max(260, 120 + 40 * len(streams)))


# Commitments -------------------------------------------------------------------------------


def commitments_chart(frame: pl.DataFrame, coverage: pl.DataFrame | None = None) -> go.Figure:
    """Multi-year commitments (queries/commitments): each year's money, committed solid and
    optional extension hatched."""
    title = "Multi-year commitments: committed and optional extension"
    if frame.is_empty():
        return empty_figure("No multi-year commitments under these filters.", title)
    years = chart_years(frame, coverage)
    fig = figure()
    # Commitments are no stored dimension: colours of their own, given out per chart.
    colours = {c: SERIES[i % len(SERIES)] for i, c in enumerate(sorted(set(frame["commitment_id"].to_list())))}
    for (commitment, status), part in sorted(frame.group_by(["commitment_id", "status"]), key=lambda g: g[0]):
        rows = {r["financial_year"]: r for r in part.to_dicts()}
        service = part["service"][0]
        fig.add_trace(bar(
            name=_esc(f"{service} ({status_label(status)})"),
            x=years,
            y=[_float(rows[y]["amount_gbp"]) if y in rows else None for y in years],
            marker=dict(color=colours[commitment], pattern=dict(shape=STATUS_PATTERNS.get(status, ""),
                                                                fillmode="overlay", solidity=0.45)),
            customdata=[[y, _esc(part["provider"][0]), _hover(rows[y]["amount_gbp"]) if y in rows else ""]
                        for y in years],
            hovertemplate=(f"<b>%{{x}}</b> · {_esc(service)}<br>%{{customdata[1]}}<br>"
                           f"{_esc(status_label(status))}: %{{customdata[2]}}<extra></extra>"),
        ))
    totals = frame.group_by("financial_year").agg(pl.col("amount_gbp").sum())
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, title_text="Financial year")
    _money_axis(fig, [_float(v) for v in totals["amount_gbp"]], "y")
    mark_years(fig, years, frame, coverage)
    return _layout(fig, title, legend=True, height=HEIGHT + 80)


def commitments_by_year_chart(frame: pl.DataFrame, coverage: pl.DataFrame | None = None) -> go.Figure:
    """Multi-year commitments added up by year (queries/commitments_by_year): committed solid,
    optional extension hatched. Unlike commitments_chart, one bar per status at any scale."""
    title = "Multi-year commitments by year: committed and optional extension"
    if frame.is_empty():
        return empty_figure("No multi-year commitments under these filters.", title)
    years = chart_years(frame, coverage)
    fig = figure()
    for status in sorted(set(frame["status"].to_list()), key=lambda s: (s == "optional_extension", s)):
        rows = {r["financial_year"]: r for r in frame.filter(pl.col("status") == status).to_dicts()}
        fig.add_trace(bar(
            name=_esc(status_label(status)), x=years,
            y=[_float(rows[y]["amount_gbp"]) if y in rows else None for y in years],
            marker=dict(color=STATUS_COLOURS.get(status, NEUTRAL), pattern=dict(shape=STATUS_PATTERNS.get(status, ""),
                                                             fillmode="overlay", solidity=0.45)),
            customdata=[[y, _hover(rows[y]["amount_gbp"], rows[y]["award_count"]) if y in rows else ""]
                        for y in years],
            hovertemplate=f"<b>%{{x}}</b> · {_esc(status_label(status))}<br>%{{customdata[1]}}<extra></extra>",
        ))
    totals = frame.group_by("financial_year").agg(pl.col("amount_gbp").sum())
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, title_text="Financial year")
    _money_axis(fig, [_float(v) for v in totals["amount_gbp"]], "y")
    mark_years(fig, years, frame, coverage)
    return _layout(fig, title, legend=True)


def overview_charts(data: dict[str, pl.DataFrame]) -> dict[str, go.Figure]:
    """The Overview's four charts, by name, from `pccspend.pagedata.overview`'s frames: drawn by
    the page, and once by the server's warm-up (pccspend/ui/warm.py)."""
    return {
        "spend_by_theme": spend_by_theme_chart(data["by_theme"]),
        "spend_by_funding_stream": spend_by_funding_stream_chart(data["by_stream"], data.get("colours")),
        "spend_by_year": spend_by_year_chart(data["by_year"], "theme", data.get("coverage"), data.get("colours")),
        "year_on_year": year_on_year_chart(data["year_on_year"]),
    }
