"""The benchmark runs end to end at a tiny size: the real synthetic set, both workers in their own
processes, the snapshot, and the closing RESULT line. Its figures are printed, never asserted."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from pccspend.paths import PROJECT_ROOT

RESULT = re.compile(r"^RESULT rows=(\d+) page_p95_ms=([\d.]+) pandas_page_p95_ms=([\d.]+) speedup=([\d.]+) "
                    r"peak_rss_mb=(\d+) pandas_peak_rss_mb=(\d+)$", re.MULTILINE)


def test_bench_runs_at_a_tiny_size_and_ends_with_its_result_line(tmp_path):
    env = {**os.environ, "PCCSPEND_BENCH_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "pccspend", "bench", "--rows", "3000", "--states", "3"],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    print(out)
    found = RESULT.search(out)
    assert found and found.group(1) == "3000", out[-2000:]
    for page in ("overview", "themes", "funding_streams", "years", "providers", "awards", "compare_areas",
                 "data_quality"):
        assert re.search(rf"^{page} +[\d.]+ +[\d.]+ \| +[\d.]+ +[\d.]+ +[\d.]+x$", out, re.MULTILINE), page
    assert re.search(r"^snapshot of one area-year: [\d.]+ s$", out, re.MULTILINE)
    assert "duckdb: data_quality" in run.stderr + out and "pandas: data_quality" in run.stderr + out
    assert (tmp_path / "cache" / "synth-3000-20261124" / "SYNTHETIC.md").is_file()
