"""bench/browser.py and bench/first_page.py run end to end at a tiny size (one sample of each
interaction, one round; the bundled data) and end with their lines. Figures are printed, never asserted."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from pccspend.paths import PROJECT_ROOT
from tests.hardening import CHROMIUM

pytestmark = pytest.mark.e2e

LINES = {
    "bench/browser.py": (("--repeats", "1"), re.compile(
        r"^BROWSER data=bundled dashboard_median_s=[\d.]+ bare_median_s=[\d.]+ ratio=[\d.]+ first_page_s=[\d.]+$",
        re.MULTILINE)),
    "bench/first_page.py": (("--rounds", "1"), re.compile(
        r"^FIRST_PAGE data=bundled dashboard_median_s=[\d.]+ no_preload_median_s=[\d.]+ bare_median_s=[\d.]+ "
        r"ratio=[\d.]+$", re.MULTILINE)),
}


@pytest.mark.parametrize("script", LINES)
def test_a_browser_bench_runs_once_over_the_bundled_data_and_prints_its_line(script):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make chromium)")
    args, line = LINES[script]
    run = subprocess.run([sys.executable, script, *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=600)
    print(run.stdout)
    assert run.returncode == 0, run.stderr[-3000:]
    assert line.search(run.stdout), run.stdout[-2000:]
