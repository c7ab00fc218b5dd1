"""Themes: drill down from theme to funding stream, service and award, with a breadcrumb back."""

import streamlit as st

from pccspend import charts, pagedata, ui

LEVELS = ["All themes", "Theme", "Funding stream", "Service"]


def drill(value: str) -> None:
    path = ui.view("drill", ())
    if len(path) < len(pagedata.DRILL_LEVELS):
        ui.set_view("drill", (*path, value))


ui.page()
st.title("Themes: what the money pays for")
st.caption("Click a bar to drill down: theme, then funding stream, then service, then its awards.")
path = ui.view("drill", (), valid=tuple)
data = ui.page_data("themes", path=path)
valid, problems = pagedata.drill_path(data["hierarchy"], path)
for problem in problems:
    st.warning(ui.md(problem), icon=":material/warning:")
path = ui.set_view("drill", valid)

with st.container(horizontal=True, key="breadcrumb"):
    crumbs = ["All themes", *[charts.label(p) for p in path]]
    for depth, crumb in enumerate(crumbs):
        current = depth == len(path)
        st.button(ui.md(crumb), key=f"crumb:{depth}", disabled=current, type="tertiary",
                  on_click=ui.set_view, args=("drill", path[:depth]))
        if not current:
            st.caption("›")
    if path:
        st.button("← Back", key="back", on_click=ui.set_view, args=("drill", path[:-1]))

level = pagedata.DRILL_LEVELS[len(path)] if len(path) < len(pagedata.DRILL_LEVELS) else "award_id"
title = {"theme": "Spend by theme", "funding_stream": f"{charts.label(path[0]) if path else ''}: by funding stream",
         "service": f"{path[-1] if path else ''}: by service", "award_id": f"{path[-1] if path else ''}: its awards"}
bars, tree = st.columns([1, 1])
with bars:
    ui.chart(charts.breakdown_chart(data["level"], level, title[level], colour_by="theme"), data["level"],
             f"themes_{level}", on_click=drill if level != "award_id" else None)
with tree:
    ui.chart(charts.hierarchy_chart(data["hierarchy"]), data["hierarchy"], "theme_stream_service")
if level == "award_id":
    st.subheader("The awards")
    ui.table(data["awards"], key="drill-awards", first=ui.AWARD_COLUMNS)
