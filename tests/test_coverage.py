"""Coverage: what each document covers, the area x year cells, and charts across years that never
skip a year nor draw a coverage gap as a change in spend."""

import pytest

from pccspend import charts, pagedata
from pccspend.build import build
from pccspend.coverage import grid_table
from pccspend.db import Database
from pccspend.filters import ALL, Filters
from pccspend.fy import fy_label
from pccspend.problems import Problem
from pccspend.validate import validate_register
from tests.conftest import edit, set_row

CAM, LEI, WMD = "Cambridgeshire", "Leicestershire", "West Midlands"
SM = "Substance misuse treatment contribution"
YEARS = [fy_label(y) for y in range(2013, 2023)]
# The covered cells of the bundled register, from coverage.csv (every other cell: no documents).
COVERED = {
    (CAM, "2016/17"): ("partial", "Casualty Reduction and Support Fund;Peterborough Substance Misuse Innovation Fund",
                       "CAM-BCB-2015-07-14;CAM-BCB-2017-05-11"),
    (CAM, "2017/18"): ("partial", "Crime and Disorder Reduction Grants;MoJ Victims' Services Grant", "CAM-BCB-2017-05-11"),
    **{(LEI, y): ("partial", SM, "LEI-EXE0001") for y in ("2016/17", "2017/18", "2018/19", "2019/20", "2020/21")},
    (LEI, "2021/22"): ("partial", f"{SM}: optional extension only", "LEI-EXE0001"),
    (LEI, "2022/23"): ("partial", SM, "LEI-EXE0004-21"),
    (WMD, "2013/14"): ("partial", "Community Safety Fund", "WMD-FOI-2013-01354"),
}


def _contiguous(years) -> bool:
    starts = [int(y[:4]) for y in years]
    return starts == list(range(starts[0], starts[-1] + 1))


def test_coverage_grid_of_the_bundled_register(db):
    grid = db.query("coverage", ALL)
    assert [(r[0], r[1]) for r in grid.rows()] == [(a, y) for a in (CAM, LEI, WMD) for y in YEARS]
    assert {(a, y): (c, s, d) for a, y, c, s, d, _ in grid.rows()} == {
        (a, y): COVERED.get((a, y), ("none", None, None)) for a in (CAM, LEI, WMD) for y in YEARS}
    assert grid.filter(grid["area"] == WMD)["documents"][0] == (
        "Freedom of Information response: Community Safety Fund 2013-14 (WMD-FOI-2013-01354)")
    # An area filter keeps that area's own span of documents.
    assert db.query("coverage", Filters(areas=(LEI,)))["financial_year"].to_list() == YEARS[3:]
    table = grid_table(grid)
    assert table.columns == ["area", *YEARS]
    assert table.row(2) == ("West Midlands", "partial: Community Safety Fund (WMD-FOI-2013-01354)",
                            *["no documents"] * 9)


def test_each_document_row_says_why(db):
    documents = db.query("coverage_documents", ALL)
    assert documents.height == 7 and documents["note"].null_count() == 0 and documents["is_recorded"].all()


def _time_charts(db, filters):
    """Every chart builder with a time axis, on this register's frames, and the years it draws."""
    overview, years = pagedata.overview(db, filters), pagedata.years(db, filters)
    areas, streams = pagedata.compare_areas(db, filters), pagedata.funding_streams(db, filters)
    provider = pagedata.providers(db, filters)
    every = filters.replace(include_extensions=True)
    built = {
        "spend_by_year": charts.spend_by_year_chart(overview["by_year"], "theme", overview["coverage"]),
        "spend_by_year_and_stream": charts.spend_by_year_chart(streams["by_year_stream"], "funding_stream",
                                                               streams["coverage"]),
        "year_on_year": charts.year_on_year_chart(overview["year_on_year"]),
        "commitments_by_year": charts.commitments_by_year_chart(
            pagedata.years(db, every)["commitments"], years["coverage"]),
        "commitments": charts.commitments_chart(db.query("commitments", every), years["coverage"]),
        "area": charts.area_chart(areas["by_area_year"], "amount_gbp", areas["coverage"]),
        "area_per_resident": charts.area_chart(areas["by_area_year"], "amount_per_resident_gbp", areas["coverage"]),
        "provider_profile": charts.provider_profile_chart(provider["profile"], "p", provider["coverage"]),
        "spend_by_year_without_coverage": charts.spend_by_year_chart(overview["by_year"], "theme"),
    }
    return {name: list(fig.layout.xaxis.categoryarray or ()) for name, fig in built.items()}, built


@pytest.fixture(scope="module")
def gap_db(tmp_path_factory):
    """The bundled register with a West Midlands award in 2015/16 from a second FOI reply covering
    that year only: 2014/15 has no documents."""
    from tests.conftest import copy_data

    data = copy_data(tmp_path_factory.mktemp("gap"))
    register = data.register
    edit(register / "sources.csv", lambda rows: rows + [{**rows[-2], "source_id": "WMD-FOI-2015", "file_name": ""}])
    edit(register / "awards.csv", set_row("WMD-FOI-2013-01354-01", amount_gbp="1000.00"))
    edit(register / "awards.csv", lambda rows: rows + [{**next(r for r in rows if r["area"] == WMD),
                                                        "award_id": "WMD-FOI-2015-01", "financial_year": "2015/16",
                                                        "source_id": "WMD-FOI-2015", "amount_gbp": "1500.00"}])
    edit(register / "coverage.csv", lambda rows: rows + [{**rows[-1], "source_id": "WMD-FOI-2015",
                                                          "from_year": "2015/16", "to_year": "2015/16"}])
    assert validate_register(data) == []
    build(data)
    return Database(data)


def test_no_time_axis_skips_a_year(db, gap_db):
    for database, filters in ((db, ALL), (db, Filters(areas=(LEI,))), (gap_db, ALL), (gap_db, Filters(areas=(WMD,)))):
        axes, _ = _time_charts(database, filters)
        for name, years in axes.items():  # an empty figure (West Midlands has no commitments) has no axis
            assert not years or _contiguous(years), (name, filters, years)
        assert axes["spend_by_year"] and axes["area"] and axes["year_on_year"]
    axes, built = _time_charts(db, ALL)
    assert axes["spend_by_year"] == YEARS  # 2014/15 and 2015/16 are no longer dropped
    # 2013/14's one award states no amount: said, not drawn as nothing (or as £0)
    assert [a.text for a in built["spend_by_year"].layout.annotations] == [
        "amount not stated", "no documents", "no documents", "£0 awarded"]
    axes, built = _time_charts(gap_db, Filters(areas=(WMD,)))
    assert axes["spend_by_year"] == ["2013/14", "2014/15", "2015/16"]
    assert [(a.x, a.text) for a in built["spend_by_year"].layout.annotations] == [
        ("2013/14", "amount not stated"), ("2014/15", "no documents")]
    assert [(a.x, a.text) for a in built["year_on_year"].layout.annotations] == [
        ("2014/15", "no documents"), ("2015/16", "coverage changed")]
    assert not built["year_on_year"].data[0].x  # 2015/16 against 2013/14 is no change in spend


def test_a_coverage_gap_is_never_drawn_as_a_change_in_spend(db):
    frame = pagedata.overview(db, ALL)["year_on_year"]
    row = frame.filter(frame["financial_year"] == "2018/19").row(0, named=True)
    # Cambridgeshire's 2017/18 report has no 2018/19 successor in the register: not a fall of £2,273,508.
    assert (row["comparison"], row["change_gbp"], row["amount_gbp"]) == ("coverage changed", None, 448909)
    fig = charts.year_on_year_chart(frame)
    assert "2018/19" not in fig.data[0].x
    assert "-£2,273,508" not in fig.data[0].text
    assert ("2018/19", "coverage changed") in [(a.x, a.text) for a in fig.layout.annotations]
    assert dict(zip(fig.data[0].x, fig.data[0].text)) == {"2019/20": "£0", "2020/21": "-£336,682"}


def test_a_change_is_drawn_between_years_covered_the_same_way(db):
    frame = pagedata.overview(db, Filters(areas=(LEI,)))["year_on_year"]
    assert [(y, None if c is None else float(c), k) for y, c, k in
            frame.select("financial_year", "change_gbp", "comparison").rows()] == [
        ("2016/17", None, "first year"), ("2017/18", 112227.0, "change"), ("2018/19", 0.0, "change"),
        ("2019/20", 0.0, "change"), ("2020/21", -336682.0, "change"),
        ("2021/22", None, "coverage changed"), ("2022/23", None, "coverage changed")]


def test_area_comparison_marks_areas_covered_differently(db):
    data = pagedata.compare_areas(db, ALL)
    fig = charts.area_chart(data["by_area_year"], "amount_gbp", data["coverage"])
    assert [t.name for t in fig.data] == [f"{a} (coverage differs)" for a in (CAM, LEI, WMD)]
    assert charts.coverage_by_area(data["coverage"])[WMD] == (
        "partial: Community Safety Fund in 2013/14; no documents in 2014/15 to 2022/23")
    one = pagedata.compare_areas(db, Filters(areas=(LEI,)))
    assert [t.name for t in charts.area_chart(one["by_area_year"], "amount_gbp", one["coverage"]).data] == [LEI]


def test_broken_coverage_rows_are_named_by_file_row_column_and_rule(fresh_data):
    header = "source_id,area,from_year,to_year,scope,streams,note\n"
    rows = [
        "NO-SUCH-DOC,Cambridgeshire,2017/18,2017/18,all,,why",
        "CAM-BCB-2017-05-11,Cambridgeshire,2018/19,2017/18,all,,why",
        "CAM-BCB-2015-07-14,Cambridgeshire,2016/17,2016/17,some,,why",
        "LEI-EXE0001,Leicestershire,2016/17,2021/22,streams,,why",
        "LEI-EXE0004-21,Leicestershire,2022-23,2022/23,all,Substance misuse,",
        "WMD-FOI-2013-01354,West Midlands,2014/15,2014/15,all,,why",
    ]
    (fresh_data.register / "coverage.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    problems = [p for p in validate_register(fresh_data) if p.file == "coverage.csv" or p.rule.startswith("outside")]
    outside = "outside what its document covers in coverage.csv (add or widen the document's row)"
    wmd_row = 1 + next(i for i, line in enumerate((fresh_data.register / "awards.csv").read_text().splitlines())
                       if ",West Midlands," in line)
    cam_rows = [1 + i for i, line in enumerate((fresh_data.register / "awards.csv").read_text().splitlines())
                if ",CAM-BCB-2017-05-11," in line]
    assert Problem("coverage.csv", 2, "source_id", "NO-SUCH-DOC", "source_id must name a row of sources.csv") in problems
    assert Problem("coverage.csv", 3, "to_year", "2017/18", "to_year must not be before from_year") in problems
    assert Problem("coverage.csv", 4, "scope", "some", "scope must be one of: all, streams") in problems
    assert Problem("coverage.csv", 5, "streams", None,
                   "scope 'streams' must name the funding streams or funds covered (;-separated)") in problems
    assert Problem("coverage.csv", 6, "from_year", "2022-23",
                   "financial year must be YYYY/YY with consecutive years, e.g. 2017/18") in problems
    assert Problem("coverage.csv", 6, "note", None, "required: must not be empty") in problems
    assert Problem("coverage.csv", 6, "streams", "Substance misuse",
                   "scope 'all' covers every stream: leave streams empty") in problems
    assert Problem("awards.csv", wmd_row, "financial_year", "West Midlands 2013/14", outside) in problems
    # The 2017 report's row runs backwards, so none of its awards is inside it.
    assert {p.row for p in problems if p.rule == outside and p.value.startswith("Cambridgeshire")} >= set(cam_rows)


def test_a_register_without_coverage_rows_covers_what_its_awards_show(fresh_data):
    (fresh_data.register / "coverage.csv").unlink()
    assert validate_register(fresh_data) == []
    build(fresh_data)
    grid = Database(fresh_data).query("coverage", ALL)
    cells = {(a, y): (c, s) for a, y, c, s, _, _ in grid.rows()}
    assert cells[(WMD, "2013/14")] == ("partial", "Community Safety Fund")
    assert cells[(CAM, "2018/19")] == ("none", None)
    assert cells[(LEI, "2022/23")] == ("partial", "the awards it lists")


def test_the_snapshot_shows_coverage_and_marks_the_years(db):
    from pccspend import site, snapshot

    data = snapshot.collect(db, snapshot.Scope.between((), None, None))
    context, page_charts = snapshot._page_context(data, "index.html", {"generator": "t", "register_sha256": "",
                                                                        "data_as_of": "x"}, [])
    html = site.render_page(context)
    assert '<caption id="coverage-table-cap">' in html
    assert "<td>partial: Community Safety Fund (WMD-FOI-2013-01354)</td>" in html
    assert "<li>West Midlands: partial: Community Safety Fund in 2013/14; no documents in 2014/15 to 2022/23.</li>" in html
    years = next(c for c in page_charts if c.name == "spend_by_year").fig.layout.xaxis.categoryarray
    assert list(years) == YEARS
    assert [t.name for t in next(c for c in page_charts if c.name == "spend_by_area").fig.data] == [
        f"{a} (coverage differs)" for a in (CAM, LEI, WMD)]
