"""How long the real dashboard takes, in real Chromium, to answer a click, beside the floor a bare
Streamlit page with the same four Plotly charts sets (bench/bare_app.py).

    python bench/browser.py [--rows N | --data DIR] [--repeats 7]

Data: by default the bundled register, copied and built in a temporary folder (data/ is not
touched); `--rows N` the benchmark's synthetic set of N rows (built once by `python -m pccspend
bench --rows N`); `--data DIR` a built data folder. The bare page gets the same Overview shape
(themes, funding streams, span of years) as the data, made in memory.

Both apps run (each its own `streamlit run`, idle unless clicked; one Chromium, a page each): the
dashboard as `make run` serves it (pccspend/server.py, which does the first page's one-off work
before it answers; the seconds from `streamlit run` to its first health answer are printed), the
bare page with Streamlit's own defaults where the project's config departs from them for speed
(APP_ARGS). Each
page is opened in FIRST_PAGES fresh browser contexts (the apps taking turns at going first: the
browser's first navigation costs more), then each interaction is made `--repeats` times, the apps
taking turns, each repeat
changing the figures: click a bar of "Spend by theme" (the two largest in turn), "Clear all filters"
in the sidebar, pick a "From year" in the sidebar (two years in turn). A sample is the seconds
from the input until the app is idle: the script run over (notRunning), no stale element, every
chart drawn, and the figures (bar geometry, bar labels, metrics) changed and steady for STEADY_MS;
the time is that of the first look at the final state.

The Chrome DevTools Protocol splits each sample (the profile): the websocket frames (their times,
protobuf types and bytes) give input -> rerun request sent -> first frame back (the script started)
-> first delta -> last delta -> script finished (the server's part) -> idle (the browser's part);
the CPU seconds of the server process and of Chromium's processes (/proc) and Chromium's Performance
metrics (the page's main thread: scripts, layout, style) say what each side spent, less swayed
by the load of the machine than the wall times.

Before the browser, the server's part alone: each app's script run under Streamlit's AppTest for
the same From year picks, and the dashboard's Overview queries, figure building and serialisation
called directly (outside Streamlit).

A script that prints figures, not a test: the suite has no timing assertions. It ends with
    BROWSER data=<bundled|rows|dir> dashboard_median_s=.. bare_median_s=.. ratio=.. first_page_s=..
(the medians over every interaction sample; first_page_s the median of the dashboard's first page
in FIRST_PAGES fresh browser contexts, the first of them the server's first session).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from pccspend import pagedata  # noqa: E402
from pccspend.bench import synthetic_set  # noqa: E402
from pccspend.build import build  # noqa: E402
from pccspend.db import Database  # noqa: E402
from pccspend.filters import Filters  # noqa: E402
from pccspend.paths import PROJECT_ROOT, DataDir  # noqa: E402
from tests.conftest import copy_data  # noqa: E402
from tests.hardening import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

# What each server runs: the dashboard as `make run` serves it (pccspend/server.py: warmed up before
# it answers), and the bare page. SCRIPTS: the script each runs, for AppTest.
APPS = {"dashboard": PROJECT_ROOT / "pccspend" / "server.py", "bare": PROJECT_ROOT / "bench" / "bare_app.py"}
# Both run from the checkout, so both read its .streamlit/config.toml; the bare page keeps
# Streamlit's own default where the project's setting is one of the dashboard's cuts (a full
# garbage collection after every run: the floor is what Streamlit itself does).
APP_ARGS = {"bare": ("--runner.postScriptGC", "true")}
SCRIPTS = {**APPS, "dashboard": PROJECT_ROOT / "dashboard.py"}
THEME_CHART = "Spend by theme"
SHOTS = PROJECT_ROOT / "test-artifacts"  # a screenshot after each interaction, for a person to look at
STEADY_MS = 150
FIRST_PAGE = "open the page (new browser context)"
FIRST_PAGES = 3
TIMEOUT_S = 120
# The page's state: idle (run over, nothing stale, every chart drawn) and a signature of what it
# shows (each chart's bar geometry and labels, the metrics), which a redraw with new figures changes.
READ = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app ? app.getAttribute('data-test-script-state') : 'none';
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const idle = state === 'notRunning' && !document.querySelector('[data-stale="true"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && charts.length > 0 && charts.every(c => c.querySelector('.main-svg'));
  const metrics = [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(e => e.textContent);
  const sig = metrics.join('|')
    + '#' + charts.map(c => [...c.querySelectorAll('g.point path')].map(p => p.getAttribute('d')).join(';')
      + '/' + [...c.querySelectorAll('text.bartext, .gtitle')].map(t => t.textContent).join('|')).join('#');
  return {idle, sig, state, charts: charts.length};
}"""
# Resolves with the first moment (performance.now()) the page was idle showing a signature other
# than `before` that then stayed for `steady` ms.
WAIT = """async ([before, steady, timeout]) => {
  const read = %s;
  const start = performance.now();
  let first = null, sig = null, last = null;
  while (true) {
    const now = performance.now();
    const s = read();
    last = s;
    if (s.idle && s.sig !== before) {
      if (first === null || s.sig !== sig) { first = now; sig = s.sig; }
      else if (now - first >= steady) return {t: first, sig};
    } else first = null;
    if (now - start > timeout) throw new Error('did not settle: ' + JSON.stringify(last).slice(0, 300));
    await new Promise(r => setTimeout(r, 10));
  }
}""" % READ
PAGE_METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


@dataclass
class Sample:
    label: str
    seconds: float
    t_input: float  # time.monotonic(), the clock of the CDP frame timestamps
    t_idle: float
    page_t: float = 0.0  # the page's performance.now() (ms) when idle
    sent: list = field(default_factory=list)  # (t, BackMsg)
    received: list = field(default_factory=list)  # (t, bytes, ForwardMsg)
    cpu: dict = field(default_factory=dict)  # CPU seconds: server, Chromium, the page (Performance metrics)

    def split(self) -> dict:
        """The sample's timeline in seconds, its frames and bytes by kind, and main-thread time."""
        rerun = [t for t, m in self.sent if m.WhichOneof("type") == "rerun_script"]
        t_sent = rerun[0] if rerun else self.t_input
        frames = [(t, n, m) for t, n, m in self.received if t >= t_sent]
        deltas = [t for t, _, m in frames if m.WhichOneof("type") in ("delta", "ref_hash")]
        finished = [t for t, _, m in frames if m.WhichOneof("type") == "script_finished"]
        first = frames[0][0] if frames else t_sent
        first_delta, last_delta = (deltas[0], deltas[-1]) if deltas else (first, first)
        end = finished[-1] if finished else last_delta
        kinds, size = Counter(), Counter()
        for _, n, m in frames:
            kind = frame_kind(m)
            kinds[kind] += 1
            size[kind] += n
        specs = [m.delta.new_element.plotly_chart.spec for _, _, m in frames
                 if frame_kind(m) == "plotly_chart"]
        plotly = [len(spec) for spec in specs]
        template = [len(json.dumps(json.loads(spec).get("layout", {}).get("template", {}))) for spec in specs]
        return {
            "input->sent": t_sent - self.t_input, "sent->started": first - t_sent,
            "started->1st delta": first_delta - first, "1st->last delta": last_delta - first_delta,
            "last delta->finished": end - last_delta, "finished->idle": self.t_idle - end,
            "input->1st delta": first_delta - self.t_input, "server (1st frame->finished)": end - first,
            "browser (last delta->idle)": self.t_idle - last_delta, "total": self.seconds,
            "runs": len(finished), "frames": len(frames), "bytes": sum(size.values()),
            "plotly_bytes": size["plotly_chart"], "plotly_spec_bytes": sum(plotly),
            "plotly_template_bytes": sum(template),
            "plotly_charts": len(plotly),
            "table_bytes": size["dataframe"], "refs": kinds["ref"],
            "other_bytes": sum(size.values()) - size["plotly_chart"] - size["dataframe"],
            "kinds": kinds, "sizes": size,
            **{f"cpu {k}": v for k, v in self.cpu.items()},
        }


def frame_kind(msg: ForwardMsg) -> str:
    """A ForwardMsg's kind: the element a new_element delta carries, 'block', 'ref' (a cached
    element the browser already holds), or the message type."""
    kind = msg.WhichOneof("type")
    if kind == "delta":
        delta = msg.delta.WhichOneof("type")
        return msg.delta.new_element.WhichOneof("type") if delta == "new_element" else (
            "block" if delta == "add_block" else delta)
    return "ref" if kind == "ref_hash" else kind


def timeline(sample: Sample) -> list[tuple[float, str]]:
    """Milestones of one sample, in seconds from the input: the rerun request sent, the first frame,
    the first delta, each Plotly chart sent (its size), the last delta, the script finished, idle.
    The gaps between charts are each chart's section of the script (its figure built, then its
    caption, table and download button); frames leave in flushes, so a gap is good to ~10 ms."""
    t0 = sample.t_input
    rerun = [t for t, m in sample.sent if m.WhichOneof("type") == "rerun_script"]
    frames = [(t, n, m) for t, n, m in sample.received if not rerun or t >= rerun[0]]
    out = [(rerun[0] - t0, "rerun request sent")] if rerun else []
    if frames:
        out.append((frames[0][0] - t0, f"first frame ({frame_kind(frames[0][2])})"))
    deltas = [(t, n, m) for t, n, m in frames if m.WhichOneof("type") in ("delta", "ref_hash")]
    if deltas:
        out.append((deltas[0][0] - t0, f"first delta ({frame_kind(deltas[0][2])})"))
    charts = 0
    for t, n, m in deltas:
        if frame_kind(m) == "plotly_chart":
            charts += 1
            title = json.loads(m.delta.new_element.plotly_chart.spec).get("layout", {}).get("title", {})
            text = title.get("text", "") if isinstance(title, dict) else str(title)
            out.append((t - t0, f"plotly chart {charts} sent, {n / 1024:.1f} KB ({text})"))
    if deltas:
        out.append((deltas[-1][0] - t0, f"last delta ({frame_kind(deltas[-1][2])}), {len(deltas)} deltas"))
    out += [(t - t0, "script finished") for t, _, m in frames if m.WhichOneof("type") == "script_finished"]
    out.append((sample.seconds, "idle: every chart redrawn"))
    return out


def descendants(root: int) -> dict[int, str]:
    """Every live descendant process of `root`: pid -> command line."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = {}, [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            try:
                out[pid] = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            todo.append(pid)
    return out


def cpu_seconds(pids) -> float:
    """User + system CPU seconds the processes have used (every thread)."""
    total = 0
    for pid in pids:
        try:
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class Probe:
    """One page and its DevTools session: websocket frames and main-thread metrics."""

    def __init__(self, browser, app: Path, viewport=(1440, 1400)):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.sent, self.received = [], []
        self.cdp.on("Network.webSocketFrameSent", lambda e: self.sent.append((e["timestamp"], e["response"])))
        self.cdp.on("Network.webSocketFrameReceived",
                    lambda e: self.received.append((e["timestamp"], e["response"])))
        self.cdp.send("Network.enable")
        self.cdp.send("Performance.enable")
        self.offset = 0.0  # page performance.now()/1000 - time.monotonic()
        self.server = [p for p, cmd in descendants(os.getpid()).items() if f"streamlit run {app} " in cmd]

    def calibrate(self) -> None:
        """The offset from the page's clock to time.monotonic() (the round trip with least delay)."""
        best = None
        for _ in range(7):
            before = time.monotonic()
            now = self.page.evaluate("performance.now()") / 1000
            after = time.monotonic()
            if best is None or after - before < best[0]:
                best = (after - before, now - (before + after) / 2)
        self.offset = best[1]

    def cpu(self) -> dict:
        metrics = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        procs = descendants(os.getpid())
        chromium = [p for p, cmd in procs.items() if Path(cmd.split(" ")[0]).name == "chromium"]
        return {"server process": cpu_seconds(self.server), "chromium processes": cpu_seconds(chromium),
                **{f"page {k}": metrics.get(k, 0.0) for k in PAGE_METRICS}}

    def signature(self) -> str:
        return self.page.evaluate(READ)["sig"]

    def measure(self, label: str, act, before: str | None = None) -> Sample:
        """Run `act` (which returns the input's time.monotonic()) and wait until the page is idle
        showing new figures; the sample keeps the frames and main-thread time in between."""
        before = self.signature() if before is None else before
        self.sent.clear()
        self.received.clear()
        cpu = self.cpu()
        t_input = act()
        found = self.page.evaluate(WAIT, [before, STEADY_MS, TIMEOUT_S * 1000])
        t_idle = found["t"] / 1000 - self.offset
        after = self.cpu()
        sample = Sample(label, t_idle - t_input, t_input, t_idle, found["t"],
                        cpu={k: after[k] - cpu[k] for k in after})
        for t, response in self.sent:
            if response.get("opcode") == 2:
                sample.sent.append((t, BackMsg.FromString(base64.b64decode(response["payloadData"]))))
        for t, response in self.received:
            if response.get("opcode") == 2:
                raw = base64.b64decode(response["payloadData"])
                sample.received.append((t, len(raw), ForwardMsg.FromString(raw)))
        return sample


def click_bar(page, title: str, index: int) -> float:
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text=title)
    bar = chart.locator("g.point path").nth(index)
    box = bar.bounding_box()
    started = time.monotonic()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return started


def click_clear(page) -> float:
    button = page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Clear all filters")
    button.wait_for()
    started = time.monotonic()
    button.click()
    return started


def pick_from_year(page, year: str) -> float:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="From year").click()
    page.keyboard.type(year)
    page.get_by_role("option", name=year).first.wait_for()
    started = time.monotonic()
    page.keyboard.press("Enter")
    return started


def first_page(probe: "Probe", base: str) -> Sample:
    """Open the app in the probe's page: from the navigation to idle with every chart drawn."""
    def opened() -> float:
        started = time.monotonic()
        probe.page.goto(base)
        return started

    sample = probe.measure(FIRST_PAGE, opened, before="")
    probe.calibrate()  # the page's clock exists once it is open: time the sample again
    sample.t_idle = sample.page_t / 1000 - probe.offset
    sample.seconds = sample.t_idle - sample.t_input
    return sample


def run(browser, bases: dict[str, str], repeats: int, years: tuple[str, str]) -> dict[str, list[Sample]]:
    """Open each app, then make each interaction `repeats` times, the apps taking turns (so a change
    in the machine's load falls on both alike). Every sample of each app, its first page first."""
    probes = {name: Probe(browser, APPS[name]) for name in bases}
    samples: dict[str, list[Sample]] = {name: [] for name in bases}
    # The first page in FIRST_PAGES fresh browser contexts (nothing cached), the apps taking turns at
    # going first (the browser's first navigation pays for starting its network service): the
    # first is each server's first session, the probe then clicked.
    for round_ in range(FIRST_PAGES):
        for name in (list(bases) if round_ % 2 == 0 else list(bases)[::-1]):
            probe = probes[name] if round_ == 0 else Probe(browser, APPS[name])
            samples[name].append(first_page(probe, bases[name]))
            if round_:
                probe.context.close()
    for i in range(repeats):
        for name, probe in probes.items():
            samples[name].append(probe.measure("click a bar of Spend by theme",
                                               lambda p=probe.page, i=i: click_bar(p, THEME_CHART, i % 2)))
            samples[name].append(probe.measure("Clear all filters (sidebar button)",
                                               lambda p=probe.page: click_clear(p)))
    for name, probe in probes.items():
        probe.page.screenshot(path=str(SHOTS / f"bench-browser-{name}-clicks.png"), full_page=True)
    for i in range(repeats):
        for name, probe in probes.items():
            samples[name].append(probe.measure("pick a From year (sidebar selectbox)",
                                               lambda p=probe.page, i=i: pick_from_year(p, years[i % 2])))
    for name, probe in probes.items():
        probe.page.screenshot(path=str(SHOTS / f"bench-browser-{name}-years.png"), full_page=True)
        probe.context.close()
    return samples


def overview_shape(data: DataDir) -> tuple[dict[str, str], tuple[str, str]]:
    """The Overview's shape under no filter (for the bare page) and two years to pick in turn."""
    db = Database(data)
    o = pagedata.overview(db, Filters())
    years = sorted(o["by_year"]["financial_year"].unique().to_list())
    first, last = (int(y[:4]) for y in (years[0], years[-1]))
    shape = {"BARE_THEMES": str(o["by_theme"].height), "BARE_STREAMS": str(o["by_stream"].height),
             "BARE_FIRST_YEAR": str(first), "BARE_YEARS": str(last - first + 1)}
    # Two years after the first, so each From year leaves a different part of the data.
    picks = (years[1], years[2]) if len(years) > 2 else (years[0], years[-1])
    return shape, picks


def server_alone(data: DataDir, shape: dict[str, str], years: tuple[str, str], repeats: int) -> dict:
    """The server's part without a browser: each app's script run under Streamlit's AppTest (the same
    From year picks; wall and CPU seconds of this process), and the dashboard's Overview pieces called
    directly: its queries (uncached), its four figures built, and each made ready to send the way
    st.plotly_chart does (validated, to JSON)."""
    import plotly.io
    import plotly.tools
    from streamlit.testing.v1 import AppTest

    from pccspend import charts

    os.environ.update({"PCCSPEND_DATA": str(data.root), **shape})
    # "missing ScriptRunContext": the dashboard's modules imported outside a run, as meant here
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    out = {}
    for name, key in (("dashboard", "f:from"), ("bare", "from")):
        at = AppTest.from_file(str(SCRIPTS[name]), default_timeout=TIMEOUT_S).run()
        walls, cpus = [], []
        for i in range(repeats):
            wall, cpu = time.perf_counter(), time.process_time()
            at.selectbox(key=key).set_value(years[i % 2]).run()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            if at.exception:
                raise RuntimeError(f"{name}: {[e.value for e in at.exception]}")
        out[name] = {"script run (AppTest) wall": median(walls), "script run (AppTest) cpu": median(cpus)}
    pieces: dict[str, list[float]] = {"queries (uncached)": [], "figures built": [], "figures to JSON": []}
    for i in range(repeats):
        db = Database(data)  # its own answer cache: the queries run
        started = time.perf_counter()
        o = pagedata.overview(db, Filters(from_year=years[i % 2]))
        pieces["queries (uncached)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        figures = list(charts.overview_charts(o).values())
        pieces["figures built"].append(time.perf_counter() - started)
        started = time.perf_counter()
        for fig in figures:
            plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True),
                              validate=False)
        pieces["figures to JSON"].append(time.perf_counter() - started)
    out["dashboard"].update({f"Overview {k} wall": median(v) for k, v in pieces.items()})
    return out


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="the synthetic set of N rows instead of the bundled data")
    parser.add_argument("--data", type=Path, help="a built data folder instead of the bundled data")
    parser.add_argument("--repeats", type=int, default=7, help="samples of each interaction (default 7)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing (Debian's chromium; make chromium)")
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.rows:
            data, label = synthetic_set(args.rows, lambda m: print("...", m, flush=True)), str(args.rows)
        elif args.data:
            data, label = DataDir(args.data.resolve()), str(args.data)
        else:
            data, label = copy_data(Path(tmp) / "data"), "bundled"
            build(data)
        shape, years = overview_shape(data)
        print(f"data: {data.root} ({label}); bare page shape: {shape}; From years picked: {', '.join(years)}",
              flush=True)
        load = [loadavg()]
        alone = server_alone(data, shape, years, args.repeats)
        with contextlib.ExitStack() as stack, sync_playwright() as p:
            bases = {}
            for name, app in APPS.items():  # both up, idle but for the one being clicked
                log = Path(tmp) / f"streamlit-{name}.log"
                started = time.monotonic()
                bases[name] = stack.enter_context(streamlit_server(data, log, extra_env=shape, app=app,
                                                                   args=APP_ARGS.get(name, ())))
                print(f"... {name}: {app.relative_to(PROJECT_ROOT)} at {bases[name]}, answering "
                      f"{time.monotonic() - started:.2f} s after `streamlit run`", flush=True)
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results = run(browser, bases, args.repeats, years)
            browser.close()
    load.append(loadavg())
    print(f"\nload average (1 min): {load[0]:.2f} before the browser, {load[1]:.2f} at the end (this run's "
          f"own included), on {os.cpu_count()} cores"
          + (": a busy machine, so the wall times are inflated (the CPU times less so)"
             if load[0] > os.cpu_count() / 2 else ""))
    report(results, alone, label)


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _median_timelines(by: dict, lab: str, start: str) -> None:
    """Each app's median sample of interaction `lab`, milestone by milestone."""
    for name, samples in by.items():
        middle = sorted(samples[lab], key=lambda x: x.seconds)[len(samples[lab]) // 2]
        print(f"  {name}: the median sample, seconds from {start}")
        for t, what in timeline(middle):
            print(f"    {t:6.3f}  {what}")


def report(results: dict[str, list[Sample]], alone: dict, label: str) -> None:
    dash = results["dashboard"]
    labels = list(dict.fromkeys(s.label for s in dash))
    by = {name: {lab: [s for s in samples if s.label == lab] for lab in labels}
          for name, samples in results.items()}

    print("\nFrom the input to the app idle with every chart redrawn (seconds; median of the samples)")
    print(f"{'interaction':40} {'dashboard':>10} {'bare':>8} {'ratio':>7}")
    for lab in labels:
        d, b = median([s.seconds for s in by["dashboard"][lab]]), median([s.seconds for s in by["bare"][lab]])
        print(f"{lab:40} {d:10.3f} {b:8.3f} {d / b:6.1f}x")
    print("\nEvery sample (seconds)")
    for lab in labels:
        for name in results:
            print(f"  {name:9} {lab:40} " + " ".join(f"{s.seconds:.3f}" for s in by[name][lab]))

    print("\nProfile of one interaction (median over its samples; seconds unless named; parts are medians,"
          " so they need not add up)")
    rows = ["input->sent", "sent->started", "started->1st delta", "1st->last delta", "last delta->finished",
            "finished->idle", "input->1st delta", "server (1st frame->finished)",
            "browser (last delta->idle)",
            "total", "runs", "frames", "refs", "bytes", "plotly_bytes", "plotly_spec_bytes",
            "plotly_template_bytes", "plotly_charts", "table_bytes", "other_bytes", "cpu server process",
            "cpu chromium processes", *[f"cpu page {k}" for k in PAGE_METRICS]]
    for lab in labels[1:]:
        splits = {name: [s.split() for s in by[name][lab]] for name in results}
        print(f"\n  {lab}")
        print(f"  {'':32} {'dashboard':>11} {'bare':>11}")
        for row in rows:
            d, b = (median([x[row] for x in splits[name]]) for name in ("dashboard", "bare"))
            if row.endswith("bytes"):
                print(f"  {row:32} {d / 1024:9.1f}KB {b / 1024:9.1f}KB")
            elif row in ("runs", "frames", "refs", "plotly_charts"):
                print(f"  {row:32} {d:11.0f} {b:11.0f}")
            else:
                print(f"  {row:32} {d:11.3f} {b:11.3f}")
        print("  what the server sent, by kind of message (median per sample: frames, KB)")
        print(f"  {'':26} {'dashboard':>14}   {'bare':>14}")
        table = {name: {key: {k: median([x[key].get(k, 0) for x in splits[name]])
                              for k in set().union(*(x[key] for x in splits[name]))}
                        for key in ("kinds", "sizes")} for name in results}
        every_kind = set().union(*(t["kinds"] for t in table.values()))
        rest = sorted(k for k in every_kind if all(t["sizes"].get(k, 0) < 1024 for t in table.values()))
        for t in table.values():
            for key in t:
                t[key]["the rest"] = sum(t[key].get(k, 0) for k in rest)
        shown = sorted(set(every_kind) - set(rest), key=lambda k: -table["dashboard"]["sizes"].get(k, 0))
        for kind in [*shown, "the rest"]:
            cells = [f"{t['kinds'].get(kind, 0):4.0f} {t['sizes'].get(kind, 0) / 1024:7.1f}KB"
                     for t in (table["dashboard"], table["bare"])]
            print(f"  {kind:26} {cells[0]:>14}   {cells[1]:>14}")
        print(f"  (the rest: {', '.join(rest)})")
        _median_timelines(by, lab, "the input")
    print(f"\n  {FIRST_PAGE}")
    _median_timelines(by, FIRST_PAGE, "the navigation")

    print("\nThe server's part alone, no browser (pick a From year; median seconds)")
    print(f"  {'':40} {'dashboard':>11} {'bare':>11}")
    for row in alone["dashboard"]:
        d, b = alone["dashboard"][row], alone["bare"].get(row)
        print(f"  {row:40} {d:11.3f} " + (f"{b:11.3f}" if b is not None else f"{'':>11}"))

    every = {name: [s.seconds for s in samples if s.label != FIRST_PAGE] for name, samples in results.items()}
    d, b = median(every["dashboard"]), median(every["bare"])
    print(f"\nBROWSER data={label} dashboard_median_s={d:.3f} bare_median_s={b:.3f} ratio={d / b:.2f} "
          f"first_page_s={median([s.seconds for s in by['dashboard'][FIRST_PAGE]]):.3f}")


if __name__ == "__main__":
    main()
