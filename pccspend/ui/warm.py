"""Ready before the first visitor: what the first page of a new server process would otherwise do
while a person waits (import the libraries the pages read, open the database, list the filters'
values, answer the Overview with no filter and build its charts once). Run by pccspend/server.py
when the server starts; without it the first page at 10M awards took 7 s, most of it imports."""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


def warm() -> float:
    """Do the first page's one-off work now; seconds taken. A failure is logged, never raised:
    the server still starts, and the page then shows the error to the person who opens it."""
    started = time.perf_counter()
    try:
        _warm()
    except Exception:  # noqa: BLE001 - a warm-up must not stop the server
        log.exception("warming up the dashboard failed; the first page will do the work itself")
    return time.perf_counter() - started


def _warm() -> None:
    # Imported before any session, though no page reads it at once: Streamlit imports it on a
    # page's first table, and plotly, building a figure in another session meanwhile, takes the
    # half-imported module from sys.modules and fails ("partially initialized module 'pandas' has
    # no attribute 'Series'": 8 browser sessions at once, tests/test_hardening_browser.py).
    import pandas  # noqa: F401

    from pccspend import access, charts, pagedata  # the modules every page reads, loaded once per process
    from pccspend.filters import Filters
    from pccspend.paths import data_dir
    from pccspend.ui import data

    root = data_dir().root
    if not data.has_build():
        return  # a new office: the Import page is all there is until its first import
    # The views ui.data.database opens in this mode: a public server never opens the office's view
    # (held-back rows), so neither does its warm-up.
    for public in (True,) if access.mode() == access.PUBLIC else (False, True):
        db = data._open(str(root), public)
        db.options()
        db.top_values()
        # The Overview with no filter: the page a visitor lands on. Its answers stay in the
        # database's cache; its charts are built once so Plotly loads what they use now.
        charts.overview_charts(pagedata.overview(db, Filters()))
