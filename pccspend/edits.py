"""Changing register files in place (a migration, publication decisions): the new files are
written whole into a staging folder, validated there with the rest of the register, renamed over
the old ones under the register lock (all or none, across a crash), then built.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import polars as pl

from pccspend.atomic import finish_replace, replace_files
from pccspend.paths import DataDir
from pccspend.register import register_digest
from pccspend.validate import ValidationFailed, validate_register

Progress = Callable[[str], None]


class RegisterChanged(Exception):
    """The register changed between reading it and writing the edit; nothing was written."""


@contextlib.contextmanager
def register_lock(data: DataDir):
    """One change at a time per data folder (imports, decisions; the CLI and the dashboard)."""
    data.builds.mkdir(parents=True, exist_ok=True)
    with open(data.builds / ".import.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_text_csv(frame: pl.DataFrame, path: Path) -> None:
    """A register file as text: every value as it is, an empty cell for a missing one."""
    frame.select(pl.all().cast(pl.String)).write_csv(path, null_value="", line_terminator="\n")


def rewrite(data: DataDir, files: dict[str, pl.DataFrame], *, digest: str | None = None,
            build_after: bool = True, progress: Progress = lambda _m: None,
            done: Callable[[str, str], None] | None = None) -> dict | None:
    """Replace register files (name -> its whole new content, as text) and rebuild.

    `digest`: the register digest the edit was made from; when the register changed since, the
    edit is refused (RegisterChanged) rather than overwrite someone else's change. An edit that
    breaks a rule raises ValidationFailed and changes nothing. `done(before, after)` is called with
    the register digests, still under the lock (the audit trail records them)."""
    from pccspend.build import build  # build imports validation, which imports this module's peers

    with register_lock(data):
        finish_replace(data.root)
        before = register_digest(data)
        if digest is not None and before != digest:
            raise RegisterChanged("the register changed since this was read; read it again and redo the change")
        stage = Path(tempfile.mkdtemp(prefix=".edit-", dir=data.root))
        try:
            reg = stage / "register"
            reg.mkdir()
            for path in data.register.iterdir():
                if path.is_file() and path.name not in files:
                    shutil.copyfile(path, reg / path.name)
            if data.reference.exists():
                os.symlink(os.path.relpath(data.reference, stage), stage / "reference")
            for name, frame in files.items():
                write_text_csv(frame, reg / name)
            progress("validating the changed register")
            problems = validate_register(DataDir(stage))
            if problems:
                raise ValidationFailed(problems)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        replace_files(data.root, reg, data.register, sorted(files), cleanup=stage)
        shutil.rmtree(stage, ignore_errors=True)
        info = None
        if build_after:
            progress("register updated; rebuilding")
            info = build(data, progress)
        if done:
            done(before, register_digest(data))
        return info
