"""Killing `build` at any moment leaves the old build or the new one, whole and readable."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import polars as pl
import pytest

from pccspend.build import build, register_hash
from pccspend.db import Database
from pccspend.filters import Filters

KILLS = 50
PROGRESS_LINES = 12  # "... validating" to "... built": see pccspend/build.py


def build_state(data) -> tuple[str, int]:
    """(register hash the current build says it came from, awards it holds), read as a user would."""
    info = json.loads((data.current / "build.json").read_text())
    db = Database(data)  # opens every table of the build: a partial build fails here
    try:
        count = db.query("awards", Filters(include_unpublished=True, include_extensions=True)).height
    finally:
        db.close()
    assert pl.read_parquet(data.parquet("awards")).height == count
    return info["register_sha256"], count


@pytest.mark.slow
def test_sigkill_during_build_never_leaves_a_partial_build(fresh_data):
    build(fresh_data)
    old = (register_hash(fresh_data), 60)
    assert build_state(fresh_data) == old
    # A new register version: one award's note reworded, so old and new builds differ.
    awards = fresh_data.register / "awards.csv"
    old_text = awards.read_text(encoding="utf-8")
    new_text = old_text.replace("The report names no theme or funding stream", "The report names neither theme nor stream", 1)
    assert new_text != old_text
    awards.write_text(new_text, encoding="utf-8")
    new = (register_hash(fresh_data), 60)
    rng = random.Random(8)
    seen = {"old": 0, "new": 0}
    env = {**os.environ, "PCCSPEND_DATA": str(fresh_data.root)}
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-m", "pccspend", "build"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # Kill at a random point of the build itself: after a random progress line (validating,
        # writing each table, switching...), plus a random few milliseconds.
        for _ in range(rng.randrange(PROGRESS_LINES)):
            if not proc.stderr.readline():
                break
        time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        state = build_state(fresh_data)
        assert state in (old, new), state
        seen["old" if state == old else "new"] += 1
        if state == new:  # go back to the old build so every kill lands on a real switch
            awards.write_text(old_text, encoding="utf-8")
            build(fresh_data)
            awards.write_text(new_text, encoding="utf-8")
    leftovers = [p.name for p in fresh_data.builds.iterdir() if p.name.startswith(".tmp-")]
    # Interrupted builds leave hidden temp folders; the next build clears them.
    build(fresh_data)
    assert not [p for p in fresh_data.builds.iterdir() if p.name.startswith(".tmp-")]
    print(f"kills={KILLS} old={seen['old']} new={seen['new']} leftovers_before_cleanup={len(leftovers)}")
    assert seen["old"] > 0 and seen["new"] > 0
