"""Chart builders: pure DataFrame -> Figure, same colours everywhere, British £, friendly empties."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import pytest

from pccspend import charts, vocab
from pccspend.filters import Filters


def test_money_ticks_are_round_and_british():
    assert charts.money_ticks(0, 2_300_000) == ([0, 1000000, 2000000, 3000000], ["£0", "£1m", "£2m", "£3m"])
    assert charts.money_ticks(0, 1_300_000)[1] == ["£0", "£500,000", "£1m", "£1.5m"]
    assert charts.money_ticks(-350_000, 100_000)[1] == ["-£400,000", "-£200,000", "£0", "£200,000"]
    assert charts.money_ticks(0, 0) == ([0.0], ["£0"])
    assert charts.money_ticks(0, 9_800_000_000)[1] == ["£0", "£2.5bn", "£5bn", "£7.5bn", "£10bn"]


def test_theme_chart_uses_theme_colours_and_carries_raw_values(db):
    # As the documents state them (issue 16): every theme and "Not stated" has a bar.
    fig = charts.spend_by_theme_chart(db.query("spend_by_theme", Filters(stated_only=True)))
    bar = fig.data[0]
    assert [c[0] for c in bar.customdata] == ["Not stated", "victims", "offenders", "communities"]
    assert list(bar.y) == ["Not stated", "Victims", "Offenders", "Communities"]
    assert list(bar.marker.color) == [vocab.THEME_COLOURS[t] for t in ("Not stated", "victims", "offenders", "communities")]
    assert list(bar.text) == ["£2,558,852", "£1,305,117", "£617,791", "£350,600"]
    assert bar.customdata[1][1] == "£1,305,117<br>17 awards"


def test_same_colour_for_a_theme_on_every_chart(db):
    by_year = charts.spend_by_year_chart(db.query("spend_by_year"), "theme")
    colours = {trace.name: trace.marker.color for trace in by_year.data}
    assert colours == {"Victims": "#0072B2", "Offenders": "#D55E00", "Communities": "#009E73", "Not stated": "#999999"}
    streams = charts.spend_by_year_chart(db.query("spend_by_year_and_stream"), "funding_stream")
    assert {t.name: t.marker.color for t in streams.data} == {
        s: vocab.STREAM_COLOURS[s] for s in streams_in(db.query("spend_by_year_and_stream"))}


def streams_in(frame):
    return set(frame["funding_stream"])


def test_missing_amounts_are_said_not_drawn_as_zero_spend(db):
    fig = charts.spend_by_funding_stream_chart(db.query("spend_by_funding_stream"))
    texts = dict(zip([c[0] for c in fig.data[0].customdata], fig.data[0].text))
    assert texts["Youth Fund"] == "amount not stated"
    # With the Peterborough Innovation Fund's £150,000 linked to the stream (issue 16).
    assert texts["Crime and Disorder Reduction Grants"] == "£1,462,248"


@pytest.mark.parametrize("builder", [
    charts.spend_by_theme_chart, charts.spend_by_funding_stream_chart, charts.spend_by_year_chart,
    charts.top_providers_chart, charts.mechanism_share_chart, charts.hierarchy_chart,
    charts.stream_by_theme_chart, charts.commitments_chart, charts.commitments_by_year_chart, charts.area_chart,
    charts.reconciliation_chart, charts.data_gaps_chart,
])
def test_empty_results_give_a_friendly_empty_figure(db, builder):
    query = {
        charts.spend_by_theme_chart: "spend_by_theme", charts.spend_by_funding_stream_chart: "spend_by_funding_stream",
        charts.spend_by_year_chart: "spend_by_year", charts.top_providers_chart: "spend_by_provider",
        charts.mechanism_share_chart: "spend_by_mechanism", charts.hierarchy_chart: "theme_stream_service",
        charts.stream_by_theme_chart: "theme_stream_service", charts.commitments_chart: "commitments",
        charts.commitments_by_year_chart: "commitments_by_year",
        charts.area_chart: "area_comparison", charts.reconciliation_chart: "reconciliation",
        charts.data_gaps_chart: "data_quality",
    }[builder]
    nothing = Filters(areas=("Nowhere",))
    frame = db.query(query, nothing, top_n=10)
    assert frame.is_empty()
    fig = builder(frame)
    assert len(fig.data) == 0
    assert "Nothing matches" in fig.layout.annotations[0].text or "No " in fig.layout.annotations[0].text


def test_coverage_caption(db):
    assert charts.coverage(db.query("spend_by_theme")) == "based on 56 awards, 5 without an amount"
    one = pl.DataFrame({"amount_gbp": [None]}, schema={"amount_gbp": pl.Float64})
    assert charts.coverage(one) == "based on 1 award, 1 without an amount"


def test_labels_are_escaped_for_hover_and_ticks():
    frame = pl.DataFrame({"provider": ["<script>x</script>"], "amount_gbp": [10.0], "award_count": [1],
                          "missing_amount_count": [0], "provider_rank": [1], "provider_count": [1]})
    fig = charts.top_providers_chart(frame)
    assert fig.data[0].y[0] == "&lt;script&gt;x&lt;/script&gt;"
    assert fig.data[0].customdata[0][0] == "<script>x</script>"  # the raw value, for filtering


BUILDERS = {  # each builder with the question it draws, and its extra arguments
    "spend_by_theme_chart": ("spend_by_theme", ()), "spend_by_funding_stream_chart": ("spend_by_funding_stream", ()),
    "spend_by_year_chart": ("spend_by_year", ("theme",)), "year_on_year_chart": ("year_on_year", ()),
    "top_providers_chart": ("spend_by_provider", ()), "mechanism_share_chart": ("spend_by_mechanism", ()),
    "hierarchy_chart": ("theme_stream_service", ()), "stream_by_theme_chart": ("theme_stream_service", ()),
    "commitments_chart": ("commitments", ()), "commitments_by_year_chart": ("commitments_by_year", ()),
    "area_chart": ("area_comparison", ()), "reconciliation_chart": ("reconciliation", ()),
    "data_gaps_chart": ("data_quality", ()), "provider_profile_chart": ("spend_by_year", ("Peterborough City Council",)),
    "breakdown_chart": ("spend_by_theme", ("theme", "Spend by theme", "theme")),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_figures_built_without_plotly_s_checks_are_the_same_as_with_them(db, monkeypatch, name):
    import json

    import pccspend.charts.base as base

    question, args = BUILDERS[name]
    for filters in (Filters(include_unpublished=True, include_extensions=True), Filters(areas=("Nowhere",))):
        frame = db.query(question, filters)
        quick = json.loads(getattr(charts, name)(frame, *args).to_json())
        monkeypatch.setattr(base, "VALIDATE", True)
        checked = json.loads(getattr(charts, name)(frame, *args).to_json())
        monkeypatch.setattr(base, "VALIDATE", False)
        assert quick == checked, name


def test_a_draft_builds_the_figure_plotly_s_own_updates_build():
    """Builders update a Draft (plain dicts, one Figure at the end) with go.Figure's methods and
    meaning: paths in names, nested settings merged, later values replacing earlier ones."""
    import pccspend.charts.base as base

    calls = [
        ("update_layout", {"title": {"text": "T", "x": 0, "font": {"size": 16}}, "margin": {"l": 10, "t": 50}}),
        ("update_layout", {"title_subtitle_text": "under", "margin_t": 70, "legend": {"title_text": ""}}),
        ("update_layout", {"hoverlabel": {"bgcolor": "white", "font_size": 13}, "title": {"x": 0.1}}),
        ("update_xaxes", {"type": "category", "categoryarray": ["a", "b"], "title_text": "Year"}),
        ("update_xaxes", {"title_text": "Financial year", "tickvals": [1, 2]}),
        ("update_yaxes", {"autorange": "reversed", "title": {"font": {"size": 9}}}),
        ("add_shape", {"type": "rect", "x0": 0, "x1": 1, "line": {"width": 0}, "fillcolor": "#EDEDED"}),
        ("add_annotation", {"x": "a", "y": 0.5, "text": "no documents", "font": {"size": 12}}),
        ("add_annotation", {"x": "b", "y": 0.5, "text": "£0 awarded", "showarrow": False}),
        ("update_layout", {"barmode": "stack", "template": base.TEMPLATE}),
    ]
    draft, plotly_figure = base.figure(base.bar(x=[1, 2], y=["a", "b"])), go.Figure(data=[go.Bar(x=[1, 2], y=["a", "b"])])
    for method, props in calls:
        getattr(draft, method)(**props)
        getattr(plotly_figure, method)(**props)
    assert draft.done().to_plotly_json() == plotly_figure.to_plotly_json()
    assert plotly_figure.layout.title.subtitle.text == "under" and plotly_figure.layout.margin.t == 70


def test_a_years_hover_names_each_areas_coverage_until_there_are_many_then_counts_them():
    from pccspend.charts.base import AREAS_NAMED, year_coverage

    def grid(levels):
        return pl.DataFrame({"area": [f"Area {i:02d}" for i in range(len(levels))], "financial_year": "2019/20",
                             "coverage": [lv for lv, _ in levels], "streams": [s for _, s in levels]})

    few = [("full", None), ("partial", "Youth Fund"), ("none", None)]
    assert len(few) <= AREAS_NAMED
    assert year_coverage(grid(few)) == {"2019/20": "coverage (partial): Area 00: all spend; "
                                                   "Area 01: partial: Youth Fund; Area 02: no documents"}
    many = [("full", None)] * 5 + [("partial", "Youth Fund")] * 5 + [("none", None)]
    assert year_coverage(grid(many)) == {"2019/20": "coverage (partial): all spend in 5 areas; "
                                                    "partial: Youth Fund in 5 areas; no documents in 1 area"}
    # Every bar of 43 areas' years carries it: a line, not 43.
    national = year_coverage(grid([("partial", "Youth Fund")] * 43))["2019/20"]
    assert national == "coverage (partial): partial: Youth Fund in 43 areas"


def test_a_change_of_a_million_or_more_is_labelled_compactly_and_hovered_in_full():
    frame = pl.DataFrame({
        "financial_year": ["2018/19", "2019/20", "2020/21", "2021/22"],
        "amount_gbp": [1_000_000.0, 9_123_456_789.12, 1_000_000.0, 1_336_682.0],
        "previous_amount_gbp": [None, 1_000_000.0, 9_123_456_789.12, 1_000_000.0],
        "change_gbp": [None, 9_122_456_789.12, -9_122_456_789.12, 336_682.0],
        "change_share": [None, 9122.46, -0.9999, 0.3367],
        "comparison": ["first year", "change", "change", "change"]})
    fig = charts.year_on_year_chart(frame)
    assert list(fig.data[0].text) == ["+£9.12bn", "-£9.12bn", "+£336,682"]
    assert [c[1] for c in fig.data[0].customdata] == [
        "£9,123,456,789.12 against £1,000,000 (+912246.0%)", "£1,000,000 against £9,123,456,789.12 (-100.0%)",
        "£1,336,682 against £1,000,000 (+33.7%)"]
