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
from typing import Callable

from pccspend import grant_details
from pccspend.atomic import finish_replace
from pccspend.importing.rows import (
    DETAILS, MAX_LISTED, Noted, _award_rules, _Context, _first_per_column, _from_360, _from_register, _label,
)
from pccspend.mapping import load_rules, lookup
from pccspend.paths import AWARDS_CSV, FUNDING_STREAMS_CSV, GRANT_DETAILS_CSV, SOURCES_CSV, TOTALS_CSV, DataDir
from pccspend.reading import FileBroken, FileBrokenMany, Table, fail, open_table
from pccspend.register import (
    AWARD_COLUMNS, FUNDING_STREAM_COLUMNS, PUBLICATION_COLUMNS, SOURCE_COLUMNS, TOTAL_COLUMNS, funding_streams, register_digest,
)
from pccspend.validate import Problem, validate_register

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
    new_streams: dict[str, str] = field(default_factory=dict)
    gbp_by_year: dict[str, Decimal] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    source: dict | None = None
    register_digest: str = ""
    staging: Path | None = None
    staged_files: list[str] = field(default_factory=list)
    published_by: str | None = None  # new awards published on import by this person (else drafts)

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


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.exists():
        return [], []
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return (rows[0], rows[1:]) if rows else ([], [])


def _blank(v: str | None) -> str | None:
    return v if v not in ("", None) else None


def _comparable(row: dict) -> tuple:
    return tuple(row.get(c) for c in AWARD_COLUMNS if c not in ("source_id", "source_locator"))


def plan_import(data: DataDir, path: Path, area: str | None = None, *, name: str | None = None,
                progress: Progress = lambda _m: None, today: dt.date | None = None,
                publish_as: str | None = None) -> ImportPlan:
    """Read `path` and stage the register it would make; nothing in `data` changes.

    New awards land as drafts, or published when `publish_as` names who decided so; an award
    already in the register keeps its publication decision (decisions are made on review)."""
    path = Path(path)
    name = re.sub(r"[\x00-\x1f\x7f]+", " ", Path(name or path.name).name).strip() or "upload"
    area = area.strip() if area and area.strip() else None
    plan = ImportPlan(file_name=name, area=area, published_by=publish_as)
    try:
        _plan(plan, data, path, name, area, progress, today or dt.date.today())
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
          today: dt.date) -> None:
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
    if rule_problems:
        raise FileBrokenMany(rule_problems)
    plan.register_digest = register_digest(data)
    table = open_table(path, name)
    plan.layout = f"{table.layout} {table.fmt}"
    plan.ignored_columns = table.ignored
    plan.read_as = table.notices

    header, existing_rows = _read_rows(data.register / AWARDS_CSV)
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
    source_id = f"IMPORT-{plan.sha256[:12]}"
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
    plan.source = {
        "source_id": source_id,
        "title": f"Import of {name}",
        "publisher": _publisher(funders),
        "published_date": today.isoformat(),
        "kind": "import",
        "file_name": name,
        "url": None,
        "reference": f"sha256 {plan.sha256}",
    }
    _stage(plan, data, header, changed, spool_path, added_rows, table, progress)


def _publisher(funders: Counter) -> str:
    names = [n for n, _ in funders.most_common()]
    return "; ".join(names[:3]) + (f" and {len(names) - 3} others" if len(names) > 3 else "")


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _stage(plan: ImportPlan, data: DataDir, header: list[str], changed: dict, spool_path: Path,
           added_rows: array.array, table: Table, progress: Progress) -> None:
    """Write the new register into the staging folder and validate it as a whole."""
    progress("staging the new register")
    stage = plan.staging
    reg = stage / "register"
    reg.mkdir()
    if data.reference.exists():
        os.symlink(os.path.relpath(data.reference, stage), stage / "reference")
    row_of: dict[int, int] = {}  # staged awards.csv row -> import row (for changed rows)
    staged_awards = reg / AWARDS_CSV
    with open(staged_awards, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        n = 1
        src = data.register / AWARDS_CSV
        if src.exists():
            with open(src, newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                next(reader, None)
                id_at = header.index("award_id") if "award_id" in header else 0
                for cells in reader:
                    n += 1
                    new = changed.get(cells[id_at]) if len(cells) > id_at else None
                    if new:
                        row_of[n] = new[1]
                        cells = ["" if new[0].get(c) is None else new[0][c] for c in header]
                    writer.writerow(cells)
        existing_count = n
        with open(spool_path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            for award in reader:
                writer.writerow([award.get(c, "") for c in header])
    plan.staged_files.append(AWARDS_CSV)

    s_header, s_rows = _read_rows(data.register / SOURCES_CSV)
    s_header = s_header or list(SOURCE_COLUMNS)
    if not any(r and r[s_header.index("source_id")] == plan.source["source_id"] for r in s_rows):
        s_rows.append(["" if plan.source.get(c) is None else plan.source[c] for c in s_header])
        plan.staged_files.append(SOURCES_CSV)
    _write_csv(reg / SOURCES_CSV, s_header, s_rows)

    totals = data.register / TOTALS_CSV
    if totals.exists():
        shutil.copyfile(totals, reg / TOTALS_CSV)
    else:
        _write_csv(reg / TOTALS_CSV, TOTAL_COLUMNS, [])
        plan.staged_files.append(TOTALS_CSV)

    details_file = data.register / GRANT_DETAILS_CSV
    if plan.detailed or details_file.exists():
        d_header, d_rows = _read_rows(details_file)
        d_header = d_header or list(grant_details.COLUMNS)
        id_at = d_header.index("award_id") if "award_id" in d_header else 0
        kept = [r for r in d_rows if r and r[id_at] not in plan.detailed]  # an award's new details replace its old
        _, new_rows = _read_rows(stage / "details.csv")
        _write_csv(reg / GRANT_DETAILS_CSV, d_header, kept + new_rows)
        if plan.detailed:
            plan.staged_files.append(GRANT_DETAILS_CSV)

    streams_file = data.register / FUNDING_STREAMS_CSV
    f_header, f_rows = _read_rows(streams_file)
    f_header = f_header or list(FUNDING_STREAM_COLUMNS)
    if plan.new_streams or streams_file.exists():
        f_rows += [[s, d] for s, d in plan.new_streams.items()]
        _write_csv(reg / FUNDING_STREAMS_CSV, f_header, f_rows)
        if plan.new_streams:
            plan.staged_files.append(FUNDING_STREAMS_CSV)

    progress("validating the new register")
    for p in validate_register(DataDir(stage)):
        if p.file == AWARDS_CSV and p.row and p.row > existing_count:
            index = p.row - existing_count - 1
            row = added_rows[index] if index < len(added_rows) else None
            plan.reject(Problem(plan.file_name, row, _label(table, p.column, {}) if p.column else None, p.value, p.rule))
        elif p.file == AWARDS_CSV and p.row in row_of:
            plan.reject(Problem(plan.file_name, row_of[p.row], _label(table, p.column, {}) if p.column else None,
                                p.value, p.rule))
        else:
            plan.reject(Problem(p.file, p.row, p.column, p.value, f"{p.rule} (in the register after this import)"))
