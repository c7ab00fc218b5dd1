"""Shared fixtures: the bundled register built once per session, and throwaway data folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from pccspend.build import build
from pccspend.db import Database
from pccspend.paths import BUNDLED_DATA, DataDir

# In CI every property test replays the same generated cases (derandomize): a build must not pass
# or fail by luck. Run locally without CI=true and hypothesis explores new cases each time.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


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
