"""Applying a planned import: the staged files renamed over the register under a lock, then a rebuild.

Also `import_file` (plan, then apply unless a dry run or anything was rejected) and
`import_upload` (the same for an upload's bytes, within the size limit).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pccspend import audit
from pccspend.access import Person, require
from pccspend.atomic import finish_replace, replace_files, write_bytes
from pccspend.build import build
from pccspend.column_maps import ColumnMap
from pccspend.edits import register_lock
from pccspend.importing.plan import ImportPlan, Progress, plan_import, size_refusal
from pccspend.register import register_digest
from pccspend.paths import (
    AWARDS_CSV, COLUMN_MAPS_CSV, FUNDING_STREAMS_CSV, GRANT_DETAILS_CSV, PALETTE_CSV, SOURCES_CSV, TOTALS_CSV, DataDir,
)
from pccspend.problems import Problem


class ImportRefused(Exception):
    """The plan has rejections, or the register changed since it was made."""


def apply_import(data: DataDir, plan: ImportPlan, progress: Progress = lambda _m: None, *,
                 who: Person) -> dict | None:
    """Put the staged register in place, rebuild and record it in the audit trail; None when there
    was nothing to change. `who` needs the editor role (and the publisher's when the plan publishes).

    The files are renamed over their old versions after a journal naming them is written, so a
    crash between renames is completed by the next command that reads the register
    (`atomic.finish_replace`): the register is the old one or the new one, never a mixture."""
    require(who, "import", data)
    if plan.published_by:
        require(who, "decide", data)
    if not plan.ok:
        raise ImportRefused(f"{plan.problem_count} problem(s): nothing was imported")
    if not plan.has_changes:
        return None
    if plan.staging is None:
        raise ImportRefused("the plan was closed; plan the import again")
    with register_lock(data):
        finish_replace(data.root)
        if register_digest(data) != plan.register_digest:
            raise ImportRefused("the register changed since this import was planned; plan it again")
        data.register.mkdir(parents=True, exist_ok=True)
        if plan.paper:  # the document first: an award never names a source whose text is missing
            write_bytes(data.sources_dir / plan.paper.original_name, plan.paper.content)
            write_bytes(data.sources_dir / plan.paper.text_name, plan.paper.text.encode("utf-8"))
        order = [FUNDING_STREAMS_CSV, SOURCES_CSV, TOTALS_CSV, AWARDS_CSV, GRANT_DETAILS_CSV, COLUMN_MAPS_CSV, PALETTE_CSV]
        replace_files(data.root, plan.staging / "register", data.register,
                      sorted(plan.staged_files, key=order.index), cleanup=plan.staging)
        progress("register updated; rebuilding")
        info = build(data, progress)
        audit.record(data, "import", who,
                     f"Imported {plan.file_name}: {plan.added:,} added, {plan.changed:,} changed"
                     + (", published" if plan.published_by else ", as drafts"),
                     counts={"added": plan.added, "changed": plan.changed, "unchanged": plan.unchanged},
                     before=plan.register_digest, after=register_digest(data),
                     details={"file": plan.file_name, "file_sha256": plan.sha256, "area": plan.area,
                              "published": bool(plan.published_by),
                              "column_map": plan.column_map.pairs() if plan.column_map else None,
                              "column_map_remembered": plan.map_remembered,
                              "paper": plan.paper.source_id if plan.paper else None})
        return info


def import_file(data: DataDir, path: Path, area: str | None = None, *, who: Person, dry_run: bool = False,
                name: str | None = None, progress: Progress = lambda _m: None,
                publish: bool = False, column_map: ColumnMap | None = None) -> ImportPlan:
    """Plan an import and, unless `dry_run` or anything was rejected, apply it as `who` (an
    editor; `publish`: the new awards are published, recorded as decided by them, a publisher)."""
    require(who, "import", data)  # a dry run reads held-back rows to compare with
    if publish:
        require(who, "decide", data)
    with plan_import(data, path, area, name=name, progress=progress,
                     publish_as=who.name if publish else None, column_map=column_map) as plan:
        if not dry_run and plan.ok:
            apply_import(data, plan, progress, who=who)
    return plan


def import_upload(data: DataDir, name: str, content: bytes, area: str | None = None, *, who: Person,
                  dry_run: bool = True, publish: bool = False, column_map: ColumnMap | None = None) -> ImportPlan:
    """`import_file` for bytes (an upload): written to a private temporary file first."""
    if refusal := size_refusal(len(content)):
        plan = ImportPlan(file_name=Path(name).name or "upload")
        plan.reject(Problem(plan.file_name, None, None, None, refusal))
        return plan
    with tempfile.TemporaryDirectory(prefix="pccspend-upload-") as tmp:
        path = Path(tmp) / "upload"
        path.write_bytes(content)
        return import_file(data, path, area, who=who, dry_run=dry_run, name=name, publish=publish,
                           column_map=column_map)
