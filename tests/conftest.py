"""Shared fixtures: the bundled register built once per session, and throwaway data folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pccspend.build import build
from pccspend.db import Database
from pccspend.paths import BUNDLED_DATA, DataDir

SHARED = Path(__file__).resolve().parents[2] / "shared"


def copy_data(dest: Path) -> DataDir:
    """A copy of the bundled register (not its build) in `dest`."""
    for sub in ("register", "reference", "sources"):
        shutil.copytree(BUNDLED_DATA / sub, dest / sub)
    return DataDir(dest)


@pytest.fixture(scope="session")
def built_data(tmp_path_factory) -> DataDir:
    """The bundled register, built into a private folder (tests never touch data/ itself)."""
    data = copy_data(tmp_path_factory.mktemp("data"))
    build(data)
    return data


@pytest.fixture(scope="session")
def db(built_data) -> Database:
    return Database(built_data)


@pytest.fixture
def fresh_data(tmp_path) -> DataDir:
    """A private, unbuilt copy of the bundled register that a test may break."""
    return copy_data(tmp_path / "data")
