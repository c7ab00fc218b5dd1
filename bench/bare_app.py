"""A bare Streamlit page with the Overview's four Plotly bar charts: the floor Streamlit itself sets,
which bench/browser.py times beside the dashboard.

    streamlit run bench/bare_app.py

Plain Streamlit as a naive app would write it: awards made in memory on every run (no caching),
aggregated in plain Python, four `go.Bar` figures with Plotly's and Streamlit's defaults, each
`st.plotly_chart(..., on_select=<callback>)` like the dashboard's, so a click on a bar filters
every chart (its key carries the filters, as the dashboard's does, so the next click on a fresh
chart is a new selection). The sidebar has a "From year" selectbox and a "Clear all filters"
button, labelled as the dashboard's are, so the same clicks drive both.

The shape follows the bundled data's Overview unless BARE_THEMES, BARE_STREAMS and BARE_YEARS say
otherwise (bench/browser.py sets them, and BARE_FIRST_YEAR, from the data it measures): 4 themes,
7 funding streams, 8 financial years (2013/14 on), every theme in every year.
"""

import os
import random

import plotly.graph_objects as go
import streamlit as st

THEMES = ["victims", "offenders", "communities", "Not stated", "other", "unknown"]
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#999999", "#CC79A7", "#E69F00"]
n_themes = int(os.environ.get("BARE_THEMES", 4))
n_streams = int(os.environ.get("BARE_STREAMS", 7))
first_year = int(os.environ.get("BARE_FIRST_YEAR", 2013))
n_years = int(os.environ.get("BARE_YEARS", 8))
themes = THEMES[:n_themes]
streams = [f"Funding stream {i + 1}" for i in range(n_streams)]
years = [f"{y}/{(y + 1) % 100:02d}" for y in range(first_year, first_year + n_years)]

st.set_page_config(page_title="Bare Plotly page", layout="wide")

# Awards made in memory on every run: two per theme and year, streams in turn.
rng = random.Random(7)
awards = []
for y, year in enumerate(years):
    for t, theme in enumerate(themes):
        for k in range(2):
            awards.append({"year": year, "theme": theme, "stream": streams[(y + t + k) % n_streams],
                           "amount": round(rng.lognormvariate(11.5, 1.0), 2)})

ss = st.session_state
ss.setdefault("filters", {"theme": None, "stream": None, "year": None})


def pick(key: str, dimension: str) -> None:
    points = ss[key]["selection"]["points"]
    if points and points[0].get("customdata"):
        ss["filters"] = {**ss["filters"], dimension: points[0]["customdata"][0]}


def clear() -> None:
    ss["filters"] = {"theme": None, "stream": None, "year": None}
    ss["from"] = None


with st.sidebar:
    st.button("Clear all filters", on_click=clear, width="stretch")
    from_year = st.selectbox("From year", years, index=None, key="from", placeholder="First")

f = ss["filters"]
rows = [a for a in awards
        if all(f[k] in (None, a[k]) for k in ("theme", "stream", "year"))
        and (from_year is None or a["year"] >= from_year)]


def total(by) -> dict:
    out = {}
    for a in rows:
        out[by(a)] = out.get(by(a), 0.0) + a["amount"]
    return out


def money(value: float) -> str:
    return f"£{value:,.0f}"


def hbar(amounts: dict, title: str, colour) -> go.Figure:
    names = sorted(amounts, key=amounts.get, reverse=True)
    fig = go.Figure(go.Bar(orientation="h", y=names, x=[amounts[n] for n in names],
                           marker_color=[colour(n) for n in names], text=[money(amounts[n]) for n in names],
                           textposition="outside", customdata=[[n] for n in names]))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=title, height=max(220, 90 + 40 * len(names)), clickmode="event+select")
    return fig


state = f"{f['theme']}:{f['stream']}:{f['year']}:{from_year}"  # a fresh chart per filter state
st.title("Bare Streamlit: four Plotly bar charts")
left, right = st.columns(2)
with left:
    key = f"theme:{state}"
    st.plotly_chart(hbar(total(lambda a: a["theme"]), "Spend by theme",
                         lambda n: COLOURS[themes.index(n)]),
                    key=key, on_select=lambda key=key: pick(key, "theme"), selection_mode="points")
with right:
    key = f"stream:{state}"
    st.plotly_chart(hbar(total(lambda a: a["stream"]), "Spend by funding stream", lambda n: "#56606B"),
                    key=key, on_select=lambda key=key: pick(key, "stream"), selection_mode="points")

by_year = total(lambda a: (a["year"], a["theme"]))
shown = sorted({y for y, _ in by_year})
left, right = st.columns(2)
with left:
    fig = go.Figure([go.Bar(name=theme, x=shown, y=[by_year.get((y, theme)) for y in shown],
                            marker_color=COLOURS[t], customdata=[[y] for y in shown])
                     for t, theme in enumerate(themes) if any((y, theme) in by_year for y in shown)])
    fig.update_layout(title="Spend by financial year and theme", barmode="stack", height=420,
                      clickmode="event+select")
    key = f"year:{state}"
    st.plotly_chart(fig, key=key, on_select=lambda key=key: pick(key, "year"), selection_mode="points")
with right:
    totals = total(lambda a: a["year"])
    pairs = [(b, totals[b] - totals[a]) for a, b in zip(shown, shown[1:])]
    fig = go.Figure(go.Bar(x=[y for y, _ in pairs], y=[c for _, c in pairs],
                           text=[money(c) for _, c in pairs], textposition="outside",
                           customdata=[[y] for y, _ in pairs],
                           marker_color=["#56606B" if c >= 0 else "#A7AFB8" for _, c in pairs]))
    fig.update_layout(title="Change from the previous financial year", height=380, clickmode="event+select")
    key = f"yoy:{state}"
    st.plotly_chart(fig, key=key, on_select=lambda key=key: pick(key, "year"), selection_mode="points")
