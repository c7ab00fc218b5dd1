"""The person using a session and the database they read (one per build, audience and process),
and the values its filters can take."""

from __future__ import annotations

import json

import streamlit as st

from pccspend.access import PUBLIC_PERSON, Person
from pccspend.buildfiles import DATABASE, unreadable
from pccspend.db import Database
from pccspend.paths import data_dir

PERSON = "pcc:person"  # set by the frame at the start of every run (pccspend/ui/identity.py)


def current_person() -> Person:
    """Who is using this session; the public when the frame has not said (fail closed)."""
    return st.session_state.get(PERSON) or PUBLIC_PERSON


def may(action: str) -> bool:
    return current_person().can(action)


@st.cache_resource(show_spinner=False)
def _open(root: str, public: bool) -> Database:
    return Database(data_dir(root), public=public)


def database() -> Database:
    """The database over the current build (reopened when a newer build replaces it): the public's
    view for anyone who may not see held-back rows, so no query of theirs can reach one."""
    public = not may("held_back")
    db = _open(str(data_dir().root), public)
    if not db.is_current():
        _open.clear()
        db = _open(str(data_dir().root), public)
    return db


def options() -> dict[str, set[str]]:
    """Every value each list filter can take (computed once per build)."""
    return database().options()


def top_values() -> dict[str, list[str]]:
    """The values a picker of many offers: the largest by spend (computed once per build)."""
    return database().top_values()


def has_build() -> bool:
    """Whether the data folder has a build this code can read (a new office's folder has none until
    its first import; one made by an older version must be built again)."""
    return (data_dir().current / DATABASE).exists() and old_build() is None


def old_build() -> str | None:
    """Why the data folder's build cannot be read by this version, or None (no build, or a readable one)."""
    info = data_dir().current / "build.json"
    return unreadable(json.loads(info.read_text())) if info.exists() else None
