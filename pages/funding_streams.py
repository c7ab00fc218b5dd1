"""Funding streams: where each stream's money comes from and what it pays for, by theme and year."""

import streamlit as st

from pccspend import charts, ui

ui.page()
st.title("Funding streams: what each one pays for")
data = ui.page_data("funding_streams")

left, right = st.columns(2)
with left:
    ui.chart(charts.spend_by_funding_stream_chart(data["by_stream"], data["colours"]), data["by_stream"],
             "spend_by_funding_stream", select="funding_stream")
with right:
    ui.chart(charts.stream_by_theme_chart(data["by_stream_theme"]), data["by_stream_theme"],
             "stream_by_theme", select="funding_stream")

ui.chart(charts.spend_by_year_chart(data["by_year_stream"], "funding_stream", data["coverage"], data["colours"]), data["by_year_stream"],
         "spend_by_year_and_stream", select="year")

st.subheader("Where the money comes from")
ui.table(data["about"], key="streams-about")
st.subheader("The services each stream pays for")
ui.table(data["services"], key="streams-services")
