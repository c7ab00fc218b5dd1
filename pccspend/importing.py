"""Importing a file into the register: 360Giving data (CSV, XLSX, JSON) or the register's own layout.

`plan_import` reads the file once, streaming, turns each row into an award row (or rejections
naming row and column), stages the whole new register beside the old one and validates it with
the same rules as `pccspend validate`. The plan says what would be added, changed, left alone
and rejected. `apply_import` then renames the staged files over the register (only if nothing
was rejected and the register did not change since the plan) and rebuilds the parquet.
"""

from __future__ import annotations

import array
import contextlib
import csv
import datetime as dt
import fcntl
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

from pccspend import vocab
from pccspend.atomic import finish_replace, replace_files
from pccspend.build import build
from pccspend.fy import fy_of_date, is_financial_year
from pccspend.giving360 import REQUIRED
from pccspend.mapping import load_rules, lookup
from pccspend.money import gbp
from pccspend.paths import AWARDS_CSV, FUNDING_STREAMS_CSV, SOURCES_CSV, TOTALS_CSV, DataDir
from pccspend.reading import (
    FileBroken, FileBrokenMany, NotScalar, Table, clean, fail, open_table, parse_amount, parse_date,
)
from pccspend.register import (
    AWARD_COLUMNS, FUNDING_STREAM_COLUMNS, SOURCE_COLUMNS, TOTAL_COLUMNS, funding_streams,
)
from pccspend.validate import ID_RE, Problem, validate_register

Progress = Callable[[str], None]
MAX_LISTED = 200  # rejections and examples kept for the report; counts are always complete
PROGRESS_EVERY = 20_000
BATCH_BYTES = 1 << 20

# Registered identifiers that say what kind of body a recipient is (org-id.guide lists).
SECTOR_PREFIXES = {
    "voluntary sector": ("GB-CHC-", "GB-SC-", "GB-NIC-"),
    "local authority": ("GB-LAE-", "GB-LAS-", "GB-LANI-", "GB-PLA-"),
    "health": ("GB-NHS-",),
}


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


class ImportRefused(Exception):
    """The plan has rejections, or the register changed since it was made."""


# -- rows to awards ----------------------------------------------------------------------------

@dataclass
class _Context:
    """What every row's conversion needs to know."""

    file_name: str
    area: str | None
    rules: list
    streams: dict[str, str]
    new_streams: dict[str, str]


@dataclass
class Noted:
    """Rows that share a remark in the report: how many, and the first few row numbers."""

    count: int = 0
    rows: list[int] = field(default_factory=list)

    def add(self, row: int) -> None:
        self.count += 1
        if len(self.rows) < MAX_LISTED:
            self.rows.append(row)


def _texts(record: dict, errs: list, names) -> dict[str, str | None]:
    out = {}
    for name in names:
        try:
            out[name] = clean(record.get(name))
        except NotScalar:
            errs.append((name, None, "expected a text or number value, not a list or object"))
            out[name] = None
    return out


def _sector_of(recipient_id: str | None, charity: str | None) -> str | None:
    if charity:
        return "voluntary sector"
    for sector, prefixes in SECTOR_PREFIXES.items():
        if recipient_id and recipient_id.upper().startswith(prefixes):
            return sector
    return None


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError("bad date")


def _from_360(record: dict, ctx: _Context, row: int, notes: dict[str, Noted]) -> tuple[dict, list]:
    """One 360Giving grant as an award row, and the errors as (field, value, rule)."""
    errs: list = []
    t = _texts(record, errs, list(record))
    for name in REQUIRED:
        if t.get(name) is None and not any(e[0] == name for e in errs):
            errs.append((name, None, "required: must not be empty"))
    award = dict.fromkeys(AWARD_COLUMNS)
    award["award_id"] = t.get("award_id") or t.get("identifier")
    award["service"] = t.get("title")
    if t.get("description") and t.get("description") != t.get("title"):
        award["description"] = t.get("description")
    award["provider"] = t.get("recipient_name")
    award["funder"] = t.get("funder_name")
    award["area"] = ctx.area or t.get("location_name")
    if not award["area"]:
        errs.append(("location_name", None, "no area: give --area, or a Beneficiary Location:Name"))

    amount = None
    try:
        amount = parse_amount(record.get("amount_awarded"))
    except ValueError as exc:
        errs.append(("amount_awarded", t.get("amount_awarded"), str(exc)))
    currency = (t.get("currency") or "").upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        errs.append(("currency", t.get("currency"), "currency must be a three-letter ISO 4217 code, e.g. GBP"))
    amount_notes = [t["amount_note"]] if t.get("amount_note") else []
    if amount is not None and currency and currency != "GBP":
        amount_notes.insert(0, f"{amount} {currency} awarded: not GBP, so not counted in GBP totals")
        notes["other_currency"].add(row)
        amount = None
    award["amount_gbp"] = None if amount is None else str(amount)

    dates = {}
    for name in ("award_date", "planned_start", "planned_end"):
        try:
            dates[name] = parse_date(record.get(name))
        except ValueError as exc:
            errs.append((name, t.get(name), str(exc)))
    start = dates.get("planned_start")
    day = start or dates.get("award_date")
    if day:
        award["financial_year"] = fy_of_date(day)
    end = dates.get("planned_end")
    months = t.get("planned_months")
    if start and not end and months:
        if re.fullmatch(r"\d{1,3}(\.0+)?", months) and int(float(months)) > 0:
            end = _add_months(start, int(float(months))) - dt.timedelta(days=1)
        else:
            errs.append(("planned_months", months, "duration must be a whole number of months"))
    if start and end and fy_of_date(end) != fy_of_date(start):
        amount_notes.append(f"planned {start} to {end} ({fy_of_date(start)} to {fy_of_date(end)}); "
                            f"the whole amount is recorded in {fy_of_date(start)}")
        notes["multi_year"].add(row)
    award["amount_note"] = "; ".join(amount_notes) or None
    if "decision_date" in record:  # our own export says when the decision was made, if at all
        try:
            decided = parse_date(record.get("decision_date"))
        except ValueError as exc:
            errs.append(("decision_date", t.get("decision_date"), str(exc)))
            decided = None
    else:
        decided = dates.get("award_date")
    award["decision_date"] = decided.isoformat() if decided else None

    programme = t.get("programme_title") or t.get("programme_code")
    if programme:
        award["funding_stream"] = programme
        if programme not in ctx.streams and programme not in ctx.new_streams:
            funder = award["funder"] or "the funder"
            ctx.new_streams[programme] = f"Grant programme of {funder}; added by the import of {ctx.file_name}."
    for col in ("commitment_id", "plan_priority", "decision_ref", "notes"):
        award[col] = t.get(col)
    award["mechanism"] = t.get("mechanism") or "grant"
    award["status"] = t.get("status") or "awarded"
    text = " ".join(filter(None, (award["service"], award["description"])))
    award["theme"] = t.get("theme") or lookup(ctx.rules, "theme", programme, text)
    if award["provider"]:
        award["provider_sector"] = (
            t.get("provider_sector")
            or lookup(ctx.rules, "provider_sector", programme, text)
            or _sector_of(t.get("recipient_id"), t.get("recipient_charity"))
        )
        if not award["provider_sector"]:
            award["provider_sector"] = "other"
            notes["sector_other"].add(row)
    else:
        award["provider_sector"] = t.get("provider_sector")
    award["is_public"] = "true"  # 360Giving data is published data
    return award, errs


def _from_register(record: dict, ctx: _Context, row: int, notes: dict[str, Noted]) -> tuple[dict, list]:
    """One row of the register's own layout (an office's spreadsheet) as an award row."""
    errs: list = []
    t = _texts(record, errs, [c for c in AWARD_COLUMNS if c in record])
    award = {c: t.get(c) for c in AWARD_COLUMNS}
    if ctx.area and award["area"] and award["area"] != ctx.area:
        errs.append(("area", award["area"], f"the row's area is not {ctx.area!r}, the area being imported"))
    award["area"] = ctx.area or award["area"]
    if not award["area"]:
        errs.append(("area", None, "no area: give --area, or fill the area column"))
    try:
        amount = parse_amount(record.get("amount_gbp"))
        award["amount_gbp"] = None if amount is None else str(amount)
        if amount is None:
            notes["no_amount"].add(row)
    except ValueError as exc:
        errs.append(("amount_gbp", t.get("amount_gbp"), str(exc)))
    try:
        decided = parse_date(record.get("decision_date"))
        award["decision_date"] = decided.isoformat() if decided else None
    except ValueError as exc:
        errs.append(("decision_date", t.get("decision_date"), str(exc)))
    if award["is_public"] is not None:
        flag = award["is_public"].casefold()
        if flag in ("true", "false", "yes", "no"):
            award["is_public"] = "true" if flag in ("true", "yes") else "false"
    text = " ".join(filter(None, (award["service"], award["description"])))
    if not award["theme"]:
        award["theme"] = lookup(ctx.rules, "theme", award["funding_stream"], text)
    if award["provider"] and not award["provider_sector"]:
        award["provider_sector"] = lookup(ctx.rules, "provider_sector", award["funding_stream"], text)
    return award, errs


def _award_rules(award: dict, streams) -> list[tuple[str, object, str]]:
    """The register's rules for one row (the staged register is validated again as a whole)."""
    errs = []
    for col in ("award_id", "area", "funder", "financial_year", "service", "mechanism", "status", "is_public"):
        if not award.get(col):
            errs.append((col, None, "required: must not be empty"))
    for col in ("award_id", "commitment_id"):
        if award.get(col) and not re.match(ID_RE, award[col]):
            errs.append((col, award[col], "an identifier may hold only letters, digits and . _ / - "
                                          "(and starts with a letter or digit)"))
    if award.get("financial_year") and not is_financial_year(award["financial_year"]):
        errs.append(("financial_year", award["financial_year"],
                     "financial year must be YYYY/YY with consecutive years, e.g. 2017/18"))
    for col, allowed in (("theme", vocab.THEMES), ("mechanism", vocab.MECHANISMS), ("status", vocab.STATUSES),
                         ("provider_sector", vocab.PROVIDER_SECTORS), ("funding_stream", streams),
                         ("is_public", ("true", "false"))):
        if award.get(col) and award[col] not in allowed:
            shown = ", ".join(sorted(allowed)[:12]) + (", ..." if len(allowed) > 12 else "")
            errs.append((col, award[col], f"{col} must be one of: {shown}"))
    if award.get("provider") and not award.get("provider_sector"):
        errs.append(("provider_sector", None, "provider_sector is required when a provider is named"))
    if award.get("provider_sector") and not award.get("provider"):
        errs.append(("provider_sector", award["provider_sector"], "provider_sector given without a provider"))
    if award.get("status") == "planned" and award.get("amount_gbp"):
        errs.append(("amount_gbp", award["amount_gbp"], "a planned award carries no amount"))
    return errs


# 360Giving field each register column comes from (what a rejection names).
_REGISTER_TO_360 = {
    "award_id": "identifier", "service": "title", "description": "description", "provider": "recipient_name",
    "funder": "funder_name", "area": "location_name", "amount_gbp": "amount_awarded",
    "financial_year": "award_date", "decision_date": "award_date", "funding_stream": "programme_title",
}


def _label(table: Table, column: str, record: dict) -> str:
    """The file's own name for where a register column's value came from."""
    if table.layout == "360Giving" and column not in table.columns and column not in record:
        if column == "financial_year" and record.get("planned_start"):
            return table.label("planned_start")
        return table.label(_REGISTER_TO_360.get(column, column))
    return table.label(column)


def _first_per_column(*stages: list) -> list:
    """Errors of later stages only for columns earlier stages found nothing wrong with."""
    out, seen = [], set()
    for stage in stages:
        out += [e for e in stage if e[0] not in seen]
        seen |= {e[0] for e in stage}
    return out


# -- the plan ----------------------------------------------------------------------------------

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
        k: Noted() for k in ("no_theme", "sector_other", "other_currency", "multi_year", "no_amount")})
    new_streams: dict[str, str] = field(default_factory=dict)
    gbp_by_year: dict[str, Decimal] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    source: dict | None = None
    register_digest: str = ""
    staging: Path | None = None
    staged_files: list[str] = field(default_factory=list)

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


def _digest(data: DataDir) -> str:
    """What the register's files hold now (missing files count as empty)."""
    h = hashlib.sha256()
    for name in (AWARDS_CSV, SOURCES_CSV, TOTALS_CSV, FUNDING_STREAMS_CSV):
        path = data.register / name
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"-") + b"\0")
    return h.hexdigest()


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
                progress: Progress = lambda _m: None, today: dt.date | None = None) -> ImportPlan:
    """Read `path` and stage the register it would make; nothing in `data` changes."""
    path = Path(path)
    name = re.sub(r"[\x00-\x1f\x7f]+", " ", Path(name or path.name).name).strip() or "upload"
    area = area.strip() if area and area.strip() else None
    plan = ImportPlan(file_name=name, area=area)
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
    plan.register_digest = _digest(data)
    table = open_table(path, name)
    plan.layout = f"{table.layout} {table.fmt}"
    plan.ignored_columns = table.ignored

    header, existing_rows = _read_rows(data.register / AWARDS_CSV)
    header = header or list(AWARD_COLUMNS)
    existing = {}
    for r in existing_rows:
        row = {c: _blank(v) for c, v in zip(header, r)}
        existing[row.get("award_id")] = _comparable(row)
    del existing_rows
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
            funders[award["funder"]] += 1
            if not award["theme"]:
                plan.notes["no_theme"].add(row)
            if award["amount_gbp"] is not None:
                fy = award["financial_year"]
                plan.gbp_by_year[fy] = plan.gbp_by_year.get(fy, Decimal(0)) + Decimal(award["amount_gbp"])
            old = existing.get(award_id)
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


# -- applying ----------------------------------------------------------------------------------

@contextlib.contextmanager
def _register_lock(data: DataDir):
    """One import at a time per data folder (the CLI and the dashboard may both try)."""
    data.builds.mkdir(parents=True, exist_ok=True)
    with open(data.builds / ".import.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def apply_import(data: DataDir, plan: ImportPlan, progress: Progress = lambda _m: None) -> dict | None:
    """Put the staged register in place and rebuild; None when there was nothing to change.

    The files are renamed over their old versions after a journal naming them is written, so a
    crash between renames is completed by the next command that reads the register
    (`atomic.finish_replace`): the register is the old one or the new one, never a mixture."""
    if not plan.ok:
        raise ImportRefused(f"{plan.problem_count} problem(s): nothing was imported")
    if not plan.has_changes:
        return None
    if plan.staging is None:
        raise ImportRefused("the plan was closed; plan the import again")
    with _register_lock(data):
        finish_replace(data.root)
        if _digest(data) != plan.register_digest:
            raise ImportRefused("the register changed since this import was planned; plan it again")
        data.register.mkdir(parents=True, exist_ok=True)
        order = [FUNDING_STREAMS_CSV, SOURCES_CSV, TOTALS_CSV, AWARDS_CSV]
        replace_files(data.root, plan.staging / "register", data.register,
                      sorted(plan.staged_files, key=order.index), cleanup=plan.staging)
        progress("register updated; rebuilding")
        return build(data, progress)


def import_file(data: DataDir, path: Path, area: str | None = None, *, dry_run: bool = False,
                name: str | None = None, progress: Progress = lambda _m: None) -> ImportPlan:
    """Plan an import and, unless `dry_run` or anything was rejected, apply it."""
    with plan_import(data, path, area, name=name, progress=progress) as plan:
        if not dry_run and plan.ok:
            apply_import(data, plan, progress)
    return plan


# -- the report --------------------------------------------------------------------------------

def _rows_text(noted: Noted) -> str:
    shown = ", ".join(map(str, noted.rows[:20]))
    return shown + (", ..." if noted.count > 20 else "")


def report_lines(plan: ImportPlan, *, applied: bool = False) -> list[str]:
    """The dry-run (or import) report as lines of text."""
    what = "" if not plan.layout else f"{plan.layout}, "
    lines = [f"{plan.file_name}: {what}{plan.rows:,} row(s)" + (f", area {plan.area}" if plan.area else "")]
    if not plan.ok:
        lines.append(f"REJECTED: {plan.problem_count:,} problem(s) in {max(plan.rejected_rows, 1):,} row(s); "
                     "nothing was imported and the register is untouched.")
        lines += [f"  {p}" for p in plan.problems]
        if plan.problem_count > len(plan.problems):
            lines.append(f"  ... and {plan.problem_count - len(plan.problems):,} more")
        return lines
    verb = ("added", "changed") if applied else ("would add", "would change")
    lines.append(f"{verb[0]} {plan.added:,}, {verb[1]} {plan.changed:,}, unchanged {plan.unchanged:,}, rejected 0")
    if plan.gbp_by_year:
        lines.append("GBP by financial year: " + ", ".join(f"{fy} {gbp(v)}" for fy, v in plan.gbp_by_year.items()))
    if plan.new_streams:
        lines.append(f"new funding streams (added to {FUNDING_STREAMS_CSV}): " + ", ".join(plan.new_streams))
    remarks = {
        "no_theme": "no theme (no rule in import_mapping.csv matched; left empty)",
        "sector_other": "provider sector set to 'other' (no registered charity or council identifier, no rule)",
        "other_currency": "not in GBP (amount kept in amount_note, not counted in GBP totals)",
        "multi_year": "planned over several financial years (whole amount in the first; see amount_note)",
        "no_amount": "no amount stated (kept empty, never 0)",
    }
    for key, text in remarks.items():
        noted = plan.notes[key]
        if noted.count:
            lines.append(f"{noted.count:,} row(s) {text}: rows {_rows_text(noted)}")
    if plan.ignored_columns:
        lines.append("columns not imported: " + ", ".join(plan.ignored_columns))
    for row, award_id, diff in plan.changes[:50]:
        cols = "; ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in diff.items())
        lines.append(f"  row {row} changes {award_id}: {cols}")
    if plan.added + plan.changed == 0:
        lines.append("Nothing to do: the register already holds every row of this file.")
    return lines


def import_upload(data: DataDir, name: str, content: bytes, area: str | None = None, *,
                  dry_run: bool = True) -> ImportPlan:
    """`import_file` for bytes (an upload): written to a private temporary file first."""
    if refusal := size_refusal(len(content)):
        plan = ImportPlan(file_name=Path(name).name or "upload")
        plan.reject(Problem(plan.file_name, None, None, None, refusal))
        return plan
    with tempfile.TemporaryDirectory(prefix="pccspend-upload-") as tmp:
        path = Path(tmp) / "upload"
        path.write_bytes(content)
        return import_file(data, path, area, dry_run=dry_run, name=name)


def problem_rows(plan: ImportPlan) -> list[dict]:
    """The rejections as table rows (file, row, column, value, rule)."""
    return [{"file": p.file, "row": p.row, "column": p.column, "value": p.value, "rule": p.rule}
            for p in plan.problems]
