"""The first page in fresh browser contexts, three servers taking turns: the dashboard as `make
run` serves it, the same with its first page's scripts not preloaded (PCCSPEND_PRELOAD=off,
pccspend/server.py), and the bare Streamlit page with the Overview's four Plotly charts.

    python bench/first_page.py [--rows N] [--rounds 12]

A sample is the seconds from the navigation until the script run is over and every chart is drawn
(the page's own clock, as bench/browser.py reads it). Each round opens each server once in a new
browser context (nothing cached), the order turned round every other round, so a change in the
machine's load falls on all three alike. A script that prints figures, not a test. It ends with
    FIRST_PAGE data=.. dashboard_median_s=.. no_preload_median_s=.. bare_median_s=.. ratio=..
(ratio: the dashboard against the bare page).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.browser import APP_ARGS, APPS, overview_shape  # noqa: E402
from pccspend.bench import synthetic_set  # noqa: E402
from pccspend.build import build  # noqa: E402
from tests.conftest import copy_data  # noqa: E402
from tests.hardening import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

SERVERS = {"dashboard": (APPS["dashboard"], {}), "no_preload": (APPS["dashboard"], {"PCCSPEND_PRELOAD": "off"}),
           "bare": (APPS["bare"], {})}
# Script over, nothing stale, every chart drawn: performance.now() (ms) of the first look.
DRAWN = """() => { const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]') && charts.length > 0
    && charts.every(c => c.querySelector('.main-svg')) ? performance.now() : false; }"""


def opened(browser, base: str) -> float:
    """Seconds from the navigation (the page's time origin) to the first page drawn."""
    context = browser.new_context(viewport={"width": 1440, "height": 1400})
    try:
        page = context.new_page()
        page.goto(base)
        return page.wait_for_function(DRAWN, timeout=120_000, polling=10).json_value() / 1000
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="the synthetic set of N rows instead of the bundled data")
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack, sync_playwright() as p:
        if args.rows:
            data, label = synthetic_set(args.rows, lambda m: print("...", m, flush=True)), str(args.rows)
        else:
            data, label = copy_data(Path(tmp) / "data"), "bundled"
            build(data)
        shape, _ = overview_shape(data)
        bases = {}
        for name, (app, env) in SERVERS.items():
            bases[name] = stack.enter_context(streamlit_server(
                data, Path(tmp) / f"{name}.log", extra_env={**shape, **env}, app=app,
                args=APP_ARGS.get("bare" if app == APPS["bare"] else name, ())))
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        samples: dict[str, list[float]] = {name: [] for name in SERVERS}
        started = time.monotonic()
        for round_ in range(args.rounds):
            for name in (list(SERVERS) if round_ % 2 == 0 else list(SERVERS)[::-1]):
                samples[name].append(opened(browser, bases[name]))
            print(f"... round {round_ + 1}/{args.rounds} ({time.monotonic() - started:.0f} s)", flush=True)
        browser.close()
    print(f"\nThe first page, {args.rounds} fresh browser contexts each (seconds, navigation to every chart drawn)")
    for name, values in samples.items():
        print(f"  {name:11} median {statistics.median(values):.3f}  " + " ".join(f"{v:.2f}" for v in values))
    med = {name: statistics.median(values) for name, values in samples.items()}
    print(f"\nFIRST_PAGE data={label} dashboard_median_s={med['dashboard']:.3f} "
          f"no_preload_median_s={med['no_preload']:.3f} bare_median_s={med['bare']:.3f} "
          f"ratio={med['dashboard'] / med['bare']:.2f}")


if __name__ == "__main__":
    main()
