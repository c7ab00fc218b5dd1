"""End to end: a real `streamlit run` server driven by Debian's Chromium through Playwright.

Screenshots of every page go to test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import csv
import io
import json
import os
from urllib.parse import parse_qs, urlparse

import pytest

from pccspend.paths import PROJECT_ROOT
from pccspend.tabular import INTERNAL_NOTE
from tests.hardening import streamlit_server

pytestmark = pytest.mark.e2e

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
PAGES = {  # url path -> charts the page shows with the default filters
    "": 4, "themes": 2, "funding_streams": 3, "years": 2, "providers": 3, "compare_areas": 1,
    "awards": 0, "data_quality": 2, "sources": 0,
}
VICTIM_KPIS = ["£1,305,117", "17", "9", "1"]


@pytest.fixture(scope="session")
def server(built_data, tmp_path_factory):
    """`streamlit run dashboard.py` on a free port over the test build; stopped after the session."""
    with streamlit_server(built_data, tmp_path_factory.mktemp("server") / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(height: int = 1000):
        context = browser.new_context(viewport={"width": 1440, "height": height}, accept_downloads=True)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def settle(page, charts: int = 0) -> None:
    """Wait until the script run is over and the page's charts are drawn."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
    if charts:
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= n",
            arg=charts, timeout=30_000)
    page.wait_for_timeout(400)  # the last deltas paint
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)


def kpi_values(page) -> list[str]:
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def chart(page, title: str):
    return page.locator('[data-testid="stPlotlyChart"]').filter(has_text=title)


def bar_texts(page, title: str) -> list[str]:
    return chart(page, title).locator("text.bartext").evaluate_all("els => els.map(e => e.textContent)")


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_every_page_loads_with_charts_and_no_error(server, new_page):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(height=2200)
    for path, charts in PAGES.items():
        page.goto(f"{server}/{path}")
        settle(page, charts)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == charts, path
        assert page.locator('[data-testid="stException"]').count() == 0, path
        assert page.get_by_text("Data as of 30 March 2021").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"page-{path or 'overview'}.png"), full_page=True)


def test_clicking_a_theme_bar_filters_everything_and_the_url(server, new_page):
    page = new_page()
    page.goto(server)
    settle(page, 4)
    assert kpi_values(page) == ["£4,832,360", "56", "28", "5"]
    victims = chart(page, "Spend by theme").locator("g.point path").nth(1)  # Not stated, Victims, ...
    victims.scroll_into_view_if_needed()
    box = victims.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # as a person clicks: on the plot
    page.wait_for_function("() => location.search.includes('theme=victims')", timeout=30_000)
    settle(page, 4)
    assert query(page) == {"theme": ["victims"]}
    assert kpi_values(page) == VICTIM_KPIS
    assert bar_texts(page, "Spend by funding stream") == ["£961,260", "£343,857"]
    assert page.get_by_role("button", name="Theme: Victims").is_visible()
    # The filter follows the user to another page.
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Awards", exact=True).click()
    page.wait_for_function("() => location.pathname.endsWith('/awards')", timeout=30_000)
    settle(page)
    assert query(page) == {"theme": ["victims"]}
    assert page.get_by_text("17 awards, £1,305,117 in total").is_visible()
    page.screenshot(path=str(ARTIFACTS / "cross-filtered-awards.png"), full_page=True)


def test_a_copied_url_shows_the_same_figures_in_a_fresh_browser(server, new_page):
    page = new_page()
    page.goto(f"{server}/?theme=victims&area=Cambridgeshire&from=2017/18")
    settle(page, 4)
    page.get_by_role("button", name="Area: Cambridgeshire").click()  # a chip: removes just that filter
    page.wait_for_function("() => !location.search.includes('area=')", timeout=30_000)
    settle(page, 4)
    copied = page.url
    assert query(page) == {"theme": ["victims"], "from": ["2017/18"]}
    figures = (kpi_values(page), bar_texts(page, "Spend by funding stream"), bar_texts(page, "Spend by theme"))
    assert figures[0] == VICTIM_KPIS
    fresh = new_page()  # a new browser context: no cookies, no session
    fresh.goto(copied)
    settle(fresh, 4)
    assert (kpi_values(fresh), bar_texts(fresh, "Spend by funding stream"),
            bar_texts(fresh, "Spend by theme")) == figures
    assert fresh.url == copied


def test_download_has_exactly_the_filtered_rows(server, new_page):
    page = new_page()
    page.goto(f"{server}/awards?theme=victims")
    settle(page)
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").click()
    note, _, table = open(csv_download.value.path(), encoding="utf-8-sig").read().partition("\n")
    assert csv_download.value.suggested_filename == "awards-INTERNAL.csv" and note == f'"{INTERNAL_NOTE}"'
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == 17
    assert {r["theme"] for r in rows} == {"victims"}
    assert all(r["source_title"] and r["source_locator"] for r in rows)
    with page.expect_download() as json_download:
        page.get_by_role("button", name="Download JSON").click()
    package = json.loads(open(json_download.value.path(), encoding="utf-8").read())
    assert json_download.value.suggested_filename == "awards-INTERNAL.json" and package["note"] == INTERNAL_NOTE
    records = package["rows"]
    assert sorted(r["award_id"] for r in records) == sorted(r["award_id"] for r in rows)
    assert sum(r["amount_gbp"] or 0 for r in records) == 1305117


def test_a_chart_s_csv_holds_its_bars(server, new_page):
    """The chart download is made on click (no file is stored on every rerun): it still holds
    the figures drawn, with the coverage columns."""
    page = new_page(height=1600)
    page.goto(f"{server}/funding_streams?theme=victims")
    settle(page, 3)
    page.get_by_text("Show data", exact=True).first.click()  # the first chart's: spend by funding stream
    with page.expect_download() as download:
        page.get_by_role("button", name="Download this chart's data (CSV)").first.click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    # The office's view: marked INTERNAL in its name and on its first line, above the header.
    assert download.value.suggested_filename == "spend_by_funding_stream-INTERNAL.csv"
    note, _, table = text.partition("\n")
    assert note == f'"{INTERNAL_NOTE}"'
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows == [
        {"funding_stream": "MoJ Victims' Services Grant", "amount_gbp": "961260.00", "award_count": "10",
         "missing_amount_count": "0"},
        {"funding_stream": "Crime and Disorder Reduction Grants", "amount_gbp": "343857.00", "award_count": "7",
         "missing_amount_count": "1"},
    ]


def test_a_chart_downloads_as_png_and_svg_drawn_like_the_snapshot(server, new_page):
    """Every dashboard chart offers PNG and SVG, drawn on click by kaleido as the snapshot draws
    them: real image files, holding the chart's own labels, named INTERNAL in the office's view."""
    page = new_page(height=1600)
    page.goto(f"{server}/funding_streams?theme=victims")
    settle(page, 3)
    page.get_by_text("Show data", exact=True).first.click()
    files = {}
    for fmt in ("PNG", "SVG"):
        with page.expect_download(timeout=90_000) as download:
            page.get_by_role("button", name=f"Download this chart ({fmt})").first.click()
        files[fmt] = (download.value.suggested_filename, open(download.value.path(), "rb").read())
    assert files["PNG"][0] == "spend_by_funding_stream-INTERNAL.png"
    assert files["PNG"][1].startswith(b"\x89PNG\r\n\x1a\n")
    assert files["SVG"][0] == "spend_by_funding_stream-INTERNAL.svg"
    svg = files["SVG"][1].decode("utf-8")
    assert svg.startswith("<svg")
    # The chart's own title and bar values, as text (labels wrap into lines of their own).
    assert "Spend by funding stream" in svg and ">£961,260<" in svg and ">£343,857<" in svg


def test_a_source_link_opens_the_document_at_its_locator(server, new_page):
    page = new_page(height=1400)
    page.goto(f"{server}/sources?doc=CAM-BCB-2017-05-11&at=Paragraph%204.3%2C%20Grant%20Agreements")
    settle(page)
    assert page.get_by_text("Looking for: Paragraph 4.3, Grant Agreements").is_visible()
    assert page.get_by_text("4.3 A mixed model of commissioning").first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "source-at-locator.png"), full_page=True)


def test_clicking_a_theme_bar_on_the_themes_page_drills_down(server, new_page):
    page = new_page()
    page.goto(f"{server}/themes")
    settle(page, 2)
    victims = chart(page, "Spend by theme").locator("g.point path").nth(1)
    box = victims.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('drill=victims')", timeout=30_000)
    settle(page, 2)
    assert bar_texts(page, "Victims: by funding stream") == ["£961,260", "£343,857"]
    page.get_by_role("button", name="← Back").click()
    page.wait_for_function("() => !location.search.includes('drill=')", timeout=30_000)
    settle(page, 2)
    assert query(page) == {}


def test_a_provider_typed_in_the_picker_filters_and_an_unknown_one_warns(server, new_page):
    # The picker lists the largest providers only and takes any other typed (accept_new_options).
    page = new_page()
    page.goto(server)
    settle(page, 4)
    picker = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Provider")
    box = picker.locator("input")
    box.click()
    box.fill("Nobody Ltd")
    box.press("Enter")
    page.get_by_text("Ignored provider 'Nobody Ltd': there is no such provider.").wait_for(timeout=30_000)
    settle(page, 4)
    assert query(page) == {}
    assert kpi_values(page) == ["£4,832,360", "56", "28", "5"]
    box.click()
    box.fill("Peterborough City Council")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('provider=')", timeout=30_000)
    settle(page, 4)
    assert query(page) == {"provider": ["Peterborough City Council"]}
    box.press("Escape")  # the picker's list closes
    assert kpi_values(page) == ["£456,000", "4", "1", "0"]
    assert page.get_by_role("button", name="Provider: Peterborough City Council").is_visible()


def test_the_first_page_s_scripts_are_preloaded_and_fetched_once_each(server, new_page):
    """pccspend/server.py's page names the first page's element scripts (Plotly's 4.7 MB above all)
    for the browser to preload once the page has loaded; in Chromium each script is answered and
    fetched once (the import Streamlit makes when the first chart arrives takes the preloaded module;
    a link that named it otherwise would fetch a second copy)."""
    import urllib.request

    from pccspend.server import FIRST_PAGE_SCRIPTS, first_page_scripts

    assert {name.split(".")[0] for name in first_page_scripts()} >= set(FIRST_PAGE_SCRIPTS)  # each still in Streamlit
    with urllib.request.urlopen(f"{server}/providers") as response:
        html = response.read().decode()
    assert all(f'"{name}"' in html or f"./static/js/{name}" in html for name in first_page_scripts())
    page = new_page()
    page.goto(server)
    settle(page, PAGES[""])
    fetched = page.evaluate("""() => performance.getEntriesByType('resource')
      .filter(e => new URL(e.name).pathname.includes('/static/js/'))
      .map(e => [new URL(e.name).pathname.split('/').pop(), e.responseStatus])""")
    assert sorted(map(tuple, fetched)) == sorted({(name, 200) for name, _ in fetched}), fetched  # once each, answered
    assert set(first_page_scripts()) <= {name for name, _ in fetched}
