"""Streamlit building blocks shared by the frame (dashboard.py) and the pages, one module each:
the database and filter options (`data`), the session's view state and URL (`view_state`), the
sidebar, stamp and chips (`sidebar`), chart and table panels (`panels`), safe text (`text`).
Pages call these and stay short: read the filters, get the page's frames, draw them."""

from pccspend.ui.data import current_person, database, has_build, may, options
from pccspend.ui.identity import banner, identify, navigation, no_build, refuse
from pccspend.ui.panels import AWARD_COLUMNS, EMPTY, GAP_COUNTS, PLOTLY_CONFIG, chart, metric, metric_row
from pccspend.ui.record import pick_award, record
from pccspend.ui.tables import LABELS, column_config, display, plural, source_link, table
from pccspend.ui.sidebar import chips, sidebar, stamp
from pccspend.ui.text import md, md_frame
from pccspend.ui.view_state import (
    all_awards, choice, filters, framed, page, page_data, set_filters, set_view, start, sync_url, view, warnings,
)

EXPLORER_ROWS = 5_000  # rows the award explorer shows; downloads hold every filtered row

__all__ = [
    "AWARD_COLUMNS", "EMPTY", "EXPLORER_ROWS", "GAP_COUNTS", "LABELS", "PLOTLY_CONFIG", "all_awards", "banner",
    "chart", "chips", "choice", "column_config", "current_person", "database", "display", "filters", "has_build",
    "identify", "may", "md", "md_frame", "metric", "metric_row", "navigation", "no_build", "options", "page", "page_data",
    "pick_award", "plural", "record", "refuse", "set_filters", "set_view", "sidebar", "source_link", "stamp",
    "framed", "start", "sync_url", "table", "view", "warnings",
]
