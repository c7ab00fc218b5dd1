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

BROWSER = re.compile(r"^BROWSER data=bundled dashboard_median_s=[\d.]+ bare_median_s=[\d.]+ ratio=[\d.]+ "
                     r"first_page_s=[\d.]+$", re.MULTILINE)


def test_browser_bench_runs_once_over_the_bundled_data_and_prints_its_line():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make chromium)")
    run = subprocess.run([sys.executable, "bench/browser.py", "--repeats", "1"], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=600)
    print(run.stdout)
    assert run.returncode == 0, run.stderr[-3000:]
    assert BROWSER.search(run.stdout), run.stdout[-2000:]


FIRST_PAGE = re.compile(r"^FIRST_PAGE data=bundled dashboard_median_s=[\d.]+ no_preload_median_s=[\d.]+ "
                        r"bare_median_s=[\d.]+ ratio=[\d.]+$", re.MULTILINE)


def test_first_page_bench_runs_one_round_over_the_bundled_data_and_prints_its_line():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make chromium)")
    run = subprocess.run([sys.executable, "bench/first_page.py", "--rounds", "1"], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=600)
    print(run.stdout)
    assert run.returncode == 0, run.stderr[-3000:]
    assert FIRST_PAGE.search(run.stdout), run.stdout[-2000:]
