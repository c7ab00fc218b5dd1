"""A snapshot's manifest.json: every file with its size and sha256, and what the snapshot is of."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

NAME = "manifest.json"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def files_in(folder: Path) -> list[Path]:
    """Every file under `folder` but the manifest, in a fixed order (by relative path)."""
    return sorted((p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() != NAME),
                  key=lambda p: p.relative_to(folder).as_posix())


def write(folder: Path, about: dict) -> dict:
    """Write `folder`/manifest.json listing every other file; `about` says what the snapshot is of."""
    manifest = {
        **about,
        "files": [{"path": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size, "sha256": file_digest(p)}
                  for p in files_in(folder)],
    }
    (folder / NAME).write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    return manifest


def verify(folder: Path) -> list[str]:
    """What is wrong with a snapshot folder against its manifest (empty: every file checks out)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{NAME} cannot be read: {exc}"]
    problems = []
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    present = {p.relative_to(folder).as_posix() for p in files_in(folder)}
    for path in sorted(present - listed.keys()):
        problems.append(f"{path}: not in the manifest")
    for path, entry in sorted(listed.items()):
        if path not in present:
            problems.append(f"{path}: missing")
        elif (folder / path).stat().st_size != entry["bytes"]:
            problems.append(f"{path}: {(folder / path).stat().st_size} bytes, the manifest says {entry['bytes']}")
        elif file_digest(folder / path) != entry["sha256"]:
            problems.append(f"{path}: sha256 differs from the manifest")
    return problems
