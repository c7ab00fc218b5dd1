"""Overview: the headline figures and where the money went, by theme, funding stream and year."""

import streamlit as st

from pccspend import charts, ui
from pccspend.money import apart, gbp

ui.page()
st.title("What the commissioners spent on commissioned services and grants")
data = ui.page_data("overview")
kpis = data["kpis"].row(0, named=True)

with ui.metric_row():
    # No awards: nothing was spent (£0). Awards whose amounts are all missing: the total is unknown.
    ui.metric("Total spend", gbp(kpis["amount_gbp"], missing="not stated" if kpis["award_count"] else "£0"))
    ui.metric("Awards", f"{kpis['award_count'] or 0:,}")
    ui.metric("Providers", f"{kpis['provider_count'] or 0:,}")
    ui.metric("Awards with no amount", f"{kpis['missing_amount_count'] or 0:,}",
              help="Named in a document without an amount (e.g. planned, or 'to be agreed').")
other = data["other_currencies"]
if kpis["award_count"]:
    st.caption(f"{kpis['first_financial_year']} to {kpis['last_financial_year']}, "
               f"{kpis['area_count']} area{'s' if kpis['area_count'] != 1 else ''}."
               + (f" Total spend is in GBP only, {apart(list(other.select('currency', 'amount').iter_rows()))} "
                  f"({other['award_count'].sum():,} award(s) stated in another currency, among those with no "
                  "GBP amount)." if other.height else ""))

figures = charts.overview_charts(data)
left, right = st.columns(2)
with left:
    ui.chart(figures["spend_by_theme"], data["by_theme"], "spend_by_theme", select="theme")
with right:
    ui.chart(figures["spend_by_funding_stream"], data["by_stream"], "spend_by_funding_stream", select="funding_stream")

left, right = st.columns(2)
with left:
    ui.chart(figures["spend_by_year"], data["by_year"], "spend_by_year", select="year")
with right:
    ui.chart(figures["year_on_year"], data["year_on_year"], "year_on_year", select="year")
