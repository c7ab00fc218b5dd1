"""Data quality: do the documents add up, and which awards lack an amount, theme, stream or provider."""

import streamlit as st

from pccspend import charts, ui

# The figures before the description: at 1440 px a long description would push them off the table.
TOTALS = ("total_id", "stated_total_gbp", "line_sum_gbp", "difference_gbp", "line_count", "total_kind",
          "description", "source_title", "source_locator", "document")
GAPS = ("issue", "award_id", "area", "financial_year", "service", "provider", "amount_gbp", "source_title",
        "source_locator", "document")


def highlight(style):
    """Differences that are not zero stand out."""
    return style.map(
        lambda v: "background-color: #FBE3D6; font-weight: bold" if v not in (0, None) and v == v else "",
        subset=["difference_gbp"])


ui.page()
st.title("Data quality")
data = ui.page_data("data_quality", limit=ui.EXPLORER_ROWS)

st.subheader("Does it add up?")
st.caption("Each total a document states, beside the sum of the lines it covers. A 'budget' is an envelope, "
           "so its lines need not add up to it; a 'line total' should.")
ui.chart(charts.reconciliation_chart(data["reconciliation"]), data["reconciliation"], "reconciliation",
         empty="No stated totals under these filters.", basis=data["reconciled_awards"])
if not data["reconciliation"].is_empty():
    ui.table(data["reconciliation"], key="reconciliation-table", first=TOTALS, styler=highlight)

st.subheader("Gaps")
ui.chart(charts.data_gaps_chart(data["gaps"]), data["gaps"], "data_quality")
gap_count = int(data["gaps"].select(ui.GAP_COUNTS).sum_horizontal().sum()) if not data["gaps"].is_empty() else 0
shown = data["issues"].height
st.caption("Every gap, with its document and where in it" + (
    f" (the first {shown:,} of {gap_count:,}: narrow the filters to see the rest):" if shown < gap_count else ":"))
if data["issues"].is_empty():
    st.success("No gaps under these filters.")
else:
    ui.table(data["issues"], key="issues-table", first=GAPS)
