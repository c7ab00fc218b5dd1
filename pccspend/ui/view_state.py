"""A session's view state: the filters every page applies and each page's own settings, mirrored
into the URL after every run so a copied link reproduces the view (read once, when a session
starts; pccspend/state.py holds the rules). Also the data a page asks for under that state."""

from __future__ import annotations

import contextlib
import runpy
import threading
from collections.abc import Callable, Sequence

import polars as pl
import streamlit as st

from pccspend import pagedata, state
from pccspend.filters import Filters
from pccspend.paths import PROJECT_ROOT
from pccspend.ui.data import database, has_build, may, options
from pccspend.ui.text import md

FILTERS = "pcc:filters"
WARNINGS = "pcc:warnings"
PUSH = "pcc:push"  # the sidebar widgets must be set from the filters before they are drawn
VIEWS = "pcc:views"  # view settings the current page used this run (for the URL)
PAGE = "pcc:page"
# Whether the frame (dashboard.py) is running a page, per script thread (each session's runs have
# their own). Not session state: Streamlit drops session-state writes made after st.stop().
_FRAME = threading.local()


def filters() -> Filters:
    """The filters every page applies."""
    return st.session_state.get(FILTERS, Filters())


def set_filters(new: Filters) -> None:
    """Apply new filters everywhere (callbacks only: the sidebar is redrawn from them)."""
    st.session_state[FILTERS] = new
    st.session_state[PUSH] = True
    st.session_state[WARNINGS] = []


def page_data(page: str, **view) -> dict[str, pl.DataFrame]:
    """`pagedata.<page>(db, filters, **view)`. The database caches each answer, so a rerun that
    changed nothing asks nothing again: there is no second cache here."""
    return getattr(pagedata, page)(database(), filters(), **view)


def all_awards(convert: Callable[[pl.DataFrame], bytes]) -> Callable[[], bytes]:
    """A download's contents made on click (on its own thread): every award matching the
    current filters, converted. The filters and database are taken now, not when clicked."""
    db, current = database(), filters()
    return lambda: convert(pagedata.awards(db, current)["awards"])


def page() -> None:
    """Every page starts here. Until some session has called `st.navigation`, Streamlit runs a
    file in `pages/` on its own (its older multipage mode): a deep link opened first after a
    restart would miss the frame. Then run the frame, which runs this page inside it, and stop."""
    if getattr(_FRAME, "running", False):
        return
    runpy.run_path(str(PROJECT_ROOT / "dashboard.py"), run_name="__main__")
    st.stop()


def start(page_path: str) -> None:
    """Begin a run: on a session's first run take the filters from the URL; forget the previous
    page's view settings when the page changes."""
    ss = st.session_state
    if FILTERS not in ss and has_build():
        raw = {key: st.query_params.get_all(key) for key in st.query_params}
        ss[FILTERS], ss[WARNINGS] = state.from_query(raw, options(), may)
        ss[PUSH] = True
    if ss.get(PAGE) not in (None, page_path):
        for key in [k for k in ss if str(k).startswith("view:")]:
            del ss[key]
    ss[PAGE] = page_path
    ss[VIEWS] = {}


@contextlib.contextmanager
def framed():
    """The frame runs the page inside this: the page's own `page()` call then goes on."""
    _FRAME.running = True
    try:
        yield
    finally:
        _FRAME.running = False


def sync_url() -> None:
    """Write the filters and the page's view settings into the URL (only when they changed)."""
    wanted = {**state.to_query(filters()), **st.session_state.get(VIEWS, {})}
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def warnings() -> None:
    for text in st.session_state.get(WARNINGS, []):
        st.warning(md(text), icon=":material/warning:")


# View settings of one page (drill path, stacking, ...), also kept in the URL ---------------


def view(key: str, default, *, valid: Callable[[list[str]], object] | None = None):
    """A page's view setting: from session state, else from the URL (checked by `valid`, which
    returns the value or raises ValueError), else `default`. Registered for the URL."""
    ss = st.session_state
    skey = f"view:{key}"
    if skey not in ss:
        raw = st.query_params.get_all(key)
        value = default
        if raw:
            try:
                value = valid(raw) if valid else raw[-1]
            except ValueError as exc:
                st.warning(md(f"Ignored {key}={raw[-1]!r} in the link: {exc}"), icon=":material/warning:")
        ss[skey] = value
    value = ss[skey]
    if value != default:
        ss.setdefault(VIEWS, {})[key] = list(value) if isinstance(value, tuple) else [str(value)]
    return value


def set_view(key: str, value):
    """Change a page's view setting (and its URL entry); returns the value."""
    st.session_state[f"view:{key}"] = value
    views = st.session_state.setdefault(VIEWS, {})
    views.pop(key, None)
    if value:
        views[key] = list(value) if isinstance(value, tuple) else [str(value)]
    return value


def choice(label: str, key: str, choices: Sequence[str] | dict[str, str], default: str, *,
           widget: str = "segmented", format_func: Callable[[str], str] | None = None) -> str:
    """A view setting picked from `choices` (values, or values -> labels) with a widget, kept in the URL."""
    labels = choices if isinstance(choices, dict) else {c: (format_func or str)(c) for c in choices}
    values = list(labels)

    def check(raw: list[str]) -> str:
        if raw[-1] not in labels:
            raise ValueError(f"choose one of {', '.join(values)}.")
        return raw[-1]

    view(key, default, valid=check)
    skey = f"view:{key}"
    if st.session_state[skey] not in labels:
        st.session_state[skey] = default
    if widget == "select":
        value = st.selectbox(label, values, key=skey, format_func=labels.get)
    else:
        value = st.segmented_control(label, values, key=skey, format_func=labels.get) or default
    views = st.session_state.setdefault(VIEWS, {})
    views.pop(key, None)
    if value != default:
        views[key] = [value]
    return value
