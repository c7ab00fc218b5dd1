"""Publish: preview the public view of a scope, then download its transparency snapshot as a zip."""

import streamlit as st

from pccspend import ui
from pccspend.money import gbp
from pccspend.snapshot import Scope, preview, snapshot_zip, zip_name

ui.page()
st.title("Publish a transparency snapshot")
st.caption("A folder of plain files for the public transparency page: only awards approved for publication, "
           "charts, tables, CSV/Excel/JSON and a manifest of checksums. The same data gives the same files.")

options, chosen = ui.options(), ui.filters()
areas = st.multiselect("Areas", sorted(options["area"]), default=[a for a in chosen.areas if a in options["area"]],
                       key="publish:areas", placeholder="Every area with published awards")
years = sorted(options["financial_year"])
first, last = st.columns(2)
from_year = first.selectbox("From year", years, index=years.index(chosen.from_year) if chosen.from_year in years else None,
                             key="publish:from", placeholder="First")
to_year = last.selectbox("To year", years, index=years.index(chosen.to_year) if chosen.to_year in years else None,
                         key="publish:to", placeholder="Last")
scope = Scope.between(areas, from_year, to_year)

db = ui.database()
view = preview(db, scope)
with ui.metric_row():
    ui.metric("Published awards", f"{view.kpis['award_count']:,}")
    ui.metric("Total spend", gbp(view.kpis["amount_gbp"], missing="£0"))
    ui.metric("Held back (not published)", f"{view.held_back:,}",
              help="Awards in this scope not approved for publication: they are in no file of the snapshot.")
st.subheader("What the public will see")
if view.awards.height < view.kpis["award_count"]:
    st.caption(f"The first {view.awards.height:,} of {view.kpis['award_count']:,} published awards.")
ui.table(view.awards, key="publish:awards", max_rows=9)

name = zip_name(scope) + ".zip"
if st.button("Build the snapshot", type="primary", key="publish:build", disabled=not view.kpis["award_count"]):
    with st.status("Building the snapshot...", expanded=True) as status:
        content = snapshot_zip(db, scope, progress=status.write, who=ui.current_person())
        status.update(label="Snapshot built", state="complete", expanded=False)
    st.session_state["publish:zip"] = (scope, content)
built = st.session_state.get("publish:zip")
if built and built[0] == scope:
    st.success(f"{name}: {len(built[1]) / 1e6:.1f} MB. Unzip it and put the folder on any web host; "
               "open index.html to check it first.")
    st.download_button("Download the snapshot (zip)", built[1], file_name=name, mime="application/zip",
                       key="publish:download", on_click="ignore", icon=":material/download:")
