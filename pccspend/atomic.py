"""Crash-safe writes: write beside the target, fsync, then rename over it (a file, a set of
register files, or a whole folder)."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
        fsync_dir(target.parent)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> None:
    """Replace `target` with `data` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def swap_symlink(link: Path, target: str) -> None:
    """Point `link` at `target` atomically (a new symlink renamed over the old one)."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)
    fsync_dir(link.parent)


JOURNAL = ".import-commit.json"  # in the data folder while a set of register files is being replaced


def replace_files(root: Path, staged: Path, target: Path, names: list[str], cleanup: Path | None = None) -> None:
    """Move `staged/<name>` over `target/<name>` for every name, all or nothing across a crash: a
    journal written first (atomically) lets `finish_replace` complete a move that was interrupted,
    so a reader never finds some files new and others old. `cleanup` (a folder) is removed once a
    move finished after a crash. Paths are kept relative to `root`."""
    for name in names:
        with open(staged / name, "rb") as fh:
            os.fsync(fh.fileno())
    fsync_dir(staged)
    plan = {"staged": os.path.relpath(staged, root), "target": os.path.relpath(target, root), "names": names,
            "cleanup": os.path.relpath(cleanup, root) if cleanup else None}
    write_bytes(root / JOURNAL, json.dumps(plan).encode("utf-8"))
    _roll_forward(root)


def finish_replace(root: Path) -> bool:
    """Complete a `replace_files` that a crash interrupted (True when there was one)."""
    if not (root / JOURNAL).exists():
        return False
    plan = _roll_forward(root)
    if plan and plan.get("cleanup"):
        shutil.rmtree(root / plan["cleanup"], ignore_errors=True)
    return True


def _roll_forward(root: Path) -> dict | None:
    journal = root / JOURNAL
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None  # another process finished it
    staged, target = root / plan["staged"], root / plan["target"]
    target.mkdir(parents=True, exist_ok=True)
    for name in plan["names"]:
        try:
            os.replace(staged / name, target / name)
        except FileNotFoundError:
            pass  # moved before the crash (or by another process finishing the same journal)
    fsync_dir(target)
    journal.unlink(missing_ok=True)
    fsync_dir(root)
    return plan


def fsync_tree(folder: Path) -> None:
    """Every file and folder under `folder` on disk."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        fsync_dir(path)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not possible."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def write_folder(out: Path, fill: Callable[[Path], T]) -> T:
    """Write the whole folder `out`: `fill` writes into a hidden folder beside it, which is then put
    on disk and in place in one step (renamed, or exchanged with the folder already there), so a
    reader, a web server or a crash sees the old folder or the new one, never a mixture. Nothing
    is left behind when `fill` fails. Returns what `fill` returns."""
    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    os.chmod(tmp, 0o755)  # a folder others read (a web server, the dashboard)
    try:
        result = fill(tmp)
        fsync_tree(tmp)
        if not out.exists():
            os.rename(tmp, out)
        elif _exchange(tmp, out):
            shutil.rmtree(tmp)  # it now holds the previous folder
        else:
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result
