"""Killing `build` at any moment leaves the old build or the new one, whole and readable."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from pccspend.build import build
from pccspend.register import register_digest as register_hash
from pccspend.db import Database
from pccspend.filters import Filters
from tests.conftest import WHO

KILLS = 50


def build_progress_lines(data) -> int:
    """How many progress lines a build of `data` prints ("... validating" to "... built"), so kills
    land all along it."""
    lines = []
    build(data, progress=lines.append)
    return len(lines)


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
    progress_lines = build_progress_lines(fresh_data)
    awards.write_text(old_text, encoding="utf-8")
    build(fresh_data)
    awards.write_text(new_text, encoding="utf-8")
    rng = random.Random(8)
    seen = {"old": 0, "new": 0}
    env = {**os.environ, "PCCSPEND_DATA": str(fresh_data.root)}
    for i in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-m", "pccspend", "build"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # Kill at a random point of the build itself: after a random progress line (validating,
        # writing each table, switching...), plus a random few milliseconds.
        # Half the kills anywhere, half around the switch to the new build (its last lines).
        lines = rng.randrange(progress_lines) if i % 2 else rng.randrange(progress_lines - 3, progress_lines + 1)
        for _ in range(lines):
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
    leftovers = [p.name for p in fresh_data.builds.iterdir() if p.is_dir() and p.name.startswith(".")]
    # Interrupted builds leave hidden temp folders; the next build clears them.
    build(fresh_data)
    assert not [p for p in fresh_data.builds.iterdir() if p.is_dir() and p.name.startswith(".")]
    print(f"kills={KILLS} old={seen['old']} new={seen['new']} leftovers_before_cleanup={len(leftovers)}")
    assert seen["old"] > 0 and seen["new"] > 0


IMPORT_PROGRESS_LINES = 4  # "... read N rows", staging, validating, "register updated"; then the build's


def register_files(data) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.register.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_sigkill_during_import_leaves_the_old_register_or_the_new(fresh_data, tmp_path):
    """50 SIGKILLs of `import` at random points: the next command that reads the register finds the
    old files or the new ones byte for byte (never some of each), valid, with a build of one of them."""
    from pccspend.importing import import_file
    from pccspend.validate import validate_register
    from tests.conftest import copy_data
    from tests.hardening import report

    source = Path(__file__).parent / "fixtures" / "trafford_council_voluntary_sector_grants.csv"
    grants = tmp_path / "grants.csv"
    with open(source, newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))[:31]  # the header and 30 grants: the kills land on the import, not the reading
    with open(grants, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(records)
    build(fresh_data)
    old = register_files(fresh_data), register_hash(fresh_data)
    twin = copy_data(tmp_path / "twin")  # the same import, done whole, gives the new version
    assert import_file(twin, grants, "Trafford", who=WHO).ok
    new = register_files(twin), register_hash(twin)
    counts = {old[1]: 60, new[1]: build_state(twin)[1]}
    assert new[0] != old[0] and set(new[0]) >= set(old[0])
    progress_lines = build_progress_lines(twin)
    rng = random.Random(80)
    seen = {"old": 0, "new": 0, "new_register_old_build": 0}
    env = {**os.environ, "PCCSPEND_DATA": str(fresh_data.root)}
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-m", "pccspend", "import", str(grants), "--area", "Trafford"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(rng.randrange(IMPORT_PROGRESS_LINES + progress_lines)):
            if not proc.stderr.readline():
                break
        time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        assert validate_register(fresh_data) == []  # what the next command sees (it completes a cut import)
        files = register_files(fresh_data)
        assert files in (old[0], new[0])
        built_from, count = build_state(fresh_data)
        assert count == counts[built_from]
        if files == old[0]:
            assert built_from == old[1]
            seen["old"] += 1
            continue
        seen["new" if built_from == new[1] else "new_register_old_build"] += 1
        for name in set(files) - set(old[0]):  # back to the old version for the next kill
            (fresh_data.register / name).unlink()
        for name, content in old[0].items():
            (fresh_data.register / name).write_bytes(content)
        build(fresh_data)
    staged = [p.name for p in fresh_data.root.iterdir() if p.name.startswith(".import-")]
    report("crash-import", kills=KILLS, old=seen["old"], new=seen["new"],
           new_register_old_build=seen["new_register_old_build"], partial=0, staging_leftovers=len(staged))
    assert seen["old"] > 0 and seen["new"] + seen["new_register_old_build"] > 0


def test_an_import_cut_between_two_file_renames_is_completed_by_the_next_reader(fresh_data, monkeypatch):
    """The rename window the kills above may miss, made certain: the process dies after the journal
    and the first file; the next `validate` finds the whole new register (before the journal, an
    import killed here left new sources beside old awards)."""
    from pccspend import atomic
    from pccspend.validate import validate_register

    old = register_files(fresh_data)
    staging = fresh_data.root / ".import-cut"
    (staging / "register").mkdir(parents=True)
    new = {"sources.csv": old["sources.csv"] + b"S-NEW,A new report,A PCC,2021-01-01,board report,,,\n",
           "awards.csv": old["awards.csv"] + old["awards.csv"].splitlines(keepends=True)[1].replace(
               b"CAM-BCB150714-01,", b"NEW-1,").replace(b"CAM-BCB-2015-07-14,", b"S-NEW,")}
    for name, content in new.items():
        (staging / "register" / name).write_bytes(content)
    real, calls = os.replace, []

    def dies_on_the_second_file(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # 1: the journal, 2: sources.csv, 3: awards.csv
            raise SystemExit("killed")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", dies_on_the_second_file)
    with pytest.raises(SystemExit):
        atomic.replace_files(fresh_data.root, staging / "register", fresh_data.register, list(new), cleanup=staging)
    monkeypatch.setattr(atomic.os, "replace", real)
    assert register_files(fresh_data) == {**old, "sources.csv": new["sources.csv"]}  # the mixture on disk
    assert validate_register(fresh_data) == []
    assert register_files(fresh_data) == {**old, **new}
    assert not staging.exists() and not (fresh_data.root / atomic.JOURNAL).exists()
