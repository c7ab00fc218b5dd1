"""The snapshot in real Chromium, opened from file:// with every other request blocked: the charts
draw from the local plotly.min.js, nothing errors, no hostile script runs, axe-core finds no
serious or critical accessibility problem, and without JavaScript the PNGs show instead.

Screenshots go to test-artifacts/ (git-ignored) for a person to look at. axe-core comes from the
npm registry, pinned in tests/package.json (`make test` runs `npm ci --prefix tests`).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from pccspend.paths import PROJECT_ROOT
from tests.snapshot_setup import hostile_snapshot

pytestmark = pytest.mark.e2e

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
AXE = PROJECT_ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
PAGES = {"index.html": 6, "area-leicestershire.html": 5}  # page -> charts it draws


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return hostile_snapshot(tmp_path_factory)


@pytest.fixture(scope="module")
def chromium():
    """`chromium(fn)` runs `fn(browser)` on the one worker thread that holds Chromium. Playwright's
    sync API stays on the thread it started on, and the dashboard's e2e tests may already hold a
    Playwright session on the main thread (two cannot share a thread)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make chromium)")
    pool = ThreadPoolExecutor(max_workers=1)
    held = {}

    def launch():
        held["playwright"] = playwright_api.sync_playwright().start()
        held["browser"] = held["playwright"].chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])

    def close():
        held["browser"].close()
        held["playwright"].stop()

    pool.submit(launch).result()
    try:
        yield lambda fn: pool.submit(fn, held["browser"]).result()
    finally:
        pool.submit(close).result()
        pool.shutdown()


class Opened:
    """A page opened from file:// with the network off, and everything it tried or complained about."""

    def __init__(self, browser, url: str, *, javascript: bool = True):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True,
                                           java_script_enabled=javascript)
        self.blocked, self.errors, self.dialogs = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url, wait_until="load")

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


def _wait_for_charts(page, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('div.chart svg.main-svg').length >= {count}", timeout=30_000)


def _draws_every_chart(browser, url: str, name: str) -> None:
    opened = Opened(browser, url)
    page = opened.page
    try:
        _wait_for_charts(page, PAGES[name])
        charts = page.eval_on_selector_all("div.chart", """divs => divs.map(d => ({
            id: d.id, svgs: d.querySelectorAll('svg.main-svg').length, bars: d.querySelectorAll('.point').length,
            img: d.querySelectorAll('img').length, label: d.getAttribute('aria-label') || ''}))""")
        assert len(charts) == PAGES[name]
        for chart in charts:
            assert chart["svgs"] >= 1 and chart["bars"] >= 1 and chart["img"] == 0, chart
            assert chart["label"].endswith("The table beside the chart has every figure."), chart
        assert page.locator("h1").count() == 1
        assert opened.errors == [] and opened.dialogs == [] and opened.blocked == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"snapshot-{name.removesuffix('.html')}.png"), full_page=True)
    finally:
        opened.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_draws_every_chart_offline_without_errors(built, chromium, name):
    chromium(lambda browser: _draws_every_chart(browser, (built.folder / name).as_uri(), name))


def _axe_violations(browser, url: str, name: str) -> list[dict]:
    opened = Opened(browser, url)
    page = opened.page
    try:
        _wait_for_charts(page, PAGES[name])
        page.add_script_tag(path=str(AXE))
        # preload off: axe would re-fetch the stylesheet by XHR, which file:// pages may not do
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations'], preload: false}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
        assert opened.errors == [] and opened.blocked == []
        return violations
    finally:
        opened.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_or_critical_problem(built, chromium, name):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: npm ci --prefix tests (make test does it)")
    violations = chromium(lambda browser: _axe_violations(browser, (built.folder / name).as_uri(), name))
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []


def _png_fallback(browser, url: str) -> tuple[list[dict], list[str]]:
    opened = Opened(browser, url, javascript=False)
    try:
        images = opened.page.eval_on_selector_all(
            "div.chart img", "imgs => imgs.map(i => ({src: i.getAttribute('src'), loaded: i.naturalWidth > 0, alt: i.alt}))")
        return images, opened.blocked
    finally:
        opened.close()


def test_without_javascript_the_png_charts_show_with_their_alt_text(built, chromium):
    images, blocked = chromium(lambda browser: _png_fallback(browser, (built.folder / "index.html").as_uri()))
    assert len(images) == PAGES["index.html"] and blocked == []
    for image in images:
        assert image["loaded"] and image["alt"].startswith(("Bar chart", "Stacked bar chart", "Grouped bar chart")), image
