"""Charts as PNG and SVG files, rendered by kaleido in Chromium: a whole batch through one browser.

Chromium draws the same figure to the same PNG bytes, but Plotly names the ids inside an SVG
after a random number; they are renamed after the file so the same figure gives the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import plotly
import plotly.graph_objects as go

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
WIDTH = 900
PNG_SCALE = 2
TABS = 4  # Chromium tabs rendering at once
_LOCK = threading.Lock()  # kaleido's sync server is one browser with one queue: one batch at a time
_UID = re.compile(rb'id="defs-([0-9a-z]+)"')
# Attributes Plotly writes its ids into; never data (labels live in text and data-unformatted).
_ID_ATTRS = re.compile(rb'\b(id|clip-path|style|fill|href|xlink:href|mask|filter)="[^"]*"')


@dataclass(frozen=True)
class Image:
    """One figure to draw, to `path` without its suffix (both .png and .svg are written)."""

    fig: go.Figure
    path: Path


def start(tabs: int = TABS) -> None:
    """Open the one kaleido browser this process renders through (again only if it was closed).
    Plotly.js comes from the installed plotly package and MathJax is off: nothing is fetched."""
    import kaleido

    kaleido.start_sync_server(n=tabs, plotlyjs=str(PLOTLY_JS), mathjax=False, silence_warnings=True)


def render(images: Sequence[Image], progress: Callable[[str], None] = lambda _m: None) -> None:
    """Write every image as PNG and SVG (the SVGs' ids made stable), saying how far it has got."""
    import kaleido

    if not images:
        return
    jobs = [{"fig": image.fig, "path": str(image.path.with_suffix(f".{fmt}")),
             "opts": {"format": fmt, "width": WIDTH, "height": image.fig.layout.height,
                      "scale": PNG_SCALE if fmt == "png" else 1}}
            for image in images for fmt in ("png", "svg")]
    progress(f"drawing {len(images)} chart(s) as PNG and SVG in Chromium")
    with _LOCK:
        # Each tab costs seconds to open (it loads plotly.js): a small first batch opens one.
        start(max(1, min(TABS, len(jobs) // 8)))
        step = 4 * TABS  # jobs per call: enough to keep every tab busy, few enough to report progress
        for done in range(0, len(jobs), step):
            kaleido.write_fig_from_object_sync(jobs[done:done + step], cancel_on_error=True)
            if len(jobs) > step:
                progress(f"drawn {min(done + step, len(jobs)) // 2} of {len(images)} charts")
    for image in images:
        svg = image.path.with_suffix(".svg")
        svg.write_bytes(stable_svg(svg.read_bytes(), image.path.name))


def figure_bytes(fig: go.Figure, fmt: str, name: str) -> bytes:
    """One figure as PNG or SVG bytes (a dashboard download): drawn as the snapshot draws it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pccspend-chart-") as tmp:
        path = Path(tmp) / name
        render([Image(fig, path)])
        return path.with_suffix(f".{fmt}").read_bytes()


def stable_svg(svg: bytes, name: str) -> bytes:
    """The SVG with Plotly's random ids made stable: the figure's id (`defs-1a2b3c`, `clip1a2b3cxy`)
    becomes one made from `name`, and each pattern's random suffix (`p1a2b3c-legend-9f8e7d`) its
    number in order of appearance. Only id-carrying attributes change, never text."""
    found = _UID.search(svg)
    if not found:
        return svg
    uid, stable = found.group(1), hashlib.sha256(name.encode()).hexdigest()[:6].encode()
    pattern = re.compile(rb"p" + re.escape(uid) + rb"-(legend-)?([0-9a-z]+)")
    numbers: dict[bytes, bytes] = {}

    def rename_pattern(m: re.Match) -> bytes:
        number = numbers.setdefault(m.group(2), str(len(numbers) + 1).encode())
        return b"p" + stable + b"-" + (m.group(1) or b"") + b"n" + number

    def fix(attr: re.Match) -> bytes:
        return pattern.sub(rename_pattern, attr.group(0)).replace(uid, stable)

    return _ID_ATTRS.sub(fix, svg)
