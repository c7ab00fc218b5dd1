"""Years: spend by financial year, stacked by theme or funding stream, and multi-year commitments."""

import streamlit as st

from pccspend import charts, ui

ui.page()
st.title("Spend over the years")
data = ui.page_data("years")
stack = ui.choice("Stack the bars by", "stack", {"theme": "theme", "stream": "funding stream"}, "theme")
if stack == "theme":
    ui.chart(charts.spend_by_year_chart(data["by_year_theme"], "theme", data["coverage"], data["colours"]), data["by_year_theme"],
             "spend_by_year", select="year")
else:
    ui.chart(charts.spend_by_year_chart(data["by_year_stream"], "funding_stream", data["coverage"], data["colours"]), data["by_year_stream"],
             "spend_by_year_and_stream", select="year")

st.subheader("Multi-year commitments")
st.caption("Money committed by a decision for several years. Optional extensions (hatched) count only when "
           "'Include optional extensions' is ticked in the sidebar. Each commitment's lines are on the Awards page "
           "(column commitment_id).")
ui.chart(charts.commitments_by_year_chart(data["commitments"], data["coverage"]), data["commitments"], "commitments_by_year",
         select="year", empty="No multi-year commitments under these filters.")
