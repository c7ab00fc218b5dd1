"""The database a session reads (one per build and process) and the values its filters can take."""

from __future__ import annotations

import streamlit as st

from pccspend.db import Database
from pccspend.paths import data_dir


@st.cache_resource(show_spinner=False)
def _open(root: str) -> Database:
    return Database(data_dir(root))


def database() -> Database:
    """The database over the current build (reopened when a newer build replaces it)."""
    db = _open(str(data_dir().root))
    if not db.is_current():
        _open.clear()
        db = _open(str(data_dir().root))
    return db


def options() -> dict[str, set[str]]:
    """Every value each list filter can take (computed once per build)."""
    return database().options()


def top_values() -> dict[str, list[str]]:
    """The values a picker of many offers: the largest by spend (computed once per build)."""
    return database().top_values()
