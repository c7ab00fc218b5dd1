"""The benchmark: page latency and memory of the query layer against the pandas peer.

`python -m pccspend bench --rows N` builds (or reuses) a synthetic set cached outside the repo,
makes a fixed, seeded workload of filter states, and replays it page by page in two fresh
processes: one through the real query layer (pccspend.pagedata over pccspend.db), one through
the pandas peer (pccspend.bench_peer). It prints a table and a closing RESULT line.
"""

from __future__ import annotations

import json
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
from pccspend.filters import Filters
from pccspend.fy import fy_label
from pccspend.paths import DataDir
from pccspend.synth import AREAS, FIRST_YEAR, LAST_YEAR, write_synth
from pccspend import vocab

PAGES = ["overview", "themes", "funding_streams", "years", "providers", "awards", "compare_areas", "data_quality"]
STATES_PER_PAGE = 50
AWARDS_PAGE_ROWS = 1_000  # the explorer shows a page of rows; downloads stream the rest
SEED = 20261124
CACHE = Path(os.environ.get("PCCSPEND_BENCH_CACHE", Path.home() / ".cache" / "pccspend"))


def synthetic_set(rows: int, progress: Callable[[str], None]) -> DataDir:
    """The synthetic data folder for `rows`, generated and built once, then reused."""
    folder = CACHE / f"synth-{rows}-{SEED}"
    data = DataDir(folder)
    if not (data.register / "awards.csv").exists():
        write_synth(folder, rows, SEED, progress)
    if is_stale(data):
        build(data, progress)
    return data


def workload(n: int = STATES_PER_PAGE, seed: int = SEED) -> list[Filters]:
    """Filter states a person might set, in a fixed order: mostly area, year and theme changes,
    sometimes a stream, mechanism, provider or text search, toggles for extensions and unpublished."""
    rng = random.Random(seed)
    years = [fy_label(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    providers = [f"Synthetic provider {i:05d}" for i in range(200)]
    states = []
    for _ in range(n):
        year_kind = rng.random()
        if year_kind < 0.3:
            from_year = to_year = None
        elif year_kind < 0.7:
            from_year = to_year = rng.choice(years)
        else:
            a, b = sorted(rng.sample(years, 2))
            from_year, to_year = a, b
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


def worker(engine: str, data_root: str, n: int, started: float) -> dict:
    """Replay the workload in this process and report timings (ms), cold start (s) and peak RSS."""
    data = DataDir(Path(data_root))
    states = workload(n)
    if engine == "duckdb":
        from pccspend import pagedata
        from pccspend.db import Database

        db = Database(data)
        run = {
            "overview": lambda f: pagedata.overview(db, f),
            "themes": lambda f: pagedata.themes(db, f),
            "funding_streams": lambda f: pagedata.funding_streams(db, f),
            "years": lambda f: pagedata.years(db, f),
            "providers": lambda f: pagedata.providers(db, f, limit=AWARDS_PAGE_ROWS),
            "awards": lambda f: pagedata.awards(db, f, limit=AWARDS_PAGE_ROWS),
            "compare_areas": lambda f: pagedata.compare_areas(db, f),
            "data_quality": lambda f: pagedata.data_quality(db, f, limit=AWARDS_PAGE_ROWS),
        }
    else:
        from pccspend import bench_peer

        df = bench_peer.load(str(data.parquet("awards")))
        run = {page: (lambda fn: (lambda f: fn(df, f)))(fn) for page, fn in bench_peer.PAGES.items()}
        run["awards"] = lambda f: bench_peer.awards(df, f, limit=AWARDS_PAGE_ROWS)
        run["providers"] = lambda f: bench_peer.providers(df, f, limit=AWARDS_PAGE_ROWS)
        run["data_quality"] = lambda f: bench_peer.data_quality(df, f, limit=AWARDS_PAGE_ROWS)
    timings: dict[str, list[float]] = {}
    cold = None
    for page in PAGES:
        print(f"{engine}: {page}", file=sys.stderr, flush=True)  # the parent shows it as progress
        timings[page] = []
        for f in states:
            t0 = time.perf_counter()
            run[page](f)
            timings[page].append((time.perf_counter() - t0) * 1000)
            if cold is None:
                cold = time.time() - started
    return {"engine": engine, "timings_ms": timings, "cold_start_s": cold, "peak_rss_mb": _peak_rss_mb()}


def _spawn(engine: str, data: DataDir, n: int, progress: Callable[[str], None]) -> dict:
    """Run a worker in a fresh process, passing on its progress (stderr); its figures (stdout)."""
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pccspend.bench", engine, str(data.root), str(n), repr(started)],
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

    from pccspend.db import Database
    from pccspend.snapshot import Scope, write_snapshot

    area, year = AREAS[0], fy_label(LAST_YEAR - 1)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        db = Database(data)
        try:
            write_snapshot(db, Path(tmp) / "site", Scope.between((area,), year, year))
        finally:
            db.close()
        return time.perf_counter() - t0


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB, Python {platform.python_version()}, {platform.system()}"


def run_bench(rows: int, n: int = STATES_PER_PAGE, progress: Callable[[str], None] = print) -> dict:
    """The whole benchmark; returns the figures and prints the table and RESULT line."""
    data = synthetic_set(rows, progress)
    progress(f"replaying {n} filter states x {len(PAGES)} pages through the query layer")
    ours = _spawn("duckdb", data, n, progress)
    progress("replaying the same through the pandas peer")
    peer = _spawn("pandas", data, n, progress)
    snap = snapshot_seconds(data)
    lines = [f"machine: {machine()}", f"rows: {rows:,}  states per page: {n}", "",
             f"{'page':16} {'median ms':>10} {'p95 ms':>8} | {'pandas median':>13} {'pandas p95':>10} {'speedup p95':>11}"]
    p95s, peer_p95s = [], []
    for page in PAGES:
        mine, theirs = ours["timings_ms"][page], peer["timings_ms"][page]
        a, b = _percentile(mine, 95), _percentile(theirs, 95)
        p95s.append(a)
        peer_p95s.append(b)
        lines.append(f"{page:16} {statistics.median(mine):10.1f} {a:8.1f} | {statistics.median(theirs):13.1f} "
                     f"{b:10.1f} {b / a:10.1f}x")
    page_p95 = _percentile([t for p in PAGES for t in ours["timings_ms"][p]], 95)
    peer_p95 = _percentile([t for p in PAGES for t in peer["timings_ms"][p]], 95)
    lines += [
        "",
        f"all pages p95: {page_p95:.1f} ms (pandas {peer_p95:.1f} ms); worst page p95: {max(p95s):.1f} ms",
        f"cold start (process start to first page answered): {ours['cold_start_s']:.2f} s (pandas {peer['cold_start_s']:.2f} s)",
        f"peak RSS: {ours['peak_rss_mb']:.0f} MB (pandas {peer['peak_rss_mb']:.0f} MB)",
        f"snapshot of one area-year: {snap:.2f} s",
        f"RESULT rows={rows} page_p95_ms={page_p95:.1f} pandas_page_p95_ms={peer_p95:.1f} "
        f"speedup={peer_p95 / page_p95:.1f} peak_rss_mb={ours['peak_rss_mb']:.0f} "
        f"pandas_peak_rss_mb={peer['peak_rss_mb']:.0f}",
    ]
    print("\n".join(lines))
    return {"ours": ours, "peer": peer, "page_p95_ms": page_p95, "pandas_page_p95_ms": peer_p95,
            "snapshot_s": snap, "lines": lines}


if __name__ == "__main__":
    engine, root, count, started = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    print(json.dumps(worker(engine, root, count, started)))
