"""How long the real dashboard takes, in real Chromium, to answer a filter change on a data set.

    python bench/browser.py [--data DIR] [--rows N]

Starts `streamlit run dashboard.py` over DIR (default: the benchmark's synthetic set of N rows,
built by `python -m pccspend bench --rows N`), opens the Overview, then makes filter changes a
person would make (click a theme bar, click a year bar, open another page) and prints, for each,
the seconds from the click until the run is over and every chart on the page is drawn with the
new figures. A script that prints figures, not a test: the suite has no timing assertions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from pccspend.bench import synthetic_set  # noqa: E402
from pccspend.paths import PROJECT_ROOT, DataDir  # noqa: E402
from tests.hardening import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

SHOTS = PROJECT_ROOT / "test-artifacts"  # a screenshot after each step, for a person to look at
# Every chart drawn, the run over, and each chart's coverage caption present.
SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
  const drawn = document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length;
  return app && app.getAttribute('data-test-script-state') === 'notRunning' && charts > 0 && drawn >= charts;
}"""
FIGURES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stPlotlyChart"] text.bartext')]
  .map(e => e.textContent).join('|')"""


def wait_changed(page, before: tuple[str, str], started: float, timeout_s: float = 120) -> float:
    """Seconds from `started` until the URL has changed from `before` (every filter and page is in
    the URL) and the page is settled: the run over, every chart drawn, the figures steady."""
    deadline = time.monotonic() + timeout_s
    url, figures = before
    while time.monotonic() < deadline:
        if page.url != url and page.evaluate(SETTLED):
            now = page.evaluate(FIGURES)
            page.wait_for_timeout(50)
            if page.evaluate(SETTLED) and page.evaluate(FIGURES) == now:
                return time.perf_counter() - started - 0.05
        page.wait_for_timeout(20)
    raise TimeoutError(f"the page did not update: {page.url}")


def click_bar(page, title: str, index: int) -> None:
    bar = page.locator('[data-testid="stPlotlyChart"]').filter(has_text=title).locator("g.point path").nth(index)
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a built data folder (default: the synthetic set)")
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    data = DataDir(args.data) if args.data else synthetic_set(args.rows, lambda m: print("...", m, flush=True))
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, streamlit_server(data, Path(tmp) / "streamlit.log") as base:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1400})
            steps = []
            started = time.perf_counter()
            page.goto(base)
            steps.append(("open the Overview (first run: opens the database)",
                          wait_changed(page, ("about:blank", ""), started)))
            for label, act in (
                ("click a theme bar of Spend by theme", lambda: click_bar(page, "Spend by theme", 1)),
                ("click a year bar of Spend by financial year", lambda: click_bar(page, "Spend by financial year", 0)),
                ("open the Providers page (same filters)",
                 lambda: page.get_by_role("link", name="Providers").first.click()),
                ("open the Data quality page (same filters)",
                 lambda: page.get_by_role("link", name="Data quality").first.click()),
            ):
                before = (page.url, page.evaluate(FIGURES))
                started = time.perf_counter()
                act()
                steps.append((label, wait_changed(page, before, started)))
                page.screenshot(path=str(SHOTS / f"bench-browser-{len(steps) - 1}.png"), full_page=True)
            print(f"data: {data.root}")
            print(f"url at the end: {page.url}")
            for label, seconds in steps:
                print(f"{seconds:6.2f} s  {label}")
            browser.close()


if __name__ == "__main__":
    main()
