"""Shared by the hardening tests (issue 8): hostile payloads, a register that carries them, a real
`streamlit run` server, and `report`, which prints a figure and keeps it in test-artifacts/."""

from __future__ import annotations

import concurrent.futures
import functools

import contextlib
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from pccspend.build import build
from pccspend.paths import PROJECT_ROOT, DataDir
from tests.conftest import copy_data

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# Values that would change a query if they ever reached SQL text.
SQL = [
    "'; drop table awards; --", "' or '1'='1", '" or ""="', "Robert'); delete from awards;--", "$areas",
    "%", "_", "\\", "*/ select 1 /*", "1; select * from sources", "null", "' union select * from sources --",
    "awards\nwhere 1=1", "😀 ünïcödé",
]
# Markup that would run or fetch something if it were rendered as HTML or Markdown. Each sets
# window.__pwned or fetches from 127.0.0.1:9 (nothing listens there), so the browser can tell.
HTML = [
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '"><svg onload="window.__pwned=1">',
    '<a href="javascript:window.__pwned=1">click</a>',
    "[click me](javascript:window.__pwned=1)",
    "![pixel](http://127.0.0.1:9/pixel.png)",
    "<b onmouseover=alert(3)>bold</b>",
    ":red[**loud**] $x^2$",
]
# Text a spreadsheet would run as a formula (a register cell is trimmed, so tab/CR-led ones are
# probed at the file-writing layer instead: tests/test_injection.py).
FORMULA = ['=HYPERLINK("http://127.0.0.1:9/x","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
           '=cmd|" /C calc"!A0']
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_STREAM = '<img src=x onerror="window.__pwned=2"> Fund'
HOSTILE_AREA = "<script>window.__pwned=3</script>shire"
HOSTILE_SOURCE_TITLE = "<script>window.__pwned=4</script> [report](javascript:window.__pwned=4)"


def _rewrite(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames), list(reader)
    fields, rows = change(fields, rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def hostile_awards(template: dict) -> list[dict]:
    """One published award per payload, the payload as its provider, service, description,
    locator and notes; plus one in a hostile area and funding stream."""
    out = []
    for i, payload in enumerate(SQL + HTML + FORMULA):
        out.append({**template, "award_id": f"HOSTILE-{i:02d}", "commitment_id": "", "provider": payload,
                    "provider_sector": "voluntary sector", "service": payload, "description": payload,
                    "source_locator": payload, "notes": payload, "amount_gbp": f"{1000 + i}.00",
                    "amount_note": "", "theme": "victims", "funding_stream": "", "status": "awarded",
                    "financial_year": "2017/18", "publication": "published"})
    out.append({**out[0], "award_id": "HOSTILE-AREA", "area": HOSTILE_AREA, "funding_stream": HOSTILE_STREAM,
                "provider": HTML[1], "service": "Service in a hostile area", "amount_gbp": "777.00",
                "source_id": "HOSTILE-SRC"})
    return out


def hostile_register(root: Path) -> DataDir:
    """The bundled register plus the awards of `hostile_awards`, a hostile source document and an
    office funding stream with markup in its name. Not built."""
    data = copy_data(root)
    template = {}

    def awards(fields, rows):
        template.update(next(r for r in rows if r["award_id"] == "CAM-BCB170511-VS01"))
        return fields, rows + hostile_awards(template)

    def sources(fields, rows):
        return fields, rows + [{**rows[1], "source_id": "HOSTILE-SRC", "title": HOSTILE_SOURCE_TITLE,
                                "publisher": HTML[1], "reference": HTML[4], "file_name": ""}]

    def streams(fields, rows):
        return fields, rows + [{"funding_stream": HOSTILE_STREAM, "description": HTML[0]}]

    _rewrite(data.register / "awards.csv", awards)
    _rewrite(data.register / "sources.csv", sources)
    _rewrite(data.register / "funding_streams.csv", streams)
    return data


def hostile_data(root: Path) -> DataDir:
    data = hostile_register(root)
    build(data)
    return data


def report(name: str, **figures) -> str:
    """Print a figure line (see it with `pytest -s`) and keep it in test-artifacts/reliability/."""
    line = f"{name}: " + " ".join(f"{k}={v}" for k, v in figures.items())
    print(f"\n{line}")
    folder = ARTIFACTS / "reliability"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(figures, indent=1, default=str) + "\n")
    return line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Streamlit started so that SIGUSR1 makes it write every thread's stack to its log: a test that
# finds a page stuck running can then say where the server was (`server_threads`).
_LAUNCH = ("import faulthandler, signal, sys; faulthandler.register(signal.SIGUSR1, all_threads=True); "
           "from streamlit.web.cli import main; sys.argv[0] = 'streamlit'; sys.exit(main())")
_SERVERS: dict[str, tuple[subprocess.Popen, Path]] = {}


def server_threads(base: str, lines: int = 400) -> str:
    """The stacks of every thread of the server at `base` now, and its log's last lines."""
    proc, log_path = _SERVERS[base]
    proc.send_signal(signal.SIGUSR1)
    time.sleep(2)
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def streamlit_server(data: DataDir, log_path: Path, extra_env: dict | None = None,
                     app: Path = PROJECT_ROOT / "pccspend" / "server.py", *, port: int | None = None,
                     args: tuple[str, ...] = ()):
    """`streamlit run app` (default the dashboard as `make run` serves it) over `data` on `port` (a
    free one by default), with any further `args`; yields the base URL once it answers."""
    port = port or free_port()
    env = {**os.environ, "PCCSPEND_DATA": str(data.root), **(extra_env or {})}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, "run", str(app),
             "--server.headless", "true", "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *args],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"streamlit did not start; see {log_path}")
                    time.sleep(0.2)
            _SERVERS[base] = (proc, log_path)
            yield base
        finally:
            _SERVERS.pop(base, None)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def own_thread(test):
    """Run a test on a fresh thread: Playwright's sync API and asyncio.run refuse a thread where an
    event loop already runs, and the dashboard's e2e tests hold a Playwright session on the main one."""
    @functools.wraps(test)
    def run(*args, **kwargs):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(test, *args, **kwargs).result()
    return run
