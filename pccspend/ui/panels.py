"""Chart panels: a chart with its coverage caption, 'show data' table and CSV (tables are made by
pccspend/ui/tables.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from pccspend import charts, state
from pccspend.tabular import INTERNAL_NOTE, internal_name, to_csv_bytes
from pccspend.ui.data import may
from pccspend.ui.tables import table
from pccspend.ui.view_state import filters, set_filters

EMPTY = "Nothing matches these filters. Widen them in the sidebar, remove a chip, or clear them all."
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}
AWARD_COLUMNS = ("award_id", "financial_year", "area", "theme", "funding_stream", "service", "provider",
                 "amount_gbp", "status", "mechanism", "source_title", "source_locator", "document",
                 "theme_basis_text", "funding_stream_basis_text")
GAP_COUNTS = ["missing_amount_count", "missing_theme_count", "missing_funding_stream_count", "missing_provider_count"]


def _clicked_value(key: str) -> str | None:
    """The raw value (customdata[0]) of the bar just clicked in chart `key`."""
    state_ = st.session_state.get(key)
    points = state_["selection"]["points"] if state_ else []
    values = [p["customdata"][0] for p in points if p.get("customdata")]
    return values[0] if values and values[0] not in (charts.ALL_OTHERS, "") else None


def _on_click(key: str, select: str | None, on_click: Callable[[str], None] | None) -> None:
    _act(select, on_click, _clicked_value(key))


def _act(select: str | None, on_click: Callable[[str], None] | None, value: str | None) -> None:
    """What choosing a bar's value does, by click or by its select box: filter every page by it
    (`select`), or hand it to `on_click` (the Themes drill-down)."""
    if value is None:
        return
    if not select:
        on_click(value)
        return
    f = filters()
    set_filters({
        "theme": lambda: f.replace(themes=(value,)),
        "funding_stream": lambda: f.replace(funding_streams=(value,)),
        "year": lambda: f.replace(from_year=value, to_year=value),
        "provider": lambda: f.replace(providers=(value,)),
    }[select]())


def chart(fig: go.Figure, frame: pl.DataFrame, name: str, *, select: str | None = None,
          on_click: Callable[[str], None] | None = None, empty: str = EMPTY,
          basis: pl.DataFrame | None = None) -> None:
    """A chart, its coverage caption, a 'show data' table and a CSV of its data. `select` names
    the filter a click on a bar applies everywhere (theme, funding_stream, year, provider);
    `on_click` is called with the clicked bar's value instead (the Themes drill-down). `basis`:
    the awards the caption counts, when the chart's rows count some twice (stated totals)."""
    if frame.is_empty():
        st.info(empty, icon=":material/search_off:")
        return
    key = f"chart:{name}:{state.token(filters())}:{st.session_state.get('view:drill', ())}"
    handler = "ignore"
    if select or on_click:
        handler = functools.partial(_on_click, key, select, on_click)
    title = fig.layout.title.text or name.replace("_", " ")
    counted = charts.coverage(frame if basis is None else basis)
    st.plotly_chart(fig, key=key, on_select=handler, selection_mode="points", theme=None,
                    alt=f"{title}, {counted}. The table under 'Show data' has the figures.",
                    config={**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"],
                                                                      "filename": name}})
    hint = (" · click a bar (or choose one under 'Show data') to filter every page" if select else
            " · click a bar (or choose one under 'Show data') to drill down" if on_click else "")
    st.caption(counted + hint)
    # The table, its downloads and the bar picker only when asked for: sent with every rerun, four
    # collapsed tables doubled what a click on a chart costs, and four pickers added a seventh of
    # the browser's work per click (bench/browser.py).
    shows = "The figures of this chart, a CSV of them" + (
        ", and a select box that does what a click on a bar does" if select or on_click else "")
    if st.toggle("Show data", key=f"show:{name}", help=shows):
        if select or on_click:
            _keyboard_pick(fig, key, select, on_click)
        table(frame, key=f"data:{name}")
        # Made on click: eager bytes would be written to the media store on every rerun, and a
        # rerun that replaces them while the browser still checks the old URL shows a 404.
        if may("held_back"):  # the office's view, which may hold drafts: marked as such
            st.download_button("Download this chart's data (CSV)", functools.partial(to_csv_bytes, frame, INTERNAL_NOTE),
                               file_name=internal_name(f"{name}.csv"), mime="text/csv", key=f"csv:{name}",
                               on_click="ignore", help="The office's view: marked INTERNAL in its name and first line")
        else:
            st.download_button("Download this chart's data (CSV)", functools.partial(to_csv_bytes, frame),
                               file_name=f"{name}.csv", mime="text/csv", key=f"csv:{name}", on_click="ignore",
                               help="Published awards only")
        _image_downloads(fig, name)


PICKED = {"theme": "a theme", "funding_stream": "a funding stream", "year": "a year", "provider": "a provider"}


def _bar_values(fig: go.Figure) -> list[str]:
    """The raw values of the chart's bars (customdata[0]: theme, stream, year, provider or level),
    each once, in the order drawn; "All others" is not one value."""
    seen: dict[str, None] = {}
    for trace in fig.data:
        for row in getattr(trace, "customdata", None) or ():
            if row is not None and len(row) and row[0] not in (None, "", charts.ALL_OTHERS):
                seen.setdefault(str(row[0]))
    return list(seen)


def _keyboard_pick(fig: go.Figure, key: str, select: str | None, on_click: Callable[[str], None] | None) -> None:
    """What a click on a bar does, as a select box under 'Show data': the way there by keyboard (and
    for anyone who cannot aim at a bar)."""
    values = _bar_values(fig)
    if not values:
        return
    pick = f"pick:{key}"

    def picked() -> None:
        _act(select, on_click, st.session_state.get(pick))

    st.selectbox(f"Filter every page by {PICKED[select]} of this chart" if select else "Drill down into",
                 values, index=None, format_func=charts.label, key=pick, on_change=picked,
                 placeholder="Choose one: the same as clicking its bar")


def _image_downloads(fig: go.Figure, name: str) -> None:
    """The chart as PNG and as SVG, drawn on click as the snapshot draws it (kaleido in Chromium);
    named INTERNAL in the office's view, like its data."""
    from pccspend.images import figure_bytes

    stem = internal_name(name) if may("held_back") else name
    left, right = st.columns(2)
    for column, fmt, mime in ((left, "png", "image/png"), (right, "svg", "image/svg+xml")):
        column.download_button(f"Download this chart ({fmt.upper()})", functools.partial(figure_bytes, fig, fmt, stem),
                               file_name=f"{stem}.{fmt}", mime=mime, key=f"{fmt}:{name}", on_click="ignore")


def metric_row():
    """A row of metric cards (`with ui.metric_row(): ui.metric(...)`) that wraps onto a second line
    rather than cut a figure short: in st.columns each card has a fixed share of the width, so at
    1024 px "£4,832,360" read "£4,83..." and at national scale no total fitted at all."""
    return st.container(horizontal=True)


def metric(label: str, value: str, help: str | None = None) -> None:
    st.metric(label, value, help=help, border=True)
