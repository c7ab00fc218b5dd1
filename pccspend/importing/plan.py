"""Planning an import: the file read once, streaming, and the register it would make staged.

`plan_import` turns each row into an award row (or rejections naming row and column), compares
it with the register (added, changed, unchanged), writes the whole new register into a staging
folder beside the old one and validates it with the same rules as `pccspend validate`. Nothing in
the register changes. Also here: the size limit on imported files and the register's digest.
"""

from __future__ import annotations

import array
import csv
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from pccspend import column_maps, grant_details
from pccspend.column_maps import ColumnMap
from pccspend.atomic import finish_replace
from pccspend.importing.stage import read_rows, stage
from pccspend.importing.rows import (
    DETAILS, MAX_LISTED, Noted, _award_rules, _Context, _first_per_column, _from_360, _from_register, _label,
)
from pccspend.mapping import load_rules, lookup
from pccspend.paths import AWARDS_CSV, DataDir
from pccspend.reading import FileBroken, FileBrokenMany, fail, open_table
from pccspend.register import AWARD_COLUMNS, PUBLICATION_COLUMNS, funding_streams, register_digest
from pccspend.problems import Problem

if TYPE_CHECKING:
    from pccspend.importing.papers import Paper

Progress = Callable[[str], None]
PROGRESS_EVERY = 20_000
BATCH_BYTES = 1 << 20

MAX_IMPORT_ENV = "PCCSPEND_MAX_IMPORT_MB"
# Files are read streaming (a 100 MB file imports in bounded memory), but an upload arrives whole in
# the dashboard's memory: one limit for both, and .streamlit/config.toml's server.maxUploadSize
# says the same so the browser refuses a bigger upload before sending it.
DEFAULT_MAX_IMPORT_MB = 200


def max_import_mb() -> float:
    """The largest file an import accepts, in MB: $PCCSPEND_MAX_IMPORT_MB, else 200."""
    try:
        return float(os.environ.get(MAX_IMPORT_ENV) or DEFAULT_MAX_IMPORT_MB)
    except ValueError:
        return DEFAULT_MAX_IMPORT_MB


def size_refusal(size: int) -> str | None:
    """Why a file of `size` bytes is refused, or None when it is within the limit."""
    limit = max_import_mb()
    if size <= limit * 1024 * 1024:
        return None
    return (f"the file is {size / 1024 / 1024:,.1f} MB and imports are limited to {limit:g} MB "
            f"(${MAX_IMPORT_ENV}); split it, or raise the limit if the machine has the memory")


@dataclass
class ImportPlan:
    """What an import would do. Use as a context manager: it owns a staging folder."""

    file_name: str
    sha256: str = ""
    layout: str = ""
    area: str | None = None
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    added_ids: list[tuple[int, str]] = field(default_factory=list)
    changes: list[tuple[int, str, dict]] = field(default_factory=list)
    notes: dict[str, Noted] = field(default_factory=lambda: {
        k: Noted() for k in ("no_theme", "sector_other", "other_currency", "multi_year", "no_amount",
                             "identifier_space", "uk_date", "ambiguous_date")})
    read_as: list[str] = field(default_factory=list)  # decisions taken to read the file (its encoding)
    detailed: set[str] = field(default_factory=set)  # awards whose grant_details.csv row this import writes
    detail_rows: array.array = field(default_factory=lambda: array.array("q"))  # the file's row of each, in order
    new_streams: dict[str, str] = field(default_factory=dict)
    gbp_by_year: dict[str, Decimal] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    source: dict | None = None
    register_digest: str = ""
    staging: Path | None = None
    staged_files: list[str] = field(default_factory=list)
    published_by: str | None = None  # new awards published on import by this person (else drafts)
    column_map: ColumnMap | None = None  # the map the file's columns were read through
    map_layout: str = ""  # the file's layout (column_maps.layout_key)
    map_given: bool = False  # given for this import (else remembered for the layout)
    map_remembered: bool = False  # this import writes the map to column_maps.csv
    paper: "Paper | None" = None  # the paper the rows were proposed from (importing/papers.py)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0 and self.rows > 0

    @property
    def has_changes(self) -> bool:
        return self.ok and (self.added + self.changed) > 0

    def reject(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)

    def close(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def __enter__(self) -> "ImportPlan":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(BATCH_BYTES):
            h.update(chunk)
    return h.hexdigest()


def _blank(v: str | None) -> str | None:
    return v if v not in ("", None) else None


def _comparable(row: dict) -> tuple:
    return tuple(row.get(c) for c in AWARD_COLUMNS if c not in ("source_id", "source_locator"))


def plan_import(data: DataDir, path: Path, area: str | None = None, *, name: str | None = None,
                progress: Progress = lambda _m: None, today: dt.date | None = None,
                publish_as: str | None = None, column_map: ColumnMap | None = None,
                paper: "Paper | None" = None) -> ImportPlan:
    """Read `path` and stage the register it would make; nothing in `data` changes.

    New awards land as drafts, or published when `publish_as` names who decided so; an award
    already in the register keeps its publication decision (decisions are made on review).
    `column_map`: how the office's own spreadsheet's columns fill the register's (else the one
    remembered for the file's layout, if any); remembered when the import is applied. `paper`: the
    rows are proposals from that paper, which becomes their source, each with its own locator."""
    path = Path(path)
    name = re.sub(r"[\x00-\x1f\x7f]+", " ", Path(name or path.name).name).strip() or "upload"
    area = area.strip() if area and area.strip() else None
    plan = ImportPlan(file_name=name, area=area, published_by=publish_as, paper=paper)
    try:
        _plan(plan, data, path, name, area, progress, today or dt.date.today(), column_map)
    except FileBrokenMany as exc:
        for problem in exc.problems:
            plan.reject(problem)
    except FileBroken as exc:
        plan.reject(exc.problem)
    except BaseException:
        plan.close()
        raise
    if plan.problem_count:
        plan.close()
    return plan


def _plan(plan: ImportPlan, data: DataDir, path: Path, name: str, area, progress: Progress,
          today: dt.date, column_map: ColumnMap | None) -> None:
    if not path.is_file():
        raise fail(name, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise fail(name, "empty file: expected a header row (CSV, XLSX) or a 360Giving JSON package")
    if refusal := size_refusal(size):
        raise fail(name, refusal)
    plan.sha256 = file_sha256(path)
    finish_replace(data.root)  # plan against a whole register, never one a crash left half-replaced
    rules, rule_problems = load_rules(data)
    maps, map_problems = column_maps.load(data)
    if rule_problems or map_problems:
        raise FileBrokenMany(rule_problems + map_problems)
    plan.register_digest = register_digest(data)

    def pick(header: list[str], is_360: bool) -> ColumnMap | None:
        plan.map_layout = column_maps.layout_key(header)
        return column_map if column_map is not None else None if is_360 else maps.get(plan.map_layout)

    table = open_table(path, name, pick)
    plan.column_map, plan.map_given = table.column_map, column_map is not None
    # Remembered when it says more than the register's own column names do, and is new for the layout.
    plan.map_remembered = bool(plan.map_given and not column_map.plain()
                               and not column_map.same(maps.get(plan.map_layout)))
    plan.layout = f"{table.layout} {table.fmt}"
    plan.ignored_columns = table.ignored
    plan.read_as = table.notices

    header, existing_rows = read_rows(data.register / AWARDS_CSV)
    header = header or list(AWARD_COLUMNS)
    existing, decided = {}, {}
    for r in existing_rows:
        row = {c: _blank(v) for c, v in zip(header, r)}
        existing[row.get("award_id")] = _comparable(row)
        decided[row.get("award_id")] = {c: row.get(c) for c in PUBLICATION_COLUMNS}
    del existing_rows
    new_decision = {c: None for c in PUBLICATION_COLUMNS} | (
        {"publication": "published", "publication_decided_by": plan.published_by,
         "publication_decided_on": today.isoformat()} if plan.published_by else {"publication": "draft"})
    streams = funding_streams(data.register)
    source_id = plan.paper.source_id if plan.paper else f"IMPORT-{plan.sha256[:12]}"
    if plan.paper:  # row r of the proposals file is proposal r - 2, with the paper's own locator
        locator = lambda r: plan.paper.locators[r - 2]  # noqa: E731
    else:
        locator = (lambda r: f"grants[{r - 1}]") if table.fmt == "JSON" else (lambda r: f"row {r}")
    ctx = _Context(name, area, rules, streams, plan.new_streams)
    convert = _from_360 if table.layout == "360Giving" else _from_register

    plan.staging = Path(tempfile.mkdtemp(prefix=".import-", dir=data.root))
    spool_path = plan.staging / "added.csv"
    spool = open(spool_path, "w", newline="", encoding="utf-8")
    writer = csv.DictWriter(spool, AWARD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    details_spool = open(plan.staging / "details.csv", "w", newline="", encoding="utf-8")
    details_writer = csv.DictWriter(details_spool, grant_details.COLUMNS, lineterminator="\n")
    details_writer.writeheader()
    added_rows = array.array("q")
    changed: dict[str, tuple[dict, int]] = {}
    first_row: dict[str, int] = {}
    funders: Counter = Counter()
    try:
        for row, record, cell_errs in table.rows:
            plan.rows += 1
            if plan.rows % PROGRESS_EVERY == 0:
                pos = table.position()
                where = f" ({pos / 1e6:,.0f} of {size / 1e6:,.0f} MB)" if pos else ""
                progress(f"read {plan.rows:,} rows{where}")
            award, errs = convert(record, ctx, row, plan.notes)
            details = award.pop(DETAILS, None)
            # Every problem of the row, one per column: a formula cell is not also "not a number",
            # and an unreadable date is not also a missing financial year.
            errs = _first_per_column(
                cell_errs,
                [(table.label(f), v, r) for f, v, r in errs],
                [(_label(table, c, record), v, r) for c, v, r in _award_rules(award, {**streams, **plan.new_streams})],
            )
            award_id = award.get("award_id")
            if award_id and not errs:
                if award_id in first_row:
                    errs.append((_label(table, "award_id", record), award_id,
                                 f"duplicate identifier: row {first_row[award_id]} has it too; duplicates are not merged"))
                else:
                    first_row[award_id] = row
            if errs:
                plan.rejected_rows += 1
                for label, value, rule in errs:
                    shown = None if value is None else str(value)[:200]
                    plan.reject(Problem(name, row, label, shown, rule))
                continue
            award["source_id"], award["source_locator"] = source_id, locator(row)
            award.update(decided.get(award_id) or new_decision)
            funders[award["funder"]] += 1
            if not award["theme"] and not lookup(rules, "theme", award):
                plan.notes["no_theme"].add(row)
            if award["amount_gbp"] is not None:
                fy = award["financial_year"]
                plan.gbp_by_year[fy] = plan.gbp_by_year.get(fy, Decimal(0)) + Decimal(award["amount_gbp"])
            old = existing.get(award_id)
            if details and (old is None or old != _comparable(award)):
                details_writer.writerow(details)
                plan.detailed.add(award_id)
                plan.detail_rows.append(row)
            if old is None:
                plan.added += 1
                writer.writerow(award)
                added_rows.append(row)
                if len(plan.added_ids) < MAX_LISTED:
                    plan.added_ids.append((row, award_id))
            elif old == _comparable(award):
                plan.unchanged += 1
            else:
                plan.changed += 1
                changed[award_id] = (award, row)
                if len(plan.changes) < MAX_LISTED:
                    cols = [c for c in AWARD_COLUMNS if c not in ("source_id", "source_locator")]
                    diff = {c: (o, award[c]) for c, o in zip(cols, old) if o != award[c]}
                    plan.changes.append((row, award_id, diff))
    finally:
        spool.close()
        details_spool.close()
    if plan.rows:
        progress(f"read {plan.rows:,} rows")
    else:
        raise fail(name, "no rows to import: the file has a header but no data")
    plan.gbp_by_year = dict(sorted(plan.gbp_by_year.items()))
    if not (plan.added or plan.changed):
        plan.new_streams.clear()  # nothing is imported, so no stream is added either
    if plan.problem_count or not (plan.added or plan.changed):
        return
    plan.source = plan.paper.source_row() if plan.paper else {
        "source_id": source_id,
        "title": f"Import of {name}",
        "publisher": _publisher(funders),
        "published_date": today.isoformat(),
        "kind": "import",
        "file_name": name,
        "url": None,
        "reference": f"sha256 {plan.sha256}",
    }
    stage(plan, data, header, changed, spool_path, added_rows, table, progress)


def _publisher(funders: Counter) -> str:
    names = [n for n, _ in funders.most_common()]
    return "; ".join(names[:3]) + (f" and {len(names) - 3} others" if len(names) > 3 else "")
