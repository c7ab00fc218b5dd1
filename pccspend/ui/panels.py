"""Chart and table panels: a chart with its coverage caption, 'show data' table and CSV; tables
with British money, marked unpublished rows and links to each row's source document."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from pccspend import charts, classify, state
from pccspend.tabular import INTERNAL_NOTE, internal_name, to_csv_bytes
from pccspend.ui.data import may
from pccspend.ui.view_state import filters, set_filters

EMPTY = "Nothing matches these filters. Widen them in the sidebar, remove a chip, or clear them all."
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}
AWARD_COLUMNS = ("award_id", "financial_year", "area", "theme", "funding_stream", "service", "provider",
                 "amount_gbp", "status", "mechanism", "source_title", "source_locator", "document",
                 "theme_basis_text", "funding_stream_basis_text")
GAP_COUNTS = ["missing_amount_count", "missing_theme_count", "missing_funding_stream_count", "missing_provider_count"]
WIDTHS = {"financial_year": "small", "area": "small", "theme": "small", "status": "small", "award_id": "medium",
          "funding_stream": "medium", "service": "medium", "provider": "medium", "source_title": "medium",
          "source_locator": "medium", "description": "large"}
LABELS = {
    "amount_gbp": "Amount", "stated_total_gbp": "Stated total", "line_sum_gbp": "Sum of lines",
    "difference_gbp": "Difference", "amount_per_resident_gbp": "Per resident",
    "previous_amount_gbp": "Previous year", "change_gbp": "Change", "change_share": "Change (%)",
    "share_of_spend": "Share of spend", "top5_share": "Top-5 share", "top5_amount_gbp": "Top 5",
    "total_amount_gbp": "Total", "award_count": "Awards", "missing_amount_count": "Without an amount",
    "financial_year": "Financial year", "funding_stream": "Funding stream", "source_title": "Source document",
    "source_locator": "Where in the document", "award_id": "Award",
    "theme_basis_text": "Theme, and its basis", "funding_stream_basis_text": "Funding stream, and its basis",
}

def _clicked_value(key: str) -> str | None:
    """The raw value (customdata[0]) of the bar just clicked in chart `key`."""
    state_ = st.session_state.get(key)
    points = state_["selection"]["points"] if state_ else []
    values = [p["customdata"][0] for p in points if p.get("customdata")]
    return values[0] if values and values[0] not in (charts.ALL_OTHERS, "") else None


def _cross_filter(key: str, dimension: str) -> None:
    value, f = _clicked_value(key), filters()
    if value is None:
        return
    set_filters({
        "theme": lambda: f.replace(themes=(value,)),
        "funding_stream": lambda: f.replace(funding_streams=(value,)),
        "year": lambda: f.replace(from_year=value, to_year=value),
        "provider": lambda: f.replace(providers=(value,)),
    }[dimension]())


def chart(fig: go.Figure, frame: pl.DataFrame, name: str, *, select: str | None = None,
          on_click: Callable[[str], None] | None = None, empty: str = EMPTY) -> None:
    """A chart, its coverage caption, a 'show data' table and a CSV of its data. `select` names
    the filter a click on a bar applies everywhere (theme, funding_stream, year, provider);
    `on_click` is called with the clicked bar's value instead (the Themes drill-down)."""
    if frame.is_empty():
        st.info(empty, icon=":material/search_off:")
        return
    key = f"chart:{name}:{state.token(filters())}:{st.session_state.get('view:drill', ())}"
    handler = "ignore"
    if select:
        handler = functools.partial(_cross_filter, key, select)
    elif on_click:
        handler = functools.partial(_clicked, key, on_click)
    title = fig.layout.title.text or name.replace("_", " ")
    st.plotly_chart(fig, key=key, on_select=handler, selection_mode="points", theme=None,
                    alt=f"{title}, {charts.coverage(frame)}. The table under 'Show data' has the figures.",
                    config={**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"],
                                                                      "filename": name}})
    hint = " · click a bar to filter every page" if select else (" · click a bar to drill down" if on_click else "")
    st.caption(charts.coverage(frame) + hint)
    # The table and its download only when asked for: sent with every rerun, four collapsed tables
    # doubled what a click on a chart costs (bench/browser.py).
    if st.toggle("Show data", key=f"show:{name}", help="The figures of this chart, and a CSV of them"):
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


def _clicked(key: str, on_click: Callable[[str], None]) -> None:
    value = _clicked_value(key)
    if value is not None:
        on_click(value)


def source_link(source_id: str | None, locator: str | None) -> str | None:
    """A link to the Sources page showing the document at its locator."""
    if not source_id:
        return None
    return f"sources?doc={quote(source_id)}&at={quote(locator or '')}"


def display(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame ready to show: money as numbers (formatted by the column config), unpublished rows
    marked, a link to each row's source document, each award's theme and stream with its basis."""
    out = frame.with_columns(pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal))
    out = classify.with_basis_text(out.drop("is_public", strict=False))
    if "publication" in out.columns:
        decided = [c for c in ("redacted_fields", "publication_reason") if c in out.columns]
        if (out["publication"] == "published").all():
            out = out.drop("publication", *decided)
        else:  # every state but published marked, with what is withheld and why
            out = out.with_columns(publication_label(out).alias("publication")).drop(decided)
    if "source_id" in out.columns and "source_locator" in out.columns:
        links = [source_link(s, loc) for s, loc in zip(out["source_id"], out["source_locator"])]
        out = out.with_columns(pl.Series("document", links, dtype=pl.String))
    return out


def publication_label(frame: pl.DataFrame) -> pl.Series:
    """"" for a published row; DRAFT, WITHHELD (reason) or REDACTED: fields (reason) otherwise."""
    state = pl.col("publication")
    reason = pl.col("publication_reason") if "publication_reason" in frame.columns else pl.lit(None, pl.String)
    fields = pl.col("redacted_fields") if "redacted_fields" in frame.columns else pl.lit(None, pl.String)
    why = pl.when(reason.is_not_null()).then(pl.lit(" (") + reason + pl.lit(")")).otherwise(pl.lit(""))
    label = (pl.when(state == "published").then(pl.lit(""))
             .when(state == "redacted").then(pl.lit("REDACTED: ") + fields.fill_null("") + why)
             .otherwise(state.str.to_uppercase() + why))
    return frame.select(label.alias("publication")).to_series()


def column_config(schema: Mapping[str, pl.DataType]) -> dict:
    """Column labels, British money, percentages, dates, link and marker columns of a table."""
    config = {}
    for c, dtype in schema.items():
        label = LABELS.get(c, c.replace("_", " ").capitalize())
        width = WIDTHS.get(c)
        if c.endswith("_gbp"):
            config[c] = st.column_config.NumberColumn(label, format="£%,.2f", width="small")
        elif c.endswith("_share") or c == "share_of_spend":
            config[c] = st.column_config.NumberColumn(label, format="percent")
        elif c == "document":
            config[c] = st.column_config.LinkColumn("Open", display_text="open document", width="small",
                                                    help="The source document at this locator")
        elif dtype.is_integer() and c not in ("line", "provider_rank"):
            config[c] = st.column_config.NumberColumn(label, format="%,d", width="small")
        elif dtype == pl.Date:
            config[c] = st.column_config.DateColumn(label, format="D MMM YYYY", width="small")
        elif c == "publication":
            config[c] = st.column_config.TextColumn(
                "Publication", help="Empty: published. DRAFT: not yet decided. WITHHELD: not published, for the "
                "reason given. REDACTED: published with the fields named withheld from the public.")
        else:
            config[c] = st.column_config.Column(label, width=width)
    return config


def table(frame: pl.DataFrame, key: str, *, first: Sequence[str] = (), height: int | str = "auto",
          styled: Callable | None = None) -> None:
    """A sortable table with British money, percentages, marked unpublished rows and source links;
    the `first` columns lead (then the unpublished marker and the rest)."""
    shown = display(frame)
    lead = ["publication", *first] if "publication" in shown.columns else list(first)
    shown = shown.select(*[c for c in lead if c in shown.columns], pl.exclude(lead))
    data = styled(shown) if styled else shown
    st.dataframe(data, key=key, hide_index=True, column_config=column_config(shown.schema), height=height)


def metric(label: str, value: str, help: str | None = None) -> None:
    st.metric(label, value, help=help, border=True)
