"""The dashboard through Streamlit's AppTest: every page runs, shows the hand-computed figures for a
known filter state, keeps its state in the URL, and shrugs off bad links with a warning."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from pccspend.paths import PROJECT_ROOT
from tests.test_record import shown

DASHBOARD = str(PROJECT_ROOT / "dashboard.py")
PAGES = ["overview", "themes", "funding_streams", "years", "providers", "awards", "compare_areas", "coverage",
         "data_quality", "sources"]
CHARTS = {"overview": 4, "themes": 2, "funding_streams": 3, "years": 2, "providers": 3, "awards": 0,
          "compare_areas": 1, "data_quality": 2, "sources": 0, "coverage": 0}
DEFAULT_KPIS = [("Total spend", "£4,832,360"), ("Awards", "56"), ("Providers", "28"),
                ("Awards with no amount", "5")]
MOJ = "MoJ Victims' Services Grant"


@pytest.fixture
def open_app(built_data, monkeypatch):
    """Open the dashboard as a browser would open a link: `query` on `page`."""
    return _opener(built_data, monkeypatch)


@pytest.fixture
def open_held_back(held_back_data, monkeypatch):
    """`open_app` on the register with a draft and a withheld award (tests/conftest.py HELD_BACK)."""
    return _opener(held_back_data, monkeypatch)


def _opener(data, monkeypatch):
    monkeypatch.setenv("PCCSPEND_DATA", str(data.root))

    def open_(query: dict | None = None, page: str = "overview") -> AppTest:
        at = AppTest.from_file(DASHBOARD, default_timeout=60)
        at.query_params.update(query or {})
        at.run()
        if page != "overview":
            at.query_params.update(query or {})  # the link names this page: its view settings too
            at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def figure(at: AppTest, title: str) -> dict:
    found = [f for f in figures(at) if f["layout"]["title"]["text"] == title]
    assert found, [f["layout"]["title"]["text"] for f in figures(at)]
    return found[0]


def kpis(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def bars(fig: dict, trace: int = 0) -> dict:
    """Raw value (what a click filters by) -> text on the bar."""
    data = fig["data"][trace]
    return {c[0]: t for c, t in zip(data["customdata"], data["text"])}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_its_charts_and_the_frame(open_app, page):
    at = open_app(page=page)
    assert len(at.get("plotly_chart")) == CHARTS[page]
    assert "Data as of 30 March 2021" in [c.value for c in at.sidebar.caption]
    assert [b.label for b in at.sidebar.button] == ["Clear all filters"]
    assert not at.warning
    captions = [c.value for c in at.caption]
    assert sum(c.startswith("based on ") for c in captions) == CHARTS[page]


def test_overview_default_figures(open_app):
    at = open_app()
    assert kpis(at) == DEFAULT_KPIS
    assert bars(figure(at, "Spend by theme")) == {
        "Not stated": "£67,000", "victims": "£1,305,117", "offenders": "£3,109,643", "communities": "£350,600"}
    assert bars(figure(at, "Spend by funding stream")) == {
        "Not stated": "£2,341,852", "Crime and Disorder Reduction Grants": "£1,462,248", MOJ: "£961,260",
        "Casualty Reduction and Support Fund": "£67,000", "Community Safety Fund": "amount not stated",
        "Strategic Partnership Development Fund": "amount not stated", "Youth Fund": "amount not stated"}
    # Only Leicestershire's substance misuse contribution is covered the same way in 2018/19 to 2020/21;
    # 2017/18 and 2018/19 (no Cambridgeshire paper) say that coverage changed instead of a change in spend.
    yoy = figure(at, "Change from the previous financial year")
    assert dict(zip(yoy["data"][0]["x"], yoy["data"][0]["text"])) == {"2019/20": "£0", "2020/21": "-£336,682"}
    assert {a["x"]: a["text"] for a in yoy["layout"]["annotations"]} == {
        "2014/15": "no documents", "2015/16": "no documents", "2016/17": "coverage changed",
        "2017/18": "coverage changed", "2018/19": "coverage changed", "2021/22": "coverage changed",
        "2022/23": "coverage changed"}
    assert ("based on 56 awards, 5 without an amount · click a bar (or choose one under 'Show data') to filter "
            "every page") in [
        c.value for c in at.caption]


def test_as_stated_in_the_documents_only_gives_the_documents_figures(open_app):
    at = open_app({"stated": "1"})
    assert kpis(at) == DEFAULT_KPIS
    assert bars(figure(at, "Spend by theme")) == {
        "Not stated": "£2,558,852", "victims": "£1,305,117", "offenders": "£617,791", "communities": "£350,600"}
    assert bars(figure(at, "Spend by funding stream"))["Crime and Disorder Reduction Grants"] == "£1,312,248"
    assert [b.label for b in at.button if b.key.startswith("chip:")] == ["As stated in the documents only  ✕"]


def test_filtered_figures_victims_2017_18(open_app):
    at = open_app({"theme": "victims", "from": "2017/18", "to": "2017/18"})
    assert kpis(at) == [("Total spend", "£1,305,117"), ("Awards", "17"), ("Providers", "9"),
                        ("Awards with no amount", "1")]
    assert bars(figure(at, "Spend by funding stream")) == {
        MOJ: "£961,260", "Crime and Disorder Reduction Grants": "£343,857"}
    assert [b.label for b in at.button if b.key.startswith("chip:")] == ["Year: 2017/18  ✕", "Theme: Victims  ✕"]


def test_a_total_of_only_missing_amounts_is_not_stated_never_zero(open_app):
    at = open_app({"area": "West Midlands"})
    assert kpis(at) == [("Total spend", "not stated"), ("Awards", "1"), ("Providers", "1"),
                        ("Awards with no amount", "1")]


def test_url_state_round_trips(open_app):
    query = {"area": ["Cambridgeshire"], "theme": ["victims", "offenders"], "ext": "1", "q": "hub"}
    first = open_app(query)
    assert first.query_params == {"area": "Cambridgeshire", "theme": ["victims", "offenders"], "ext": "1",
                                  "q": "hub"}
    assert first.multiselect(key="f:theme").value == ["victims", "offenders"]
    assert first.checkbox(key="f:ext").value is True
    assert first.text_input(key="f:q").value == "hub"
    again = open_app(dict(first.query_params))  # the copied link, in a new session
    assert kpis(again) == kpis(first)
    assert figures(again) == figures(first)


def test_changing_a_filter_updates_the_url_and_every_figure(open_app):
    at = open_app()
    at.multiselect(key="f:area").set_value(["Cambridgeshire"]).run()
    assert at.query_params == {"area": "Cambridgeshire"}
    assert kpis(at)[0] == ("Total spend", "£2,490,508")
    at.selectbox(key="f:from").set_value("2017/18").run()
    assert at.query_params == {"area": "Cambridgeshire", "from": "2017/18"}
    assert kpis(at)[:2] == [("Total spend", "£2,273,508"), ("Awards", "36")]


def test_chips_remove_one_filter_and_clear_removes_all(open_app):
    at = open_app({"theme": "victims", "area": "Cambridgeshire"})
    chip = next(b for b in at.button if b.label.startswith("Theme: Victims"))
    chip.click().run()
    assert at.query_params == {"area": "Cambridgeshire"}
    assert at.multiselect(key="f:theme").value == []
    assert kpis(at)[0] == ("Total spend", "£2,490,508")
    at.button(key="clear-filters").click().run()
    assert at.query_params == {}
    assert kpis(at) == DEFAULT_KPIS


def test_malformed_url_values_are_ignored_with_a_warning(open_app):
    at = open_app({"theme": ["victims", "burglary"], "from": "2017", "min": "lots", "bogus": "1", "ext": "maybe"})
    assert [w.value for w in at.warning] == [
        "Ignored 'bogus' in the link: not a setting this dashboard knows.",
        "Ignored theme 'burglary' in the link: there is no such theme.",
        "Ignored from='2017' in the link: not a financial year like 2017/18.",
        "Ignored ext='maybe' in the link: use 1 or 0.",
        "Ignored min='lots' in the link: not an amount in pounds.",
    ]
    assert kpis(at)[0] == ("Total spend", "£1,305,117")
    assert at.query_params == {"theme": "victims"}


@pytest.mark.parametrize("page,query,warning", [
    ("years", {"stack": "colour"}, "Ignored stack='colour' in the link: choose one of theme, stream."),
    ("providers", {"top": "9999"}, "Ignored top='9999' in the link: choose one of 5, 10, 20."),
    ("themes", {"drill": ["victims", "Youth Fund"]},
     "Nothing under victims > Youth Fund with these filters: showing the level above."),
])
def test_malformed_view_settings_are_ignored_with_a_warning(open_app, page, query, warning):
    at = open_app(query, page)
    assert [w.value for w in at.warning] == [warning]


def test_unpublished_rows_only_when_asked_and_marked(open_held_back):
    hidden = open_held_back(page="awards")
    table = hidden.dataframe[0].value
    assert len(table) == 54 and "publication" not in table.columns
    shown = open_held_back({"unpublished": "1"}, "awards")
    table = shown.dataframe[0].value
    assert len(table) == 56
    marked = table.loc[table["publication"] != "", ["award_id", "publication"]]
    assert sorted(map(tuple, marked.values.tolist())) == [
        ("CAM-BCB170511-VS02", "WITHHELD (prevention or detection of crime)"), ("LEI-EXE0004-21-T2-01", "DRAFT")]
    assert any("Showing unpublished rows" in e.value for e in shown.error)
    assert kpis(open_held_back({"unpublished": "1"}))[:2] == [("Total spend", "£4,832,360"), ("Awards", "56")]


def test_filters_matching_nothing_show_a_friendly_empty_state(open_app):
    for page in PAGES:
        at = open_app({"min": "999999999"}, page)
        if page in ("sources", "coverage"):
            continue  # the documents, and what they cover, are listed whatever the filters
        assert any(i.value.startswith("Nothing matches these filters") for i in at.info), page
    assert kpis(open_app({"min": "999999999"})) == [
        ("Total spend", "£0"), ("Awards", "0"), ("Providers", "0"), ("Awards with no amount", "0")]


def test_themes_drill_down_and_back(open_app):
    at = open_app({"drill": "victims"}, "themes")
    assert bars(figure(at, "Victims: by funding stream")) == {
        MOJ: "£961,260", "Crime and Disorder Reduction Grants": "£343,857"}
    at = open_app({"drill": ["victims", MOJ, "Restorative Justice Hub"]}, "themes")
    assert bars(figure(at, "Restorative Justice Hub: its awards")) == {"CAM-BCB170511-VS03": "£52,750"}
    assert at.dataframe[-1].value["source_locator"].tolist() == ["Paragraph 4.3, Grant Agreements"]
    at.button(key="back").click().run()
    assert at.query_params == {"drill": ["victims", MOJ]}
    at.button(key="crumb:0").click().run()
    assert at.query_params == {}
    assert "Spend by theme" in [f["layout"]["title"]["text"] for f in figures(at)]


def _picks(at: AppTest) -> dict[str, object]:
    """The select box under each chart a click on a bar works on (its keyboard path), by label:
    under 'Show data', so every chart's is switched on first."""
    for toggle in at.toggle:
        if (toggle.key or "").startswith("show:") and not toggle.value:
            toggle.set_value(True)
    at.run()
    return {s.label: s for s in at.selectbox if (s.key or "").startswith("pick:chart:")}


def test_every_chart_selection_has_a_keyboard_path_that_does_what_a_click_does(open_app):
    at = open_app()
    assert not [s for s in at.selectbox if (s.key or "").startswith("pick:chart:")]  # until 'Show data'
    picks = _picks(at)
    assert sorted(picks) == ["Filter every page by a funding stream of this chart",
                             "Filter every page by a theme of this chart", "Filter every page by a year of this chart"]
    theme = picks["Filter every page by a theme of this chart"]
    assert theme.options == ["Offenders", "Victims", "Communities", "Not stated"]  # the bars, largest first
    assert theme.value is None
    theme.set_value("victims").run()
    assert at.query_params == {"theme": "victims"}
    assert kpis(at)[0] == ("Total spend", "£1,305,117")
    at = open_app({}, "themes")
    drill = _picks(at)["Drill down into"]
    drill.set_value("victims").run()
    assert at.query_params == {"drill": "victims"}
    assert "Victims: by funding stream" in [f["layout"]["title"]["text"] for f in figures(at)]


def test_years_stack_switch_is_in_the_url(open_app):
    at = open_app({"stack": "stream"}, "years")
    fig = figure(at, "Spend by financial year and funding stream")
    assert {t["name"] for t in fig["data"]} == {
        "Not stated", "Crime and Disorder Reduction Grants", MOJ, "Casualty Reduction and Support Fund",
        "Community Safety Fund", "Strategic Partnership Development Fund", "Youth Fund"}
    at.segmented_control(key="view:stack").set_value("theme").run()
    assert at.query_params == {}
    commitments = figure(at, "Multi-year commitments by year: committed and optional extension")
    assert [t["name"] for t in commitments["data"]] == ["committed"]
    with_ext = open_app({"ext": "1"}, "years")
    traces = figure(with_ext, "Multi-year commitments by year: committed and optional extension")["data"]
    assert [t["name"] for t in traces] == ["committed", "optional extension"]
    assert traces[1]["marker"]["pattern"]["shape"] == "/"


def test_providers_page_figures(open_app):
    at = open_app({"top": "5"}, "providers")
    # £3,299,251 of £4,832,360 with the top five (tests/test_pagedata.py names them)
    assert kpis(at) == [("Providers", "28"), ("Top-5 share of spend", "68.3%"), ("Single tender", "£154,065")]
    top = figure(at, "Top providers by spend")["data"][0]
    assert top["text"][-1] == "£1,533,109" and top["customdata"][-1][0] == "All others"
    at.selectbox(key="profile-picker:None").set_value("Peterborough City Council").run()
    assert at.query_params == {"top": "5", "profile": "Peterborough City Council"}
    assert figure(at, "Awards to Peterborough City Council by financial year")


def test_awards_explorer_rows_have_money_and_sources(open_app):
    at = open_app({"theme": "victims"}, "awards")
    table = at.dataframe[0].value
    assert len(table) == 17
    assert table["source_title"].notna().all() and table["source_locator"].notna().all()
    assert table["document"].str.startswith("sources?doc=").all()
    # Money is shown by the table's Styler, British style (tests/test_record.py reads it as shown).
    money = dict(zip(table["award_id"], shown(at.dataframe[0])["amount_gbp"]))
    assert (money["CAM-BCB170511-VS01"], money["CAM-BCB170511-VS02"], money["CAM-BCB170511-VS03"]) == (
        "£446,000", "£33,445", "£52,750")
    assert list(money.values()).count("not stated") == 1
    assert [d.label for d in at.get("download_button")] == [
        "Download CSV", "Download Excel (XLSX)", "Download JSON"]
    assert any(c.value.startswith("17 awards, £1,305,117 in total, 1 without an amount.") for c in at.caption)


def test_awards_explorer_shows_a_page_of_a_large_result_and_says_so(open_app, monkeypatch):
    monkeypatch.setattr("pccspend.ui.EXPLORER_ROWS", 10)
    at = open_app({"theme": "victims"}, "awards")
    assert len(at.dataframe[0].value) == 10
    assert [i.value for i in at.info] == [
        "Showing the first 10 of 17 awards (by area, year and id). Narrow the filters to see the others here; "
        "the downloads hold all 17."]
    assert any(c.value.startswith("17 awards, £1,305,117 in total, 1 without an amount.") for c in at.caption)


def test_compare_areas_per_resident(open_app):
    at = open_app({"measure": "per_resident"}, "compare_areas")
    fig = figure(at, "Spend per resident by area and financial year")
    cambs = next(t for t in fig["data"] if t["name"] == "Cambridgeshire (coverage differs)")
    # Every year of the span, none skipped; a year no Cambridgeshire document covers says so.
    nothing = "no documents"
    assert list(zip(cambs["x"], cambs["y"], cambs["text"])) == [
        ("2013/14", 0.0, nothing), ("2014/15", 0.0, nothing), ("2015/16", 0.0, nothing), ("2016/17", 0.2426, ""),
        ("2017/18", 2.5419, ""), ("2018/19", 0.0, nothing), ("2019/20", 0.0, nothing), ("2020/21", 0.0, nothing),
        ("2021/22", 0.0, nothing), ("2022/23", 0.0, nothing)]
    totals = at.dataframe[-1].value
    assert totals[["area", "amount_gbp"]].values.tolist()[:2] == [["Cambridgeshire", 2490508.0],
                                                                  ["Leicestershire", 2341852.0]]


def test_data_quality_differences_and_sources(open_app):
    at = open_app(page="data_quality")
    fig = figure(at, "Stated total minus the sum of its lines")
    diffs = bars(fig)
    assert diffs["CAM-BCB170511-TOT-CDRG"] == "+£10,000"
    assert diffs["CAM-BCB170511-BUD-MOJ"] == "+£38,740"
    # Bars named as the document names its totals (the id in the hover), never by a raw id.
    assert fig["data"][0]["y"][3] == "Crime and Disorder<br>Reduction Grants 2017/18:…"
    assert not any(label.startswith(("CAM-", "LEI-")) for label in fig["data"][0]["y"])
    # 13 totals hold 129 lines, but a line under two totals is one award: 54, one without an amount.
    assert "based on 54 awards, 1 without an amount" in [c.value for c in at.caption]
    issues = at.dataframe[-1].value
    assert issues["document"].str.startswith("sources?doc=").all()
    assert set(issues["issue"]) == {"no amount", "no theme", "no funding stream", "no provider"}


def test_source_document_opens_at_its_locator(open_app):
    at = open_app({"doc": "CAM-BCB-2017-05-11", "at": "Paragraph 4.3, Grant Agreements"}, "sources")
    assert [i.value for i in at.info] == ["Looking for: Paragraph 4.3, Grant Agreements"]
    assert at.get("text")[0].value.startswith("4.3 A mixed model")
    assert at.subheader[0].value == "Commissioning and Grants"


def test_a_new_build_is_picked_up_without_a_restart(fresh_data, monkeypatch):
    from pccspend.build import build

    build(fresh_data)
    monkeypatch.setenv("PCCSPEND_DATA", str(fresh_data.root))
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert kpis(at)[0] == ("Total spend", "£4,832,360")
    awards = fresh_data.register / "awards.csv"
    text = awards.read_text(encoding="utf-8")
    assert text.count(",52750.00,") == 1  # CAM-BCB170511-VS03, Restorative Justice Hub
    awards.write_text(text.replace(",52750.00,", ",52751.00,"), encoding="utf-8")
    build(fresh_data)
    at.run()
    assert kpis(at)[0] == ("Total spend", "£4,832,361")


@pytest.fixture(scope="module")
def synth_data(tmp_path_factory):
    """A synthetic register with more providers than the picker offers."""
    from pccspend.build import build
    from pccspend.synth import write_synth

    data = write_synth(tmp_path_factory.mktemp("synth-picker") / "data", rows=5_000, seed=11)
    build(data)
    return data


def test_the_provider_picker_offers_the_largest_and_takes_typed_names(synth_data, monkeypatch):
    import polars as pl

    from pccspend import vocab
    from pccspend.db import Database

    monkeypatch.setenv("PCCSPEND_DATA", str(synth_data.root))
    db = Database(synth_data)
    top, known = db.top_values()["provider"], db.options()["provider"]
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert at.multiselect(key="f:provider").options == top
    assert len(top) == 200 < len(known)
    # A provider too small to be offered, typed exactly: it filters every figure, like a link.
    small = sorted(known - set(top))[0]
    awards = pl.read_parquet(db.build_path / "awards.parquet").filter(
        pl.col("status").is_in(list(vocab.DEFAULT_STATUSES)) & pl.col("is_public"))
    theirs = awards.filter(pl.col("provider") == small).height
    at.multiselect(key="f:provider").set_value([small]).run()
    assert not at.exception and not at.warning
    assert at.query_params == {"provider": small}
    assert kpis(at)[1:3] == [("Awards", f"{theirs:,}"), ("Providers", "1")]
    assert at.multiselect(key="f:provider").value == [small]
    assert at.multiselect(key="f:provider").options == top + [small]
    # A name no award has: dropped with a warning, the filters as they were.
    at.multiselect(key="f:provider").set_value([small, "Nobody Ltd"]).run()
    assert [w.value for w in at.warning] == ["Ignored provider 'Nobody Ltd': there is no such provider."]
    assert at.query_params == {"provider": small}
    assert at.multiselect(key="f:provider").value == [small]
    assert kpis(at)[1] == ("Awards", f"{theirs:,}")
