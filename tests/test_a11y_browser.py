"""axe-core on every page of the dashboard, in real Chromium (issue 17): no serious or critical
violation but those Streamlit itself causes, each named by its axe rule id and confined to the
element Streamlit draws; and no two labels of a chart drawn over each other. A screenshot of every
page goes to test-artifacts/ for a person to look at."""

from __future__ import annotations

import contextlib
import os

import pytest

from pccspend.build import build
from pccspend.paths import PROJECT_ROOT
from tests.conftest import copy_data
from tests.hardening import own_thread, streamlit_server

CHROMIUM = "/usr/bin/chromium"
AXE = PROJECT_ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# Every page as the local mode reaches it (every role), and one award's record.
PAGES = ("", "themes", "funding_streams", "years", "providers", "compare_areas", "awards",
         "awards?award=CAM-BCB170511-VS02", "data_quality", "sources?doc=CAM-BCB-2017-05-11", "coverage",
         "import_data", "review", "publish", "duties", "activity", "access")
# Every pair of a chart's text boxes (labels, values, titles, legend, turned year labels) that
# overlap by more than 2 px: each box is the text's own box turned as it is drawn (its screen
# transform), and two boxes overlap when no side of either separates them.
OVERLAPS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].flatMap((chart, i) => {
  const quad = t => { const b = t.getBBox(), m = t.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]); };
  const apart = (P, Q) => [P, Q].some(poly => poly.some((p, k) => {
    const q = poly[(k + 1) % 4], nx = q[1] - p[1], ny = p[0] - q[0], len = Math.hypot(nx, ny) || 1;
    const a = P.map(r => (r[0] * nx + r[1] * ny) / len), b = Q.map(r => (r[0] * nx + r[1] * ny) / len);
    return Math.min(...b) - Math.max(...a) >= -2 || Math.min(...a) - Math.max(...b) >= -2; }));
  const boxes = [...chart.querySelectorAll('svg.main-svg text')]
    .filter(t => t.textContent.trim() && t.getBBox().width > 0)
    .map(t => ({text: t.textContent.trim().slice(0, 40), q: quad(t)}));
  const hits = [];
  for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++)
    if (!apart(boxes[a].q, boxes[b].q)) hits.push(`chart ${i + 1}: ${boxes[a].text} / ${boxes[b].text}`);
  return hits;
})"""
# Streamlit's page navigation (st.navigation with sections) puts <div> section wrappers inside its
# <ul>, so its <li> items lose their list: axe-core `list` and `listitem`. Nothing here can change
# that markup; every node of these rules must lie inside the navigation.
STREAMLIT_CAUSED = {"list": '[data-testid="stSidebarNavItems"]', "listitem": '[data-testid="stSidebarNavItems"]'}


@contextlib.contextmanager
def _dashboard_in_chromium(data, tmp_path):
    """The dashboard over `data` and a Chromium page at 1440 x 1000: (page, base URL)."""
    from playwright.sync_api import sync_playwright

    with streamlit_server(data, tmp_path / "streamlit.log") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser.new_page(viewport={"width": 1440, "height": 1000}), base
        finally:
            browser.close()


def _visit(page, url: str) -> None:
    """Open a page and wait until its run is over and its charts and last deltas have painted."""
    page.goto(url)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_timeout(1500)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


@pytest.mark.e2e
@own_thread  # the sync Playwright API refuses a thread where an event loop runs (earlier browser tests)
def test_axe_finds_no_serious_problem_of_ours_on_any_page(tmp_path):
    pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM) or not AXE.exists():
        pytest.skip("needs Debian's chromium and axe-core (make test installs both)")
    data = copy_data(tmp_path / "data")
    build(data)
    ARTIFACTS.mkdir(exist_ok=True)
    found, overlaps = {}, {}
    with _dashboard_in_chromium(data, tmp_path) as (page, base):
        for name in PAGES:
            _visit(page, f"{base}/{name}")
            assert page.locator('[data-testid="stException"]').count() == 0, name
            page.screenshot(path=str(ARTIFACTS / f"a11y-{name.split('?')[0] or 'overview'}.png"), full_page=True)
            overlaps[name] = page.evaluate(OVERLAPS)
            page.add_script_tag(path=str(AXE))
            found[name] = page.evaluate("""async (allowed) => (await axe.run(document, {resultTypes: ['violations']}))
                .violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .flatMap(v => v.nodes.map(n => ({rule: v.id, html: n.html.slice(0, 120),
                    streamlits: v.id in allowed && !!document.querySelector(n.target[0])?.closest(allowed[v.id])})))""",
                                        STREAMLIT_CAUSED)
    ours = {name: [v for v in found[name] if not v["streamlits"]] for name in PAGES}
    assert ours == {name: [] for name in PAGES}
    assert overlaps == {name: [] for name in PAGES}
    # The exemption is not idle: Streamlit's navigation is still what axe finds, on every page.
    assert all({v["rule"] for v in found[name]} == {"list", "listitem"} for name in PAGES)


# Text a box cuts or spills: a metric's value, a caption, a paragraph, a notice, wider than its box.
OVERFLOWS = """() => {
  const boxes = [...document.querySelectorAll(
    '[data-testid="stMetricValue"], [data-testid="stMetricLabel"], [data-testid="stCaptionContainer"], ' +
    '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p, [data-testid="stAlertContainer"]')]
    .filter(e => e.offsetParent !== null);
  // The box or any box inside it (a metric's value is cut with an ellipsis by the div it holds);
  // inline text has no width of its own to compare (clientWidth 0).
  const cut = e => [e, ...e.querySelectorAll('*')].find(x => x.clientWidth > 0 && x.scrollWidth > x.clientWidth + 1);
  return {checked: boxes.length, over: boxes.filter(cut)
    .map(e => `${e.dataset.testid || e.tagName}: ${e.textContent.trim().slice(0, 60)} (${cut(e).scrollWidth} > ${cut(e).clientWidth})`)};
}"""
# The grid draws its cells on a canvas in the page's font at 14 px, 8 px of padding each side.
MEASURE = """async (texts) => {
  await document.fonts.ready;
  const grid = document.querySelector('[data-testid="stDataFrame"]') || document.body;
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `14px ${getComputedStyle(grid).fontFamily}`;
  return texts.map(t => ctx.measureText(t).width);
}"""
GRID_PADDING = 16
TABLE_PAGES = ("providers", "awards", "data_quality")
# The pages with a row of metric cards, measured again on a narrower screen (a laptop's 1024 px with
# the sidebar open), where a card's share of a fixed row once cut "£4,832,360" to "£4,83...".
NARROW, METRIC_PAGES = 1024, ("", "providers", "review", "publish")


def _money_cells(data) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """(page, money column) -> the width the table gives the column, and every text it shows in it:
    the tables of the pages in TABLE_PAGES as the office sees them (unpublished rows too)."""
    from pccspend import pagedata
    from pccspend.db import Database
    from pccspend.filters import Filters
    from pccspend.money import money_columns
    from pccspend.ui.tables import display, shown_text, widths

    db = Database(data)
    f = Filters(include_unpublished=True)
    frames = {"providers": pagedata.providers(db, f)["providers"], "awards": pagedata.awards(db, f)["awards"],
              "data_quality": pagedata.data_quality(db, f)["reconciliation"]}
    out = {}
    for page, frame in frames.items():
        shown = display(frame)
        texts, sizes = shown_text(shown), widths(shown)
        for column in money_columns(shown.columns):
            out[(page, column)] = (sizes[column], sorted(set(texts[column].to_list())))
    return out


@pytest.mark.e2e
@own_thread
@pytest.mark.parametrize("register", ["bundled", "with Trafford's grants (pence)"])
def test_no_text_overflows_its_box_and_every_money_column_holds_its_widest_value(tmp_path, register):
    """Measured in Chromium: no metric, caption, paragraph or notice wider than its box on any page
    (and on the pages with metric cards at 1024 px too); each money column of a table as wide as its widest value drawn in the grid's font."""
    pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("needs Debian's chromium")
    data = copy_data(tmp_path / "data")
    build(data)
    if register != "bundled":
        from pccspend.importing import import_file
        from tests.conftest import WHO
        assert import_file(data, PROJECT_ROOT / "tests" / "fixtures" / "trafford_council_voluntary_sector_grants.csv",
                           "Trafford", who=WHO).ok
    cells = _money_cells(data)
    assert {page for page, _ in cells} == set(TABLE_PAGES)
    overflow, short, checked, measured = {}, [], {}, {}
    with _dashboard_in_chromium(data, tmp_path) as (page, base):
        for name in PAGES:
            _visit(page, f"{base}/{name}{'&' if '?' in name else '?'}unpublished=1")
            found = page.evaluate(OVERFLOWS)
            overflow[name], checked[name] = found["over"], found["checked"]
            if name in TABLE_PAGES:
                for (table, column), (width, texts) in cells.items():
                    if table == name:
                        widest = max(page.evaluate(MEASURE, texts))
                        measured[(table, column)] = (width, round(widest))
                        if widest + GRID_PADDING > width:
                            short.append((table, column, width, round(widest + GRID_PADDING)))
        page.set_viewport_size({"width": NARROW, "height": 1000})
        for name in METRIC_PAGES:
            _visit(page, f"{base}/{name}?unpublished=1")
            found = page.evaluate(OVERFLOWS)
            overflow[f"{name} at {NARROW} px"], checked[f"{name} at {NARROW} px"] = found["over"], found["checked"]
    assert overflow == {name: [] for name in overflow}
    assert len(overflow) == len(PAGES) + len(METRIC_PAGES)
    assert all(checked.values()), checked  # every page had captions or metrics to measure
    assert short == []
    # The measure is the grid's: "£1,291,436.54" at 14 px is about 90 px, and each column was measured.
    assert set(measured) == set(cells) and all(40 < widest < width for width, widest in measured.values()), measured
