"""Chart builders: pure functions from a query result (polars) to a Plotly figure.

The dashboard and the static snapshot call the same builders, so a chart looks the same
everywhere: one colour per theme and per funding stream (vocab), £ axes and hover text written
British style, and a friendly empty figure when there is nothing to draw. No Streamlit here.

Bars carry the value they stand for in `customdata[0]` (the raw theme, stream, year or
provider), so a click on a bar can be turned into a filter.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

import plotly.graph_objects as go
import polars as pl

from pccspend import vocab
from pccspend.money import gbp

EMPTY_MESSAGE = "Nothing matches these filters. Try widening them, or clear them in the sidebar."
NEUTRAL = "#56606B"  # anything without its own colour (providers, mechanisms)
LIGHT = "#A7AFB8"  # the lighter neutral: falls, zero differences
HIGHLIGHT = "#000000"  # one bar singled out (single tender); no theme or stream uses black
ALL_OTHERS = "All others"
ALL_OTHERS_COLOUR = "#BBBBBB"
# Okabe-Ito colours for areas, given out in name order (areas have no fixed colour in vocab).
AREA_PALETTE = ("#E69F00", "#56B4E9", "#CC79A7", "#009E73", "#0072B2", "#D55E00", "#F0E442", "#000000")
STATUS_PATTERNS = {"committed": "", "awarded": "", "planned": ".", "optional_extension": "/"}
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13, color="#262730")
HEIGHT = 380


# Labels ------------------------------------------------------------------------------------


def label(value: str | None) -> str:
    """How a theme, stream or other value reads on a chart: themes capitalised, missing named."""
    if value is None or value == "":
        return vocab.NOT_STATED
    if value in vocab.THEMES:
        return value.capitalize()
    return value


def status_label(status: str) -> str:
    return {"optional_extension": "optional extension"}.get(status, status)


def coverage(frame: pl.DataFrame) -> str:
    """'based on N awards, M without an amount': what the chart's numbers rest on."""
    if "line_count" in frame.columns:  # stated totals: the award lines each covers
        n, m = int(frame["line_count"].sum() or 0), int(frame["missing_amount_count"].sum() or 0)
    elif "award_count" in frame.columns:
        n = int(frame["award_count"].sum() or 0)
        m = int(frame["missing_amount_count"].sum() or 0) if "missing_amount_count" in frame.columns else 0
    else:
        n = frame.height
        m = frame["amount_gbp"].null_count() if "amount_gbp" in frame.columns else 0
    awards = "award" if n == 1 else "awards"
    return f"based on {n:,} {awards}, {m:,} without an amount"


def _float(value) -> float | None:
    return None if value is None else float(value)


def _esc(text) -> str:
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int = 26) -> str:
    """A long category label broken over lines (escaped), so bars keep their room."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(_esc(x) for x in lines)


# Axes --------------------------------------------------------------------------------------


def money_tick(value: float) -> str:
    """An axis label: £2.5bn from a billion up, £1.5m from a million, else the full amount (£250,000)."""
    sign = "-" if value < 0 else ""
    for size, suffix in ((1_000_000_000, "bn"), (1_000_000, "m")):
        if abs(value) >= size:
            return f"{sign}£{abs(value) / size:.2f}".rstrip("0").rstrip(".") + suffix
    return gbp(round(value))


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def money_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Round tick positions covering [low, high] (and zero), labelled British style."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        return [0.0], ["£0"]
    step = _nice_step(high - low)
    start = math.floor(low / step) * step
    values = [start]
    while values[-1] < high:
        values.append(round(values[-1] + step, 2))
    return values, [money_tick(v) for v in values]


def _money_axis(fig: go.Figure, values: Sequence[float | None], axis: str, title: str = "Spend") -> None:
    present = [v for v in values if v is not None]
    low, high = (min(present), max(present)) if present else (0.0, 1.0)
    tickvals, ticktext = money_ticks(low, high)
    span = (tickvals[-1] - tickvals[0]) or 1.0
    settings = dict(
        tickmode="array", tickvals=tickvals, ticktext=ticktext, title_text=title,
        range=[min(tickvals[0], low) - span * 0.02, max(tickvals[-1], high) + span * 0.04],
        gridcolor="#E6E6E6", zerolinecolor="#999999",
    )
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**settings)


def _layout(fig: go.Figure, title: str, *, height: int = HEIGHT, legend: bool = False) -> go.Figure:
    fig.update_layout(
        title=dict(text=_esc(title), x=0, xanchor="left", font=dict(size=16)),
        template="plotly_white",
        font=FONT,
        separators=".,",
        height=height,
        margin=dict(l=10, r=20, t=50, b=10),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0, title_text=""),
        hoverlabel=dict(bgcolor="white", font_size=13),
        clickmode="event+select",
        dragmode=False,
    )
    return fig


def empty_figure(message: str = EMPTY_MESSAGE, title: str = "") -> go.Figure:
    """A blank chart that says, in words, why there is nothing to show."""
    fig = go.Figure()
    fig.add_annotation(text=_esc(message), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=15, color="#555555"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height=220)


def _hover(amount, count: int | None = None, extra: str = "") -> str:
    parts = [gbp(amount)]
    if count is not None:
        parts.append(f"{count:,} award" + ("" if count == 1 else "s"))
    if extra:
        parts.append(extra)
    return "<br>".join(parts)


# Horizontal bars of one breakdown ----------------------------------------------------------


def _hbar(frame: pl.DataFrame, category: str, title: str, colour: Callable[[str], str],
          axis_title: str = "Spend") -> go.Figure:
    if frame.is_empty():
        return empty_figure(title=title)
    rows = frame.sort("amount_gbp", descending=True, nulls_last=True).to_dicts()
    names = [r[category] for r in rows]
    labels = [_wrap(label(n)) for n in names]
    amounts = [_float(r["amount_gbp"]) for r in rows]
    fig = go.Figure(go.Bar(
        orientation="h",
        y=labels,
        x=[a or 0.0 for a in amounts],
        marker_color=[colour(n) for n in names],
        text=[gbp(a, missing="amount not stated") if a is not None else "amount not stated"
              for a in amounts],
        textposition="outside",
        cliponaxis=False,
        customdata=[[n, _hover(r["amount_gbp"], r.get("award_count"))] for n, r in zip(names, rows)],
        hovertemplate="<b>%{y}</b><br>%{customdata[1]}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels, title_text="")
    _money_axis(fig, [a * 1.45 if a else a for a in amounts], "x", axis_title)
    height = max(220, 90 + 40 * len(rows))
    return _layout(fig, title, height=height)


def theme_colour(theme: str) -> str:
    return vocab.THEME_COLOURS.get(theme, vocab.THEME_COLOURS[vocab.NOT_STATED])


OFFICE_STREAM_COLOUR = "#3B3B3B"  # streams an office adds (funding_streams.csv): dark, unlike "Not stated"


def stream_colour(stream: str) -> str:
    return vocab.STREAM_COLOURS.get(stream, OFFICE_STREAM_COLOUR)


def spend_by_theme_chart(frame: pl.DataFrame) -> go.Figure:
    """Spend by theme (queries/spend_by_theme), one bar per theme in its colour."""
    return _hbar(frame, "theme", "Spend by theme", theme_colour)


def spend_by_funding_stream_chart(frame: pl.DataFrame) -> go.Figure:
    """Spend by funding stream (queries/spend_by_funding_stream)."""
    return _hbar(frame, "funding_stream", "Spend by funding stream", stream_colour)


def breakdown_chart(frame: pl.DataFrame, category: str, title: str, colour_by: str | None = None) -> go.Figure:
    """Bars of `amount_gbp` by any `category` column; coloured by theme or stream when that column
    is `colour_by` (the drill-down levels of the Themes page)."""
    if colour_by == "theme" and "theme" in frame.columns:
        colours = dict(zip(frame[category], frame["theme"]))
        return _hbar(frame, category, title, lambda v: theme_colour(colours.get(v)))
    if colour_by == "funding_stream" and "funding_stream" in frame.columns:
        colours = dict(zip(frame[category], frame["funding_stream"]))
        return _hbar(frame, category, title, lambda v: stream_colour(colours.get(v)))
    return _hbar(frame, category, title, lambda v: NEUTRAL)


# Stacked bars over years -------------------------------------------------------------------


def _colour_for(dimension: str) -> Callable[[str], str]:
    return {"theme": theme_colour, "funding_stream": stream_colour}.get(dimension, lambda v: NEUTRAL)


def _order(dimension: str, values: Sequence[str]) -> list[str]:
    known = list(vocab.THEME_COLOURS if dimension == "theme" else vocab.STREAM_COLOURS)
    return sorted(set(values), key=lambda v: (known.index(v) if v in known else len(known), v))


def stacked_chart(frame: pl.DataFrame, x: str, stack_by: str, title: str,
                  x_title: str = "Financial year") -> go.Figure:
    """Vertical bars of `amount_gbp` by `x`, stacked by `stack_by` (theme or funding stream colours)."""
    if frame.is_empty():
        return empty_figure(title=title)
    xs = sorted(set(frame[x].to_list()))
    colour = _colour_for(stack_by)
    fig = go.Figure()
    for value in _order(stack_by, frame[stack_by].to_list()):
        part = {r[x]: r for r in frame.filter(pl.col(stack_by) == value).to_dicts()}
        rows = [part.get(v) for v in xs]
        fig.add_trace(go.Bar(
            name=_esc(label(value)),
            x=xs,
            y=[_float(r["amount_gbp"]) if r else None for r in rows],
            marker_color=colour(value),
            customdata=[[v, _hover(r["amount_gbp"], r.get("award_count")) if r else ""]
                        for v, r in zip(xs, rows)],
            hovertemplate=f"<b>%{{x}}</b> · {_esc(label(value))}<br>%{{customdata[1]}}<extra></extra>",
        ))
    totals = frame.group_by(x).agg(pl.col("amount_gbp").sum())
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=xs, title_text=x_title)
    _money_axis(fig, [_float(v) for v in totals["amount_gbp"]], "y")
    return _layout(fig, title, legend=True, height=HEIGHT + 40)


def spend_by_year_chart(frame: pl.DataFrame, stack_by: str = "theme") -> go.Figure:
    """Spend by financial year stacked by theme (queries/spend_by_year) or by funding stream
    (queries/spend_by_year_and_stream)."""
    what = "theme" if stack_by == "theme" else "funding stream"
    return stacked_chart(frame, "financial_year", stack_by, f"Spend by financial year and {what}")


def year_on_year_chart(frame: pl.DataFrame) -> go.Figure:
    """Change in spend from the year before (queries/year_on_year): rises dark, falls light (theme
    and stream colours are kept for themes and streams)."""
    title = "Change from the previous financial year"
    rows = [r for r in frame.to_dicts() if r["change_gbp"] is not None]
    if not rows:
        return empty_figure("No two consecutive financial years to compare under these filters.", title)
    changes = [float(r["change_gbp"]) for r in rows]
    fig = go.Figure(go.Bar(
        x=[r["financial_year"] for r in rows],
        y=changes,
        marker_color=[NEUTRAL if c >= 0 else LIGHT for c in changes],
        text=[("+" if c > 0 else "") + gbp(c) for c in changes],
        textposition="outside",
        cliponaxis=False,
        customdata=[[r["financial_year"], f"{gbp(r['amount_gbp'])} against {gbp(r['previous_amount_gbp'])}"
                     + (f" ({r['change_share']:+.1%})" if r["change_share"] is not None else "")]
                    for r in rows],
        hovertemplate="<b>%{x}</b><br>%{customdata[1]}<extra></extra>",
    ))
    fig.update_xaxes(type="category", title_text="Financial year")
    _money_axis(fig, [c * 1.2 for c in changes], "y", "Change in spend")
    return _layout(fig, title)


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
    fig = go.Figure(go.Treemap(
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
    totals = frame.group_by("funding_stream").agg(pl.col("amount_gbp").sum()).sort(
        "amount_gbp", descending=True, nulls_last=True)
    streams = totals["funding_stream"].to_list()
    fig = go.Figure()
    for theme in _order("theme", frame["theme"].to_list()):
        part = {r["funding_stream"]: r for r in frame.filter(pl.col("theme") == theme).to_dicts()}
        rows = [part.get(s) for s in streams]
        fig.add_trace(go.Bar(
            orientation="h", name=_esc(label(theme)),
            y=[_wrap(s) for s in streams],
            x=[_float(r["amount_gbp"]) if r else None for r in rows],
            marker_color=theme_colour(theme),
            customdata=[[s, _hover(r["amount_gbp"], r["award_count"]) if r else ""] for s, r in zip(streams, rows)],
            hovertemplate=f"<b>%{{y}}</b> · {_esc(label(theme))}<br>%{{customdata[1]}}<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", title_text="")
    _money_axis(fig, [_float(v) for v in totals["amount_gbp"]], "x")
    return _layout(fig, title, legend=True, height=max(260, 120 + 40 * len(streams)))


# Commitments -------------------------------------------------------------------------------


def commitments_chart(frame: pl.DataFrame) -> go.Figure:
    """Multi-year commitments (queries/commitments): each year's money, committed solid and
    optional extension hatched."""
    title = "Multi-year commitments: committed and optional extension"
    if frame.is_empty():
        return empty_figure("No multi-year commitments under these filters.", title)
    years = sorted(set(frame["financial_year"].to_list()))
    fig = go.Figure()
    colours = {c: AREA_PALETTE[i % len(AREA_PALETTE)]
               for i, c in enumerate(sorted(set(frame["commitment_id"].to_list())))}
    for (commitment, status), part in sorted(frame.group_by(["commitment_id", "status"]), key=lambda g: g[0]):
        rows = {r["financial_year"]: r for r in part.to_dicts()}
        service = part["service"][0]
        fig.add_trace(go.Bar(
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
    return _layout(fig, title, legend=True, height=HEIGHT + 80)


def commitments_by_year_chart(frame: pl.DataFrame) -> go.Figure:
    """Multi-year commitments added up by year (queries/commitments_by_year): committed solid,
    optional extension hatched. Unlike commitments_chart, one bar per status at any scale."""
    title = "Multi-year commitments by year: committed and optional extension"
    if frame.is_empty():
        return empty_figure("No multi-year commitments under these filters.", title)
    years = sorted(set(frame["financial_year"].to_list()))
    fig = go.Figure()
    for status in sorted(set(frame["status"].to_list()), key=lambda s: (s == "optional_extension", s)):
        rows = {r["financial_year"]: r for r in frame.filter(pl.col("status") == status).to_dicts()}
        fig.add_trace(go.Bar(
            name=_esc(status_label(status)), x=years,
            y=[_float(rows[y]["amount_gbp"]) if y in rows else None for y in years],
            marker=dict(color=AREA_PALETTE[0], pattern=dict(shape=STATUS_PATTERNS.get(status, ""),
                                                             fillmode="overlay", solidity=0.45)),
            customdata=[[y, _hover(rows[y]["amount_gbp"], rows[y]["award_count"]) if y in rows else ""]
                        for y in years],
            hovertemplate=f"<b>%{{x}}</b> · {_esc(status_label(status))}<br>%{{customdata[1]}}<extra></extra>",
        ))
    totals = frame.group_by("financial_year").agg(pl.col("amount_gbp").sum())
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, title_text="Financial year")
    _money_axis(fig, [_float(v) for v in totals["amount_gbp"]], "y")
    return _layout(fig, title, legend=True)


# Providers ---------------------------------------------------------------------------------


def top_providers_chart(frame: pl.DataFrame) -> go.Figure:
    """Top providers by spend with one grey 'All others' bar (queries/spend_by_provider)."""
    title = "Top providers by spend"
    if frame.is_empty():
        return empty_figure(title=title)
    rows = frame.to_dicts()  # already ranked, 'All others' last
    labels = [_wrap(r["provider"] + (f" ({r['provider_count']} providers)" if r["provider"] == ALL_OTHERS else ""))
              for r in rows]
    amounts = [_float(r["amount_gbp"]) for r in rows]
    fig = go.Figure(go.Bar(
        orientation="h", y=labels, x=[a or 0.0 for a in amounts],
        marker_color=[ALL_OTHERS_COLOUR if r["provider"] == ALL_OTHERS else NEUTRAL for r in rows],
        text=[gbp(a) if a is not None else "amount not stated" for a in amounts],
        textposition="outside", cliponaxis=False,
        customdata=[[r["provider"], _hover(r["amount_gbp"], r["award_count"])] for r in rows],
        hovertemplate="<b>%{y}</b><br>%{customdata[1]}<extra></extra>",
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
    fig = go.Figure(go.Bar(
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


def provider_profile_chart(frame: pl.DataFrame, provider: str) -> go.Figure:
    """One provider's awards by financial year, stacked by theme (queries/spend_by_year filtered
    to the provider)."""
    title = f"Awards to {provider} by financial year"
    if frame.is_empty():
        return empty_figure(f"No awards to {provider} under these filters.", title)
    return stacked_chart(frame, "financial_year", "theme", title)


# Areas -------------------------------------------------------------------------------------


def area_chart(frame: pl.DataFrame, measure: str = "amount_gbp") -> go.Figure:
    """Spend (or spend per resident) by area and financial year (queries/area_comparison)."""
    per_resident = measure == "amount_per_resident_gbp"
    title = "Spend per resident by area and financial year" if per_resident else "Spend by area and financial year"
    if frame.is_empty():
        return empty_figure(title=title)
    years = sorted(set(frame["financial_year"].to_list()))
    areas = sorted(set(frame["area"].to_list()))
    fig = go.Figure()
    for i, area in enumerate(areas):
        rows = {r["financial_year"]: r for r in frame.filter(pl.col("area") == area).to_dicts()}
        values = [_float(rows[y][measure]) if y in rows else None for y in years]
        fig.add_trace(go.Bar(
            name=_esc(area), x=years, y=values, marker_color=AREA_PALETTE[i % len(AREA_PALETTE)],
            customdata=[[y, _area_hover(rows.get(y), per_resident)] for y in years],
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
    names = [_esc(r["total_id"]) for r in rows]
    diffs = [_float(r["difference_gbp"]) for r in rows]
    fig = go.Figure(go.Bar(
        orientation="h", y=names, x=[d or 0.0 for d in diffs],
        marker_color=[LIGHT if not d else HIGHLIGHT for d in diffs],
        text=[("adds up" if d == 0 else ("+" if d > 0 else "") + gbp(d)) if d is not None else "no lines"
              for d in diffs],
        textposition="outside", cliponaxis=False,
        customdata=[[r["total_id"], _esc(r["description"]), gbp(r["stated_total_gbp"]),
                     gbp(r["line_sum_gbp"], missing="no lines")] for r in rows],
        hovertemplate=("<b>%{customdata[1]}</b><br>stated: %{customdata[2]}<br>"
                       "sum of the lines: %{customdata[3]}<extra></extra>"),
    ))
    fig.update_yaxes(autorange="reversed", title_text="")
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
    fig = go.Figure()
    for column, (name, colour, pattern) in GAP_COLUMNS.items():
        fig.add_trace(go.Bar(
            name=name, x=[_esc(a) for a in by_area["area"]], y=by_area[column].to_list(),
            marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="white", solidity=0.3)),
            customdata=[[a, n] for a, n in zip(by_area["area"], by_area["award_count"])],
            hovertemplate=f"<b>%{{x}}</b><br>%{{y}} of %{{customdata[1]}} awards: {name}<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="Awards", rangemode="tozero", gridcolor="#E6E6E6", tickformat=",d")
    fig.update_xaxes(title_text="")
    return _layout(fig, title, legend=True)
