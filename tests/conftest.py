"""Shared fixtures: the bundled register built once per session, and throwaway data folders."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from pccspend.access import Person
from pccspend.build import build
from pccspend.db import Database
from pccspend.paths import BUNDLED_DATA, DataDir

# In CI every property test replays the same generated cases (derandomize): a build must not pass
# or fail by luck. Run locally without CI=true and hypothesis explores new cases each time.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# Who the tests act as when they call a function that writes: every role (as the command line has).
WHO = Person("Test Office", "admin", "tests")


def person(name: str, role: str = "publisher") -> Person:
    """Someone of `role`, acting from a test."""
    return Person(name, role, "tests")


def copy_data(dest: Path) -> DataDir:
    """A copy of the bundled register (not its build) in `dest`."""
    for sub in ("register", "reference", "sources"):
        shutil.copytree(BUNDLED_DATA / sub, dest / sub)
    return DataDir(dest)


def edit(path: Path, change) -> None:
    """Rewrite a register CSV through `change(rows) -> rows` (rows as dicts; the header kept unless
    `change` returns (header, rows))."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames), list(reader)
    out = change(rows)
    if isinstance(out, tuple):
        header, out = out
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(out)


def set_row(award_id: str, **cells):
    """An `edit` change setting cells of one award."""
    def change(rows):
        for row in rows:
            if row["award_id"] == award_id:
                row.update(cells)
        return rows
    return change


@pytest.fixture(scope="session")
def built_data(tmp_path_factory) -> DataDir:
    """The bundled register, built into a private folder (tests never touch data/ itself)."""
    data = copy_data(tmp_path_factory.mktemp("data"))
    build(data)
    return data


# The bundled register publishes every award; tests of what must never be public hold some back.
HELD_BACK = {"LEI-EXE0004-21-T2-01": {"publication": "draft"},
             "CAM-BCB170511-VS02": {"publication": "withheld", "publication_reason": "prevention or detection of crime"}}


@pytest.fixture(scope="session")
def held_back_data(tmp_path_factory) -> DataDir:
    """The bundled register with a draft and a withheld award (HELD_BACK), built."""
    data = copy_data(tmp_path_factory.mktemp("held-back"))
    for award_id, cells in HELD_BACK.items():
        edit(data.register / "awards.csv", set_row(award_id, **cells))
    build(data)
    return data


@pytest.fixture(scope="session")
def db(built_data) -> Database:
    return Database(built_data)


@pytest.fixture
def fresh_data(tmp_path) -> DataDir:
    """A private, unbuilt copy of the bundled register that a test may break."""
    return copy_data(tmp_path / "data")
