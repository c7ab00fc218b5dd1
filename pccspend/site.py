"""The snapshot's HTML: one page per scope (index, and one per area), from published data only.

Charts come from the dashboard's builders (pccspend/charts.py); each is shown interactively (from
its figure JSON, by the local plotly.min.js), as a PNG for readers without JavaScript, with its
alt text and the table of its figures beside it. Every string goes through Jinja2's autoescape.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path

import jinja2
import plotly.graph_objects as go
import polars as pl

from pccspend import charts
from pccspend.coverage import grid_table
from pccspend.money import gbp

TEMPLATES = Path(__file__).parent / "templates" / "snapshot"
STATIC = ("style.css", "snapshot.js")  # copied beside the pages as they are
HEADERS = {
    "theme": "Theme", "funding_stream": "Funding stream", "financial_year": "Financial year",
    "amount_gbp": "Spend", "award_count": "Awards", "missing_amount_count": "Without an amount",
    "provider": "Provider", "provider_count": "Providers", "area": "Area", "population": "Population (2021)",
    "amount_per_resident_gbp": "Spend per resident", "commitment_id": "Commitment", "service": "Service",
    "status": "Status",
}
TOP_PROVIDERS = 10


WIDE_TABLE = 5  # a table with more columns goes under its chart, not beside it


@dataclass(frozen=True)
class Chart:
    """One chart of a page: the figure, the frame it draws (the table beside it) and its alt text."""

    name: str
    heading: str
    fig: go.Figure
    frame: pl.DataFrame
    alt: str
    columns: tuple[str, ...]

    @property
    def is_wide(self) -> bool:
        return len(self.columns) > WIDE_TABLE


def _total(frame: pl.DataFrame, by: str) -> list[tuple[str, object]]:
    """(value of `by`, its summed spend), biggest first: what an alt text reads out. A sum of
    nothing but missing amounts stays missing ('not stated'), never £0."""
    summed = frame.group_by(by).agg(
        pl.when(pl.col("amount_gbp").count() > 0).then(pl.col("amount_gbp").sum()).otherwise(None).alias("amount_gbp")
    ).sort(["amount_gbp", by], descending=[True, False], nulls_last=True)
    return list(summed.iter_rows())


def alt_text(kind: str, title: str, pairs: list[tuple[str, object]], frame: pl.DataFrame, most: int = 5) -> str:
    """'Bar chart of spend by theme: Victims £1,305,117; ... and 2 more. Based on 51 awards, ...'"""
    shown = "; ".join(f"{charts.label(name)} {gbp(amount)}" for name, amount in pairs[:most])
    more = f"; and {len(pairs) - most} more" if len(pairs) > most else ""
    return (f"{kind} of {title[0].lower() + title[1:]}: {shown}{more}. "
            f"{charts.coverage(frame).capitalize()}. The table beside the chart has every figure.")


def _chart(name: str, fig: go.Figure, frame: pl.DataFrame, kind: str, pairs, skip: tuple[str, ...] = ()) -> Chart:
    title = html.unescape(fig.layout.title.text or name)
    # A static page has no filters to click into: a click shows the hover, nothing else.
    fig.update_layout(clickmode="event")
    columns = tuple(c for c in frame.columns if c in HEADERS and c not in skip)
    return Chart(name, title, fig, frame, alt_text(kind, title, pairs, frame), columns)


def page_charts(frames: dict[str, pl.DataFrame], several_areas: bool) -> list[Chart]:
    """The charts of one page, in page order; a chart with nothing to draw is left out."""
    out = []
    f = frames
    if f["by_theme"].height:
        out.append(_chart("spend_by_theme", charts.spend_by_theme_chart(f["by_theme"]), f["by_theme"],
                          "Bar chart", _total(f["by_theme"], "theme")))
    if f["by_stream"].height:
        out.append(_chart("spend_by_funding_stream", charts.spend_by_funding_stream_chart(f["by_stream"], f.get("colours")),
                          f["by_stream"], "Bar chart", _total(f["by_stream"], "funding_stream")))
    if f["by_year"].height:
        out.append(_chart("spend_by_year", charts.spend_by_year_chart(f["by_year"], "theme", f.get("coverage"), f.get("colours")), f["by_year"],
                          "Stacked bar chart", sorted(_total(f["by_year"], "financial_year"))))
    if several_areas and f["by_area"].height:
        out.append(_chart("spend_by_area", charts.area_chart(f["by_area"], coverage=f.get("coverage"), colours=f.get("colours")), f["by_area"],
                          "Grouped bar chart", _total(f["by_area"], "area")))
    if f["providers"].height:
        out.append(_chart("top_providers", charts.top_providers_chart(f["providers"]), f["providers"],
                          "Bar chart", [(r["provider"], r["amount_gbp"]) for r in f["providers"].iter_rows(named=True)]))
    if f["commitments"].height:
        by_status = f["commitments"].with_columns(
            (pl.col("financial_year") + " " + pl.col("status").replace({"optional_extension": "optional extension"}))
            .alias("year_status"))
        out.append(_chart("commitments", charts.commitments_chart(f["commitments"], f.get("coverage")), f["commitments"],
                          "Stacked bar chart", sorted(_total(by_status, "year_status")), skip=("award_count",)))
    return out


def coverage_context(grid: pl.DataFrame) -> dict:
    """The coverage table of a page (pccspend/coverage.py): its years, one row per area with each
    cell's coverage in words and documents, and each area's coverage in a sentence."""
    table = grid_table(grid)
    return {"years": table.columns[1:], "rows": table.rows(), "by_area": charts.coverage_by_area(grid)}


# Cells -------------------------------------------------------------------------------------


def cell(column: str, value) -> str:
    """How one value reads in a table (escaped later, by the template)."""
    if column.endswith("_per_resident_gbp"):
        return "" if value is None else f"£{float(value):,.2f}"
    if column.endswith("_gbp"):
        return gbp(value)
    if value is None:
        return ""
    if column in ("theme", "funding_stream"):
        return charts.label(value)
    if column == "status":
        return charts.status_label(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def is_number(column: str) -> bool:
    return column.endswith(("_gbp", "_count")) or column == "population"


def web_url(url: str | None) -> str | None:
    """A link target only for http(s) addresses: a `javascript:` or relative URL in the data links nowhere."""
    text = (url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else None


def figure_json(fig: go.Figure) -> dict:
    """The figure as plain JSON data for the page (the template writes it with `tojson`, which
    escapes <, > and &). The heading above the chart names it, so the figure drops its title; the
    PNG and SVG keep theirs, as they travel alone."""
    data = json.loads(fig.to_json())
    layout = data.setdefault("layout", {})
    layout.pop("title", None)
    layout.setdefault("margin", {})["t"] = 20
    return data


def day(value) -> str:
    """'5 November 2013' from a date (or its ISO text)."""
    if value is None:
        return ""
    value = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{value.day} {value:%B %Y}"


# Pages -------------------------------------------------------------------------------------


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: all of them are HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(gbp=gbp, label=charts.label, status_label=charts.status_label, web_url=web_url,
                       day=day)
    env.globals.update(cell=cell, is_number=is_number, figure_json=figure_json, headers=HEADERS)
    return env


def render_page(context: dict) -> str:
    """One page (index.html or an area's page) from its context (see snapshot.page_context)."""
    return environment().get_template("page.html").render(**context)


def static_files() -> dict[str, bytes]:
    return {name: (TEMPLATES / name).read_bytes() for name in STATIC}
