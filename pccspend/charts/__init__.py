"""Chart builders: pure functions from a query result (polars) to a Plotly figure.

The dashboard and the static snapshot call the same builders, so a chart looks the same
everywhere: one colour per theme, funding stream, area and status (pccspend/palette.py), £ axes and hover text written
British style, and a friendly empty figure when there is nothing to draw. No Streamlit here.
What all charts share is in `base`; the builders of spend in `spend`, of providers, areas and
data quality in `records`.

Bars carry the value they stand for in `customdata[0]` (the raw theme, stream, year or
provider), so a click on a bar can be turned into a filter.
"""

from pccspend.charts.base import (
    ALL_OTHERS, ALL_OTHERS_COLOUR, EMPTY_MESSAGE, FONT, HEIGHT, HIGHLIGHT, LIGHT, NEUTRAL,
    NO_DOCUMENTS, OFFICE_STREAM_COLOUR, STATUS_PATTERNS, chart_years, coverage, coverage_by_area, empty_figure, label, money_tick, money_ticks, status_label,
    colour_of, theme_colour,
)
from pccspend.charts.records import (
    COVERAGE_DIFFERS, GAP_COLUMNS, area_chart, data_gaps_chart, mechanism_share_chart, provider_profile_chart, reconciliation_chart,
    top_providers_chart,
)
from pccspend.charts.spend import (
    breakdown_chart, commitments_by_year_chart, commitments_chart, hierarchy_chart, overview_charts,
    spend_by_funding_stream_chart,
    spend_by_theme_chart, spend_by_year_chart, stacked_chart, stream_by_theme_chart, year_on_year_chart,
)

__all__ = [
    "ALL_OTHERS", "ALL_OTHERS_COLOUR", "COVERAGE_DIFFERS", "EMPTY_MESSAGE", "NO_DOCUMENTS",
    "chart_years", "colour_of", "coverage_by_area", "FONT", "GAP_COLUMNS", "HEIGHT", "HIGHLIGHT",
    "LIGHT", "NEUTRAL", "OFFICE_STREAM_COLOUR", "STATUS_PATTERNS", "area_chart", "breakdown_chart",
    "commitments_by_year_chart", "commitments_chart", "coverage", "data_gaps_chart", "empty_figure",
    "hierarchy_chart", "label", "overview_charts", "mechanism_share_chart", "money_tick", "money_ticks", "provider_profile_chart",
    "reconciliation_chart", "spend_by_funding_stream_chart", "spend_by_theme_chart", "spend_by_year_chart",
    "stacked_chart", "status_label", "stream_by_theme_chart", "theme_colour",
    "top_providers_chart", "year_on_year_chart",
]
