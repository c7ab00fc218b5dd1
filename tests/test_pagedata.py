"""Page data: each page's frames, checked against figures added up by hand from the register."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pccspend import pagedata
from pccspend.filters import Filters

VICTIMS = Filters(themes=("victims",))
MOJ = "MoJ Victims' Services Grant"


def test_every_page_returns_named_frames(db):
    pages = {
        "overview": {"kpis", "other_currencies", "by_theme", "by_stream", "by_year", "year_on_year", "coverage",
                     "colours"},
        "themes": {"hierarchy", "level", "awards"},
        "funding_streams": {"by_stream", "by_stream_theme", "by_year_stream", "services", "about", "coverage",
                            "colours"},
        "years": {"by_year_theme", "by_year_stream", "commitments", "coverage", "colours"},
        "providers": {"top", "concentration", "mechanisms", "providers", "profile", "profile_awards", "coverage"},
        "awards": {"awards", "kpis"},
        "compare_areas": {"by_area_year", "by_area", "coverage", "colours"},
        "coverage": {"grid", "documents"},
        "data_quality": {"reconciliation", "reconciled_awards", "gaps", "issues"},
        "sources": {"documents", "text"},
    }
    for name, frames in pages.items():
        assert set(getattr(pagedata, name)(db, Filters())) == frames, name


def test_year_on_year_compares_years_covered_the_same_way_only(db):
    rows = pagedata.overview(db, Filters())["year_on_year"].select(
        "financial_year", "amount_gbp", "change_gbp", "comparison").rows()
    assert rows == [
        ("2013/14", None, None, "first year"),
        ("2014/15", None, None, "no documents"),  # no year is skipped; none is £0 either
        ("2015/16", None, None, "no documents"),
        ("2016/17", D("553682.00"), None, "coverage changed"),
        ("2017/18", D("2722417.00"), None, "coverage changed"),  # other Cambridgeshire streams
        ("2018/19", D("448909.00"), None, "coverage changed"),  # no Cambridgeshire paper: not -£2,273,508
        ("2019/20", D("448909.00"), D("0.00"), "change"),
        ("2020/21", D("112227.00"), D("-336682.00"), "change"),
        ("2021/22", D("0.00"), None, "coverage changed"),  # EXE0001's optional extension only: £0 by default
        ("2022/23", D("546216.00"), None, "coverage changed"),  # EXE0004/21
    ]


def test_theme_drill_down_levels(db):
    top = pagedata.themes(db, Filters())["level"]
    assert top.select("theme", "amount_gbp", "award_count").rows() == [
        ("offenders", D("3109643.00"), 24), ("victims", D("1305117.00"), 17),
        ("communities", D("350600.00"), 13), ("Not stated", D("67000.00"), 2),
    ]
    stated = pagedata.themes(db, Filters(stated_only=True))["level"]
    assert stated.select("theme", "amount_gbp", "award_count").rows() == [
        ("Not stated", D("2558852.00"), 21), ("victims", D("1305117.00"), 17),
        ("offenders", D("617791.00"), 7), ("communities", D("350600.00"), 11),
    ]
    # The drill-down's awards say where their theme comes from.
    linked = pagedata.themes(db, Filters(), ("offenders", "Crime and Disorder Reduction Grants",
                                              "Peterborough Substance Misuse Innovation Fund"))["awards"]
    assert linked.select("award_id", "theme_basis", "theme_basis_locator").rows() == [
        ("CAM-BCB150714-01", "linked", "Appendix 1, Offenders"), ("CAM-BCB170511-CDRG-O01", "stated", "Appendix 1, Offenders")]
    streams = pagedata.themes(db, Filters(), ("victims",))["level"]
    assert streams.select("funding_stream", "amount_gbp", "award_count").rows() == [
        (MOJ, D("961260.00"), 10), ("Crime and Disorder Reduction Grants", D("343857.00"), 7),
    ]
    awards = pagedata.themes(db, Filters(), ("victims", MOJ, "Restorative Justice Hub"))
    assert awards["level"].select("award_id", "amount_gbp").rows() == [("CAM-BCB170511-VS03", D("52750.00"))]
    assert awards["awards"]["source_locator"].to_list() == ["Paragraph 4.3, Grant Agreements"]


def test_drill_path_keeps_the_valid_part(db):
    hierarchy = pagedata.themes(db, Filters())["hierarchy"]
    assert pagedata.drill_path(hierarchy, ("victims", "Youth Fund")) == (
        ("victims",), ["Nothing under victims > Youth Fund with these filters: showing the level above."])
    assert pagedata.drill_path(hierarchy, ("victims", MOJ)) == (("victims", MOJ), [])


def test_providers_concentration_and_single_tender(db):
    data = pagedata.providers(db, Filters(), top_n=5)
    # The top five: the LLR partnership £1,789,696, Cambridgeshire Constabulary £587,195, Peterborough
    # City Council £456,000, Leicester City Council £253,287 (EXE0004/21) and the awards naming no
    # provider, £213,073 (£67,000 + £15,000 + EXE0004/21's £131,073 non-core services).
    assert data["concentration"].row(0) == (28, D("3299251.00"), D("4832360.00"), 0.6827)
    assert data["top"]["provider"].to_list()[-1] == "All others"
    assert data["top"]["amount_gbp"].sum() == D("4832360.00")
    single = data["mechanisms"].filter(data["mechanisms"]["mechanism"] == "single tender action")
    assert single.select("amount_gbp", "award_count").row(0) == (D("154065.00"), 4)
    # The profile defaults to the biggest provider: the Leicester substance misuse partnership.
    assert data["profile"]["amount_gbp"].sum() == D("1789696.00")
    assert data["profile_awards"]["amount_gbp"].sum() == D("1789696.00")
    assert set(data["profile_awards"]["provider"]) == {data["providers"]["provider"][0]}
    assert pagedata.providers(db, Filters(), limit=2)["profile_awards"].height == 2


@pytest.mark.parametrize("filters", [Filters(), Filters(themes=("victims",)), Filters(areas=("Nowhere",)),
                                     Filters(areas=("West Midlands",))])
def test_top_providers_from_every_provider_equal_the_question(db, filters):
    every = db.query("spend_by_provider", filters, top_n=pagedata.EVERY_PROVIDER)
    for top_n in (1, 3, 5, 10, 25, 100):
        assert pagedata.top_providers(every, top_n).equals(db.query("spend_by_provider", filters, top_n=top_n)), top_n


@pytest.mark.parametrize("filters", [Filters(), Filters(include_unpublished=True, include_extensions=True),
                                     Filters(themes=("Not stated",)), Filters(funding_streams=(MOJ,)),
                                     Filters(stated_only=True), Filters(areas=("Nowhere",))])
def test_the_gap_list_asks_only_for_the_kinds_its_first_rows_reach(db, filters):
    """The Data quality page reads only the kinds of gap its first rows reach (counted by area and
    year first), and shows exactly the first rows of the gap list of every kind."""
    every = db.query("data_quality_issues", filters)
    assert set(every["issue"]) <= {kind for kind, _ in pagedata.GAP_KINDS}
    for limit in (*range(0, every.height + 2), None):
        page = pagedata.data_quality(db, filters, limit=limit)
        assert page["issues"].equals(db.query("data_quality_issues", filters, row_limit=limit)), limit
        kinds = pagedata.gap_kinds(page["gaps"], limit)
        shown = every.head(limit) if limit is not None else every
        # The kinds read are exactly those of the rows shown.
        assert kinds is None or set(kinds) == set(shown["issue"]), limit
    if filters == Filters(include_unpublished=True, include_extensions=True):
        assert every["issue"].n_unique() >= 3  # the bundled register has several kinds to cross


def test_area_totals_per_resident(db):
    by_area = pagedata.compare_areas(db, Filters())["by_area"]
    assert by_area.select("area", "amount_gbp", "population", "amount_per_resident_gbp").rows() == [
        ("Cambridgeshire", D("2490508.00"), 894400, 2.7846),  # 2,490,508 / 894,400
        ("Leicestershire", D("2341852.00"), 1121900, 2.0874),  # with EXE0004/21's £546,216
        ("West Midlands", None, 2919600, None),  # its only award states no amount
    ]


def test_source_text_marks_the_locator(db):
    data = pagedata.sources(db, Filters(), "CAM-BCB-2017-05-11", "Paragraph 4.3, Grant Agreements")
    located = data["text"].filter(data["text"]["is_located"])
    assert located["line"].to_list() == [48]
    assert located["text"][0].startswith("4.3 ")
    appendix = pagedata.sources(db, Filters(), "CAM-BCB-2017-05-11", "Appendix 1, Total Awards")["text"]
    assert appendix.filter(appendix["is_located"])["text"].to_list() == ["Appendix 1"]


@pytest.mark.parametrize("doc", ["../../etc/passwd", "nope", None])
def test_source_text_only_for_known_documents(db, doc):
    assert pagedata.sources(db, Filters(), doc)["text"].is_empty()


def test_victims_filter_flows_into_every_page(db):
    assert pagedata.overview(db, VICTIMS)["kpis"].select("amount_gbp", "award_count").row(0) == (
        D("1305117.00"), 17)
    assert pagedata.awards(db, VICTIMS)["awards"].height == 17
    page = pagedata.awards(db, VICTIMS, limit=5)
    assert (page["awards"].height, page["kpis"]["award_count"][0]) == (5, 17)
    assert pagedata.years(db, VICTIMS)["by_year_theme"]["theme"].unique().to_list() == ["victims"]
