"""The benchmark: page latency and memory of the query layer against the peers a user would pick.

`python -m pccspend bench --rows N` builds (or reuses) a synthetic set cached outside the repo,
makes a fixed, seeded workload of filter states and of text searches, and replays it page by page
in a fresh process per engine: the real query layer (pccspend.pagedata over pccspend.db), and the
peers (`--peers`): pandas (pccspend.bench_pandas), Polars (pccspend.bench_polars) and plain DuckDB
over the parquet (pccspend.bench_duckdb). It prints two tables (filter states, searches) and a
closing RESULT line, where a peer not run shows as nan.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from pccspend.build import build, is_stale
from pccspend.register import AWARD_COLUMNS
from pccspend.filters import Filters
from pccspend.fy import fy_label
from pccspend.paths import DataDir
from pccspend.synth import AREAS, FIRST_YEAR, LAST_YEAR, write_synth
from pccspend import vocab

PAGES = ["overview", "themes", "funding_streams", "years", "providers", "awards", "compare_areas", "data_quality"]
STATES_PER_PAGE = 50
SEARCH_STATES = 20
# Service words, a provider-number fragment, a phrase and a word no award holds.
SEARCH_TERMS = ("victim", "youth", "partnership", "provider 0001", "domestic abuse", "provider 123",
                "helpline")
PEERS = {"pandas": "pccspend.bench_pandas", "polars": "pccspend.bench_polars",
         "duckdb_plain": "pccspend.bench_duckdb"}
PEER_NAMES = {"pandas": "pandas", "polars": "polars", "duckdb": "duckdb_plain",
              "duckdb_plain": "duckdb_plain"}
AWARDS_PAGE_ROWS = 1_000  # the explorer shows a page of rows; downloads stream the rest
SEED = 20261124
CACHE = Path(os.environ.get("PCCSPEND_BENCH_CACHE", Path.home() / ".cache" / "pccspend"))


def synthetic_set(rows: int, progress: Callable[[str], None]) -> DataDir:
    """The synthetic data folder for `rows`, generated and built once, then reused."""
    folder = CACHE / f"synth-{rows}-{SEED}"
    data = DataDir(folder)
    awards = data.register / "awards.csv"
    if not awards.exists() or awards.open().readline().rstrip("\n").split(",") != AWARD_COLUMNS:
        write_synth(folder, rows, SEED, progress)  # none yet, or made for an older register layout
    if is_stale(data):
        build(data, progress)  # with the public view: the benchmark times a snapshot too
    return data


def _year_range(rng: random.Random, years: list[str], all_below: float, one_below: float) -> tuple:
    """No year bounds, one year, or a range, with the chances the thresholds give."""
    kind = rng.random()
    if kind < all_below:
        return None, None
    if kind < one_below:
        year = rng.choice(years)
        return year, year
    first, last = sorted(rng.sample(years, 2))
    return first, last


def workload(n: int = STATES_PER_PAGE, seed: int = SEED) -> list[Filters]:
    """Filter states a person might set, in a fixed order: mostly area, year and theme changes,
    sometimes a stream, mechanism, provider or text search, toggles for extensions and unpublished."""
    rng = random.Random(seed)
    years = [fy_label(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    providers = [f"Synthetic provider {i:05d}" for i in range(200)]
    states = []
    for _ in range(n):
        from_year, to_year = _year_range(rng, years, 0.3, 0.7)
        states.append(Filters(
            areas=tuple(rng.sample(AREAS, rng.choice([0, 0, 0, 0, 1, 1, 1, 1, 2, 3]))),
            from_year=from_year,
            to_year=to_year,
            themes=tuple(rng.sample(list(vocab.THEMES), rng.choice([0] * 6 + [1] * 3 + [2]))),
            funding_streams=tuple(rng.sample(list(vocab.FUNDING_STREAMS), rng.choice([0] * 14 + [1] * 5 + [2]))),
            mechanisms=tuple(rng.sample(list(vocab.MECHANISMS), 1 if rng.random() < 0.15 else 0)),
            providers=tuple(rng.sample(providers, rng.choice([1, 2]))) if rng.random() < 0.12 else (),
            search=rng.choice(["victim", "youth", "partnership"]) if rng.random() < 0.05 else "",
            include_extensions=rng.random() < 0.2,
            include_unpublished=rng.random() < 0.3,
        ))
    return states


def search_workload(n: int = SEARCH_STATES, seed: int = SEED) -> list[Filters]:
    """Text searches in a fixed order: each term in turn, alone or with an area and/or a year
    (or range), sometimes with unpublished awards."""
    rng = random.Random(seed + 1)
    years = [fy_label(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    states = []
    for i in range(n):
        from_year, to_year = _year_range(rng, years, 0.5, 0.8)
        states.append(Filters(
            areas=tuple(rng.sample(AREAS, 1)) if rng.random() < 0.5 else (),
            from_year=from_year,
            to_year=to_year,
            search=SEARCH_TERMS[i % len(SEARCH_TERMS)],
            include_unpublished=rng.random() < 0.3,
        ))
    return states


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: Linux carries ru_maxrss over
    fork and exec, so a worker would report its parent's peak (the build of the set)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


LIMITED = ("providers", "awards", "data_quality")  # pages that show the first AWARDS_PAGE_ROWS rows


def _pages(engine: str, data: DataDir) -> dict[str, Callable[[Filters], object]]:
    """Each page's answer for a filter state, as `engine` gives it (loaded in this process)."""
    if engine == "ours":
        from pccspend import pagedata
        from pccspend.db import Database

        db = Database(data)
        return {
            "overview": lambda f: pagedata.overview(db, f),
            "themes": lambda f: pagedata.themes(db, f),
            "funding_streams": lambda f: pagedata.funding_streams(db, f),
            "years": lambda f: pagedata.years(db, f),
            "providers": lambda f: pagedata.providers(db, f, limit=AWARDS_PAGE_ROWS),
            "awards": lambda f: pagedata.awards(db, f, limit=AWARDS_PAGE_ROWS),
            "compare_areas": lambda f: pagedata.compare_areas(db, f),
            "data_quality": lambda f: pagedata.data_quality(db, f, limit=AWARDS_PAGE_ROWS),
        }
    peer = importlib.import_module(PEERS[engine])
    held = peer.load(str(data.parquet("awards")))

    def page(fn, extra):
        return lambda f: fn(held, f, **extra)

    return {name: page(fn, {"limit": AWARDS_PAGE_ROWS} if name in LIMITED else {})
            for name, fn in peer.PAGES.items()}


def worker(engine: str, data_root: str, n: int, n_search: int, started: float) -> dict:
    """Replay the workload, then the searches, in this process and report timings (ms), cold
    start (s: process start to first page answered) and peak RSS."""
    run = _pages(engine, DataDir(Path(data_root)))
    cold = None

    def replay(states: list[Filters], label: str) -> dict[str, list[float]]:
        nonlocal cold
        timings: dict[str, list[float]] = {}
        for page in PAGES:
            print(f"{engine}: {page}{label}", file=sys.stderr, flush=True)  # the parent shows it as progress
            timings[page] = []
            for f in states:
                t0 = time.perf_counter()
                run[page](f)
                timings[page].append((time.perf_counter() - t0) * 1000)
                if cold is None:
                    cold = time.time() - started
        return timings

    timings = replay(workload(n), "")
    searches = replay(search_workload(n_search), " (search)")
    return {"engine": engine, "timings_ms": timings, "search_ms": searches, "cold_start_s": cold,
            "peak_rss_mb": _peak_rss_mb()}


def _spawn(engine: str, data: DataDir, n: int, n_search: int, progress: Callable[[str], None]) -> dict:
    """Run a worker in a fresh process, passing on its progress (stderr); its figures (stdout)."""
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pccspend.bench", engine, str(data.root), str(n), str(n_search),
         repr(started)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    tail: list[str] = []
    for line in proc.stderr:
        tail = (tail + [line])[-50:]
        if line.startswith(f"{engine}: "):
            progress(f"  {line.strip()}")
    out = proc.stdout.read()
    if proc.wait() != 0:
        raise RuntimeError(f"{engine} worker failed:\n{''.join(tail)[-4000:]}")
    return json.loads(out.strip().splitlines()[-1])


def snapshot_seconds(data: DataDir) -> float:
    """Time to write the public snapshot of one area-year (opening the database included)."""
    import tempfile

    from pccspend.access import command_line
    from pccspend.db import Database
    from pccspend.snapshot import Scope, write_snapshot

    area, year = AREAS[0], fy_label(LAST_YEAR - 1)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        db = Database(data)
        try:
            write_snapshot(db, Path(tmp) / "site", Scope.between((area,), year, year), who=command_line())
        finally:
            db.close()
        return time.perf_counter() - t0


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB, Python {platform.python_version()}, {platform.system()}"


def _ratio(value: float) -> str:
    """A speedup: one decimal, or two significant digits below 1 (a peer faster than ours)."""
    return f"{value:.2g}" if value < 1 else f"{value:.1f}"


def _p95(result: dict | None, key: str, pages: list[str] = PAGES) -> float:
    return _percentile([t for p in pages for t in result[key][p]], 95) if result else math.nan


def _table(title: str, key: str, ours: dict, peers: dict[str, dict]) -> list[str]:
    """Median and p95 per page for ours, p95 and speedup (peer p95 / ours) for each peer run."""
    lines = [f"{title:16} {'ours':>20}" + "".join(f" | {peer:>27}" for peer in peers),
             f"{'page':16} {'median ms':>10} {'p95 ms':>9}"
             + f" | {'median':>9} {'p95':>9} {'x p95':>7}" * len(peers)]
    for page in [*PAGES, "all pages"]:
        pages = PAGES if page == "all pages" else [page]
        mine = [t for p in pages for t in ours[key][p]]
        a = _p95(ours, key, pages)
        line = f"{page:16} {statistics.median(mine):10.1f} {a:9.1f}"
        for result in peers.values():
            theirs = [t for p in pages for t in result[key][p]]
            b = _p95(result, key, pages)
            line += f" | {statistics.median(theirs):9.1f} {b:9.1f} {_ratio(b / a):>6}x"
        lines.append(line)
    return lines


def parse_peers(text: str) -> list[str]:
    """`pandas,polars,duckdb` (any of them, any order; duckdb_plain also names the DuckDB peer)."""
    chosen = []
    for name in filter(None, (part.strip().lower() for part in text.split(","))):
        if name not in PEER_NAMES:
            raise ValueError(f"unknown peer {name!r} (known: pandas, polars, duckdb)")
        if PEER_NAMES[name] not in chosen:
            chosen.append(PEER_NAMES[name])
    return [peer for peer in PEERS if peer in chosen]


def summary(ours: dict, run: dict[str, dict]) -> dict:
    """The headline figures of a run: ours, and each peer's (nan for a peer not run)."""
    figures = {"page_p95_ms": _p95(ours, "timings_ms"), "search_p95_ms": _p95(ours, "search_ms"),
               "peak_rss_mb": ours["peak_rss_mb"], "cold_start_s": ours["cold_start_s"]}
    for peer in PEERS:
        result = run.get(peer)
        figures[f"{peer}_page_p95_ms"] = _p95(result, "timings_ms")
        figures[f"{peer}_search_p95_ms"] = _p95(result, "search_ms")
        figures[f"{peer}_peak_rss_mb"] = result["peak_rss_mb"] if result else math.nan
        figures[f"{peer}_cold_start_s"] = result["cold_start_s"] if result else math.nan
    return figures


def result_line(rows: int, fig: dict) -> str:
    """The closing RESULT line (speedups: a peer's p95 over ours)."""
    ours = fig["page_p95_ms"]
    return (
        f"RESULT rows={rows} page_p95_ms={ours:.1f} pandas_page_p95_ms={fig['pandas_page_p95_ms']:.1f} "
        f"polars_page_p95_ms={fig['polars_page_p95_ms']:.1f} "
        f"duckdb_plain_page_p95_ms={fig['duckdb_plain_page_p95_ms']:.1f} "
        f"speedup={_ratio(fig['pandas_page_p95_ms'] / ours)} "
        f"speedup_polars={_ratio(fig['polars_page_p95_ms'] / ours)} "
        f"speedup_duckdb_plain={_ratio(fig['duckdb_plain_page_p95_ms'] / ours)} "
        f"peak_rss_mb={fig['peak_rss_mb']:.0f} pandas_peak_rss_mb={fig['pandas_peak_rss_mb']:.0f} "
        f"polars_peak_rss_mb={fig['polars_peak_rss_mb']:.0f} cold_start_s={fig['cold_start_s']:.2f} "
        f"search_p95_ms={fig['search_p95_ms']:.1f}"
    )


def run_bench(rows: int, n: int = STATES_PER_PAGE, progress: Callable[[str], None] = print,
              peers: list[str] | tuple[str, ...] = tuple(PEERS), n_search: int = SEARCH_STATES) -> dict:
    """The whole benchmark; returns the figures and prints the tables and the RESULT line (a peer
    not run shows as nan there)."""
    data = synthetic_set(rows, progress)
    progress(f"replaying {n} filter states and {n_search} searches x {len(PAGES)} pages "
             "through the query layer")
    ours = _spawn("ours", data, n, n_search, progress)
    run: dict[str, dict] = {}
    for peer in peers:
        progress(f"replaying the same through the {peer} peer")
        run[peer] = _spawn(peer, data, n, n_search, progress)
    snap = snapshot_seconds(data)
    fig = summary(ours, run)

    def each(fmt: str, key: str) -> str:
        return "; ".join([f"ours {fig[key]:{fmt}}"]
                         + [f"{peer} {fig[f'{peer}_{key}']:{fmt}}" for peer in run])

    worst = max(_p95(ours, "timings_ms", [p]) for p in PAGES)
    lines = [f"machine: {machine()}",
             f"rows: {rows:,}  filter states per page: {n}  searches per page: {n_search}  "
             f"peers: {', '.join(run) or 'none'}", "",
             *_table("filter states", "timings_ms", ours, run), "",
             *_table("searches", "search_ms", ours, run), "",
             f"all pages p95 (ms): {each('.1f', 'page_p95_ms')}; worst page p95 (ours): {worst:.1f} ms",
             f"searches p95 (ms): {each('.1f', 'search_p95_ms')}",
             f"cold start (process start to first page answered, s): {each('.2f', 'cold_start_s')}",
             f"peak RSS (MB): {each('.0f', 'peak_rss_mb')}",
             f"snapshot of one area-year: {snap:.2f} s",
             result_line(rows, fig)]
    print("\n".join(lines))
    return {"ours": ours, **run, **fig, "snapshot_s": snap, "lines": lines}


if __name__ == "__main__":
    engine, root, count, searches, started = sys.argv[1:6]
    print(json.dumps(worker(engine, root, int(count), int(searches), float(started))))
