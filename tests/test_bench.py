"""The benchmark runs end to end at a tiny size: the real synthetic set, every engine in its own
process, the snapshot, and the closing RESULT line. Its timings are printed, never asserted; what
is asserted is that each peer answers the same as the query layer (so it is a fair yardstick)."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from pccspend import bench, bench_duckdb, bench_pandas, bench_polars, pagedata
from pccspend.build import build
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.paths import PROJECT_ROOT
from pccspend.synth import AREAS, write_synth

NUMBER = r"(\d+(?:\.\d+)?(?:e-\d+)?|nan)"
FIELDS = ("page_p95_ms", "pandas_page_p95_ms", "polars_page_p95_ms", "duckdb_plain_page_p95_ms", "speedup",
          "speedup_polars", "speedup_duckdb_plain", "peak_rss_mb", "pandas_peak_rss_mb", "polars_peak_rss_mb",
          "cold_start_s", "search_p95_ms")
RESULT = re.compile(r"^RESULT rows=(\d+) " + " ".join(f"{name}={NUMBER}" for name in FIELDS) + "$",
                    re.MULTILINE)
PEER_CELL = r" \| +[\d.]+ +[\d.]+ +[\d.e-]+x"


def test_bench_runs_at_a_tiny_size_and_ends_with_its_result_line(tmp_path):
    env = {**os.environ, "PCCSPEND_BENCH_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "pccspend", "bench", "--rows", "3000", "--states", "3",
                          "--search-states", "2"],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    print(out)
    found = RESULT.search(out)
    assert found and found.group(1) == "3000", out[-2000:]
    values = dict(zip(FIELDS, map(float, found.groups()[1:])))
    assert all(math.isfinite(v) and v > 0 for v in values.values()), values  # every peer ran
    for page in (*bench.PAGES, "all pages"):  # both tables: filter states and searches
        rows = re.findall(rf"^{page} +[\d.]+ +[\d.]+(?:{PEER_CELL}){{3}}$", out, re.MULTILINE)
        assert len(rows) == 2, page
    assert re.search(r"^snapshot of one area-year: [\d.]+ s$", out, re.MULTILINE)
    for engine in ("ours", "pandas", "polars", "duckdb_plain"):
        assert f"{engine}: data_quality (search)" in run.stderr, engine
    assert (tmp_path / "cache" / "synth-3000-20261124" / "SYNTHETIC.md").is_file()


def test_a_peer_not_run_is_nan_in_the_result_line():
    ours = {"timings_ms": {p: [10.0, 20.0] for p in bench.PAGES},
            "search_ms": {p: [30.0] for p in bench.PAGES}, "peak_rss_mb": 100.0, "cold_start_s": 1.5}
    polars = {**ours, "timings_ms": {p: [5.0] for p in bench.PAGES}, "peak_rss_mb": 80.0}
    line = bench.result_line(1000, bench.summary(ours, {"polars": polars}))
    found = RESULT.search(line)
    assert found, line
    values = dict(zip(FIELDS, map(float, found.groups()[1:])))
    assert values["page_p95_ms"] == 20.0 and values["search_p95_ms"] == 30.0 and values["cold_start_s"] == 1.5
    assert values["polars_page_p95_ms"] == 5.0 and values["speedup_polars"] == 0.25
    assert values["polars_peak_rss_mb"] == 80.0
    assert all(math.isnan(values[k]) for k in ("pandas_page_p95_ms", "duckdb_plain_page_p95_ms", "speedup",
                                               "speedup_duckdb_plain", "pandas_peak_rss_mb"))


def test_peers_are_chosen_by_name():
    assert bench.parse_peers("pandas,polars,duckdb") == ["pandas", "polars", "duckdb_plain"]
    assert bench.parse_peers(" duckdb_plain , polars ") == ["polars", "duckdb_plain"]
    assert bench.parse_peers("") == []
    with pytest.raises(ValueError):
        bench.parse_peers("spark")


def test_the_search_workload_is_fixed_and_searches():
    states = bench.search_workload(20)
    assert states == bench.search_workload(20)
    assert all(s.search for s in states)
    assert {s.search for s in states} == set(bench.SEARCH_TERMS)
    assert any(s.areas for s in states) and any(not s.areas for s in states)
    assert any(s.from_year for s in states) and any(not s.from_year for s in states)


# ---- each peer answers as the query layer does ------------------------------------------------

PEERS = {"pandas": bench_pandas, "polars": bench_polars, "duckdb_plain": bench_duckdb}
STATES = [
    Filters(),
    Filters(areas=(AREAS[2], AREAS[7]), from_year="2016/17", to_year="2019/20"),
    Filters(themes=("victims", "Not stated"), include_extensions=True),
    Filters(funding_streams=("Not stated",), mechanisms=("single tender action",), include_unpublished=True),
    Filters(providers=("Synthetic provider 00003", "Not stated")),
    Filters(search="victim", areas=(AREAS[4],)),
    Filters(search="provider 0001", from_year="2020/21", to_year="2020/21"),
    Filters(statuses=("planned",)),  # no planned award has an amount: totals stay missing, not 0
    Filters(areas=("Nowhere",)),  # nothing at all
    Filters(min_amount=Decimal("10000"), max_amount=Decimal("50000")),
]


@pytest.fixture(scope="module")
def small_set(tmp_path_factory):
    data = write_synth(tmp_path_factory.mktemp("bench-peers") / "synth", 4000, seed=7)
    build(data)
    db = Database(data)
    path = str(data.parquet("awards"))
    yield db, {name: (module, module.load(path)) for name, module in PEERS.items()}
    db.close()


def _records(frame) -> list[dict]:
    return frame.to_dict("records") if hasattr(frame, "iloc") else frame.to_dicts()


def _money(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 0.01)


@pytest.mark.parametrize("peer", list(PEERS))
def test_each_peer_answers_the_overview_as_the_query_layer_does(small_set, peer):
    db, peers = small_set
    module, held = peers[peer]
    for f in STATES:
        ours = pagedata.overview(db, f)
        theirs = module.overview(held, f)
        want, got = _records(ours["kpis"])[0], _records(theirs["kpis"])[0]
        assert _same(_money(got["amount_gbp"]), _money(want["amount_gbp"])), (f, got, want)
        assert int(got["award_count"]) == want["award_count"], (f, got, want)
        want_themes = {r["theme"]: (_money(r["amount_gbp"]), r["award_count"])
                       for r in _records(ours["by_theme"])}
        got_themes = {str(r["theme"]): (_money(r["amount_gbp"]), int(r["award_count"]))
                      for r in _records(theirs["by_theme"])}
        assert got_themes.keys() == want_themes.keys(), (f, got_themes, want_themes)
        for theme, (amount, count) in want_themes.items():
            assert _same(got_themes[theme][0], amount), (f, theme, got_themes)
            assert got_themes[theme][1] == count, (f, theme, got_themes)
    assert any(_records(pagedata.overview(db, f)["kpis"])[0]["award_count"] for f in STATES[1:7])


@pytest.mark.parametrize("peer", list(PEERS))
def test_each_peer_answers_every_page(small_set, peer):
    module, held = small_set[1][peer]
    for f in (STATES[0], STATES[5], STATES[8]):
        for page, fn in module.PAGES.items():
            answer = fn(held, f, limit=bench.AWARDS_PAGE_ROWS) if page in bench.LIMITED else fn(held, f)
            assert isinstance(answer, dict) and answer, (page, f)
