"""What every chart shares: labels, British money axes, the layout, colours per theme and stream,
the empty figure and horizontal bars of one breakdown."""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Callable, Sequence

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from pccspend import coverage as cover
from pccspend import palette, vocab
from pccspend.fy import fy_label
from pccspend.money import gbp

EMPTY_MESSAGE = "Nothing matches these filters. Try widening them, or clear them in the sidebar."
NEUTRAL = "#56606B"  # anything without its own colour (providers, mechanisms)
LIGHT = "#A7AFB8"  # the lighter neutral: falls, zero differences
HIGHLIGHT = "#000000"  # one bar singled out (single tender); no theme or stream uses black
ALL_OTHERS = "All others"
ALL_OTHERS_COLOUR = "#BBBBBB"
STATUS_PATTERNS = {"committed": "", "awarded": "", "planned": ".", "optional_extension": "/"}
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13, color="#262730")
HEIGHT = 380
# Figures are built without plotly's check of every property (about 8 times quicker, and every
# chart is drawn again on every rerun); tests/test_charts.py checks each builder gives the same
# figure as with the checks on. The template is given as the object, which the checks would look up.
VALIDATE = False
# plotly_white for the kinds of chart drawn here (bars, a treemap): the whole template is 7 KB in
# every figure sent to the browser, most of it for polar, ternary, 3-D and map charts.
_WHITE = pio.templates["plotly_white"]
_UNUSED = ("polar", "ternary", "scene", "geo", "coloraxis", "colorscale")
TEMPLATE = go.layout.Template(
    layout={k: v for k, v in _WHITE.layout.to_plotly_json().items() if k not in _UNUSED},
    data={"bar": _WHITE.data.bar, "treemap": _WHITE.data.treemap},
)


class Draft:
    """A figure being built, as plain dicts: plotly's update methods look up and copy every
    property path they are given (an Overview's four figures took 94 ms, most of it in
    `update_layout`); the Figure is made once, from the whole layout, by `done`. The methods are
    the few of go.Figure's the builders use, with its meaning: nested settings merge, and a name
    with underscores is a path (`title_text` is title.text)."""

    def __init__(self, traces):
        self.data = list(traces)
        self.layout: dict = {}

    def add_trace(self, trace) -> None:
        self.data.append(trace)

    def update_layout(self, **props) -> None:
        _merge(self.layout, props)

    def update_xaxes(self, **props) -> None:
        _merge(self.layout.setdefault("xaxis", {}), props)

    def update_yaxes(self, **props) -> None:
        _merge(self.layout.setdefault("yaxis", {}), props)

    def add_annotation(self, **props) -> None:
        self.layout.setdefault("annotations", []).append(_merge({}, props))

    def add_shape(self, **props) -> None:
        self.layout.setdefault("shapes", []).append(_merge({}, props))

    def done(self) -> go.Figure:
        return go.Figure(data=self.data, layout=self.layout, _validate=VALIDATE)


def _merge(into: dict, props: dict) -> dict:
    """`props` merged into `into` as plotly's update does: `a_b=v` is {'a': {'b': v}}, dicts merge,
    anything else replaces."""
    for key, value in props.items():
        *parents, leaf = key.split("_")
        at = into
        for part in parents:
            at = at.setdefault(part, {})
        if isinstance(value, dict):
            if not isinstance(at.get(leaf), dict):
                at[leaf] = {}
            _merge(at[leaf], value)
        else:
            at[leaf] = value
    return into


def figure(*traces) -> Draft:
    return Draft(traces)


def bar(**props) -> go.Bar:
    return go.Bar(_validate=VALIDATE, **props)


def treemap(**props) -> go.Treemap:
    return go.Treemap(_validate=VALIDATE, **props)


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


MAX_LABEL_LINES = 2  # a bar's row holds two lines of label; a third ran into the next bar's


def _wrap(text: str, width: int = 26, max_lines: int = MAX_LABEL_LINES) -> str:
    """A long category label broken over lines (escaped), so bars keep their room; past `max_lines`
    it is shortened with an ellipsis (the whole name is in the hover and under "Show data")."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        lines = lines[:max_lines - 1] + [(last[:width - 1] if len(last) >= width else last).rstrip(" ,") + "…"]
    return "<br>".join(_esc(x) for x in lines)


def _labels(names) -> list[str]:
    """Wrapped labels for a category axis, kept distinct: two long names shortened alike would
    otherwise be one category, their bars drawn as one (a zero-width space tells them apart)."""
    out, seen = [], {}
    for name in names:
        text = _wrap(name)
        seen[text] = seen.get(text, -1) + 1
        out.append(text + "\u200b" * seen[text])
    return out


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


def _money_axis(fig: Draft, values: Sequence[float | None], axis: str, title: str = "Spend") -> None:
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


def _layout(fig: Draft, title: str, *, height: int = HEIGHT, legend: bool = False, **more) -> go.Figure:
    """The layout every chart shares, then any `more` of the chart's own; the figure, done."""
    fig.update_layout(
        title=dict(text=_esc(title), x=0, xanchor="left", font=dict(size=16)),
        template=TEMPLATE,
        font=FONT,
        separators=".,",
        height=height,
        margin=dict(l=10, r=20, t=50, b=10),
        showlegend=legend,
        # At the foot of the figure, not of the plot: below the plot it sat on the axis title
        # whenever the year labels were turned.
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0, title_text=""),
        hoverlabel=dict(bgcolor="white", font_size=13),
        clickmode="event+select",
        dragmode=False,
    )
    fig.update_layout(**more)
    return fig.done()


def empty_figure(message: str = EMPTY_MESSAGE, title: str = "") -> go.Figure:
    """A blank chart that says, in words, why there is nothing to show."""
    fig = figure()
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
    labels = _labels(label(n) for n in names)
    amounts = [_float(r["amount_gbp"]) for r in rows]
    fig = figure(bar(
        orientation="h",
        y=labels,
        x=[a or 0.0 for a in amounts],
        marker_color=[colour(n) for n in names],
        text=[gbp(a, missing="amount not stated") if a is not None else "amount not stated"
              for a in amounts],
        textposition="outside",
        cliponaxis=False,
        customdata=[[n, _hover(r["amount_gbp"], r.get("award_count")), _esc(label(n))] for n, r in zip(names, rows)],
        hovertemplate="<b>%{customdata[2]}</b><br>%{customdata[1]}<extra></extra>",  # the whole name
    ))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels, title_text="")
    _money_axis(fig, [a * 1.45 if a else a for a in amounts], "x", axis_title)
    height = max(220, 90 + 40 * len(rows))
    return _layout(fig, title, height=height)


# Years ------------------------------------------------------------------------------------

NO_DOCUMENTS = "no documents"
NO_DOCUMENTS_FILL = "#EDEDED"  # a year no document covers: a grey band, never a bar


coverage_by_area = cover.by_area  # each area's coverage in words, for captions beside area charts


def year_span(*groups) -> list[str]:
    """Every financial year from the first to the last in `groups` (none skipped)."""
    years = [y for group in groups for y in group if y]
    if not years:
        return []
    starts = [int(y[:4]) for y in years]
    return [fy_label(y) for y in range(min(starts), max(starts) + 1)]


def chart_years(frame: pl.DataFrame, coverage: pl.DataFrame | None, column: str = "financial_year") -> list[str]:
    """The x axis of a chart across years: the frame's years and the coverage frame's, contiguous."""
    covered = coverage["financial_year"].to_list() if coverage is not None and coverage.height else []
    return year_span(frame[column].to_list(), covered)


# Up to this many areas in scope, a year's hover names each area's coverage; beyond, it counts the
# areas covered each way (43 areas named on every bar made a hover of a screen's height, and the
# Overview's chart of years 470 KB at 10M awards).
AREAS_NAMED = 4


def year_coverage(coverage: pl.DataFrame | None) -> dict[str, str]:
    """Each year's coverage in words, for hover text: each area's ('Leicestershire: partial: ...')
    or, over more than AREAS_NAMED areas, how many are covered each way ('all spend in 12 areas')."""
    if coverage is None or coverage.is_empty():
        return {}
    years = cover.by_year(coverage)
    texts = {}
    for year, part in coverage.group_by("financial_year"):
        cells = sorted((a, cover.year_label(c, s)) for a, c, s in part.select("area", "coverage", "streams").rows())
        if len(cells) <= AREAS_NAMED:
            words = [f"{area}: {text}" for area, text in cells]
        else:
            counts = Counter(text for _, text in cells)
            words = [f"{text} in {n} area{'s' if n > 1 else ''}" for text, n in
                     sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
        texts[year[0]] = f"coverage ({years[year[0]][0]}): " + "; ".join(words)
    return texts


AMOUNT_NOT_STATED = "amount not stated"


def mark_years(fig: Draft, years: list[str], frame: pl.DataFrame, coverage: pl.DataFrame | None,
               x: str = "financial_year") -> None:
    """Years with no bar drawn, said apart: 'no documents' (no document covers the year: a grey
    band), 'amount not stated' (its awards state no amount) or '£0 awarded' (documents cover it and
    award nothing under these filters)."""
    levels = {y: level for y, (level, _) in cover.by_year(coverage).items()}
    listed = set(frame[x].to_list())
    stated = set(frame.filter(pl.col("amount_gbp").is_not_null())[x].to_list())
    for i, year in enumerate(years):
        if year in stated:
            continue
        nothing = year not in listed and levels.get(year, "none") == "none"
        if nothing:
            fig.add_shape(type="rect", xref="x", yref="paper", x0=i - 0.45, x1=i + 0.45, y0=0, y1=1,
                          fillcolor=NO_DOCUMENTS_FILL, line=dict(width=0), layer="below")
        text = NO_DOCUMENTS if nothing else AMOUNT_NOT_STATED if year in listed else "£0 awarded"
        fig.add_annotation(x=year, y=0.5, xref="x", yref="paper", text=text,
                           textangle=-90, yanchor="middle", showarrow=False, font=dict(size=12, color="#555555"))


def theme_colour(theme: str) -> str:
    return vocab.THEME_COLOURS.get(theme, vocab.THEME_COLOURS[vocab.NOT_STATED])


OFFICE_STREAM_COLOUR = "#3B3B3B"  # a stream an office adds, drawn without the build's palette


def colour_of(dimension: str, colours: pl.DataFrame | None = None,
              values: Sequence[str] = ()) -> Callable[[str | None], str]:
    """value -> its colour in `dimension`: from `colours` (the build's palette table, which keeps
    each area's and office stream's colour whatever is imported: pccspend/palette.py), else the
    fixed ones. Without a palette, `values` not fixed are given their family's colours in name
    order (a chart drawn outside a build)."""
    known = palette.colours(colours, dimension)
    if colours is None and values:
        known.update((v, c) for _, v, c in palette.assign({}, {dimension: list(values)}))
    fallback = {"theme": vocab.THEME_COLOURS[vocab.NOT_STATED], "funding_stream": OFFICE_STREAM_COLOUR}
    return lambda v: known.get(v, fallback.get(dimension, NEUTRAL))


def _order(dimension: str, values: Sequence[str]) -> list[str]:
    known = list(vocab.THEME_COLOURS if dimension == "theme" else vocab.STREAM_COLOURS)
    return sorted(set(values), key=lambda v: (known.index(v) if v in known else len(known), v))
