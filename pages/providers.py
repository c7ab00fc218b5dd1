"""Providers: the biggest providers, how concentrated spend is, how it was let, one provider's awards."""

import streamlit as st

from pccspend import charts, ui
from pccspend.money import gbp

ui.page()
st.title("Providers: who the money goes to")
top_n = int(ui.choice("Providers shown before 'All others'", "top", ["5", "10", "20"], "10"))
profile = ui.view("profile", None)
data = ui.page_data("providers", top_n=top_n, profile=profile, limit=ui.EXPLORER_ROWS)
conc = data["concentration"].row(0, named=True)
mech = {r["mechanism"]: r for r in data["mechanisms"].to_dicts()}
single = mech.get("single tender action", {})

with ui.metric_row():
    ui.metric("Providers", f"{conc['provider_count']:,}")
    ui.metric("Top-5 share of spend", f"{conc['top5_share']:.1%}" if conc["top5_share"] is not None else "not known",
              help=f"{gbp(conc['top5_amount_gbp'])} of {gbp(conc['total_amount_gbp'])}")
    ui.metric("Single tender", gbp(single.get("amount_gbp"), missing="not stated" if single else "£0"),
              help=f"{(single.get('share_of_spend') or 0):.1%} of spend, awarded without competition")

left, right = st.columns([3, 2])
with left:
    ui.chart(charts.top_providers_chart(data["top"]), data["top"], "spend_by_provider", select="provider")
with right:
    ui.chart(charts.mechanism_share_chart(data["mechanisms"]), data["mechanisms"], "spend_by_mechanism")

st.subheader("Provider profile")
names = data["providers"]["provider"].to_list()
if names:
    chosen = st.selectbox("Provider", names, index=names.index(profile) if profile in names else 0,
                          key=f"profile-picker:{profile}")
    if chosen != (profile or names[0]):
        ui.set_view("profile", chosen)
        st.rerun()
    ui.chart(charts.provider_profile_chart(data["profile"], chosen, data["coverage"]), data["profile"], "provider_profile")
    shown, count = data["profile_awards"].height, int(data["profile"]["award_count"].sum())
    if shown < count:
        st.info(f"Showing the first {shown:,} of {count:,} awards to {ui.md(chosen)} (by area, year and id); "
                "the Awards page, filtered to this provider, downloads them all.", icon=":material/info:")
    ui.table(data["profile_awards"], key="profile-awards", first=ui.AWARD_COLUMNS)
else:
    st.info(ui.EMPTY, icon=":material/search_off:")
