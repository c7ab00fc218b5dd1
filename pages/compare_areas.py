"""Compare areas: spend and spend per resident (Census 2021 population) by area and year."""

import streamlit as st

from pccspend import charts, ui

ui.page()
st.title("Compare areas")
st.caption("Per resident uses each police force area's Census 2021 population. The register holds only the "
           "awards in its documents, so an area's figure is what those documents show, not its whole budget: "
           "what each area's documents cover is said under the chart and on the Coverage page.")
data = ui.page_data("compare_areas")
measure = ui.choice("Show", "measure", {"total": "spend", "per_resident": "spend per resident"}, "total")
column = "amount_gbp" if measure == "total" else "amount_per_resident_gbp"
ui.chart(charts.area_chart(data["by_area_year"], column, data["coverage"], data["colours"]), data["by_area_year"], "area_comparison",
         select="year")
for area, text in charts.coverage_by_area(data["coverage"]).items():
    st.caption(ui.md(f"{area}, documents cover: {text}."))

st.subheader("Over the whole period")
ui.table(data["by_area"], key="areas-total")
