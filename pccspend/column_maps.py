"""Column maps: the office's own spreadsheet read as the register's layout, without renaming a column.

A map says which register column each of the file's columns fills ("Organisation" -> provider), and
which register columns take one value for every row (mechanism = grant). It is given once (the
Import page's column step, or `--map "Their column=register_column"` and `--set column=value` on
the command line) and remembered for the file's layout (its set of column titles) in
data/register/column_maps.csv, so next year's file with the same columns imports as it is.

A map never guesses on its own: `suggest` offers titles that look alike, for a person to confirm.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pccspend import vocab
from pccspend.fy import is_financial_year
from pccspend.giving360 import title_key
from pccspend.paths import COLUMN_MAPS_CSV, DataDir
from pccspend.register import AWARD_COLUMNS, PUBLICATION_COLUMNS
from pccspend.problems import Problem

FILE_COLUMNS = ["layout", "register_column", "their_column", "value", "file"]
# Provenance is the imported file itself, and publication is decided on review: never mapped.
MAPPABLE = [c for c in AWARD_COLUMNS if c not in ("source_id", "source_locator", *PUBLICATION_COLUMNS)]
# One value for every row makes no sense for an identifier or an amount.
NOT_FIXED = ("award_id", "commitment_id", "amount_gbp", "contract_value_gbp")
FIXABLE = [c for c in MAPPABLE if c not in NOT_FIXED]
# Checked once, before any row is read, so a mistyped value is one message, not one per row.
CHOICES = {"theme": vocab.THEMES, "mechanism": vocab.MECHANISMS, "status": vocab.STATUSES,
           "provider_sector": vocab.PROVIDER_SECTORS}
LAYOUT_RE = re.compile(r"^[0-9a-f]{12}$")

# Titles offices use for register columns: offered on the Import page, always for a person to confirm.
LOOKALIKES = {
    "award_id": ("id", "ref", "reference", "grant ref", "grant reference", "award ref", "identifier"),
    "provider": ("organisation", "organization", "recipient", "grantee", "provider name", "organisation name"),
    "service": ("project", "project name", "title", "service name", "scheme"),
    "amount_gbp": ("amount", "amount awarded", "amount (£)", "award", "value", "grant amount", "£"),
    "financial_year": ("year", "financial year", "fy"),
    "funding_stream": ("fund", "funding stream", "programme", "grant programme", "stream"),
    "decision_ref": ("decision", "decision ref", "decision reference", "decision number"),
    "decision_date": ("decision date", "date of decision", "date awarded", "award date"),
    "area": ("area", "police force area", "force area"),
    "description": ("description", "details", "purpose of grant"),
}


class MapError(ValueError):
    """A column map that cannot be used (what was given, and the rule)."""


@dataclass
class ColumnMap:
    """Register column -> the file's column title, and register column -> one value for every row."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    file: str | None = None  # the file it was first given for (remembered maps)

    def __bool__(self) -> bool:
        return bool(self.columns or self.values)

    def same(self, other: "ColumnMap | None") -> bool:
        return other is not None and self.columns == other.columns and self.values == other.values

    def plain(self) -> bool:
        """Says no more than the register's own column names: nothing worth remembering."""
        return not self.values and all(title_key(their) == col for col, their in self.columns.items())

    def pairs(self) -> list[str]:
        """The map as the command line's options write it."""
        return ([f'--map "{their}={col}"' for col, their in self.columns.items()]
                + [f'--set "{col}={value}"' for col, value in self.values.items()])

    def describe(self) -> str:
        """`Organisation -> provider; mechanism = grant (every row)`, for reports."""
        return "; ".join([f"{their} -> {col}" for col, their in self.columns.items()]
                         + [f"{col} = {value} (every row)" for col, value in self.values.items()])


def layout_key(header: list[str]) -> str:
    """A file layout's name: its column titles as 360Giving's tools compare them, in any order."""
    titles = sorted({title_key(h) for h in header if str(h).strip()})
    return hashlib.sha256("\n".join(titles).encode()).hexdigest()[:12]


def _check_pair(col: str, *, fixed: bool) -> None:
    allowed = FIXABLE if fixed else MAPPABLE
    if col not in allowed:
        what = "given one value for every row" if fixed and col in MAPPABLE else "filled from a file"
        raise MapError(f"{col!r} cannot be {what}; register columns: {', '.join(allowed)}")


def check_value(col: str, value: str) -> str | None:
    """The rule a value for every row breaks, if any."""
    if col in CHOICES and value not in CHOICES[col]:
        return f"{col} must be one of: {', '.join(CHOICES[col])}"
    if col == "financial_year" and not is_financial_year(value):
        return "financial year must be YYYY/YY with consecutive years, e.g. 2017/18"
    return None


def build(columns: dict[str, str], values: dict[str, str], file: str | None = None) -> ColumnMap:
    """A checked map from register column -> their title and register column -> value. Raises MapError."""
    out = ColumnMap(file=file)
    seen: dict[str, str] = {}
    for col, their in columns.items():
        their = str(their).strip()
        _check_pair(col, fixed=False)
        if not their:
            raise MapError(f"{col}: the file's column title is empty")
        if title_key(their) in seen:
            raise MapError(f"the file's column {their!r} is mapped to both {seen[title_key(their)]} and {col}: "
                           "a column fills one register column")
        seen[title_key(their)] = col
        out.columns[col] = their
    for col, value in values.items():
        value = str(value).strip()
        _check_pair(col, fixed=True)
        if col in out.columns:
            raise MapError(f"{col} is both filled from the column {out.columns[col]!r} and given one value")
        if not value:
            raise MapError(f"{col}: the value for every row is empty")
        if rule := check_value(col, value):
            raise MapError(f"{col}={value!r}: {rule}")
        out.values[col] = value
    return out


def parse(maps: list[str] = (), sets: list[str] = ()) -> ColumnMap:
    """The command line's `--map "Their column=register_column"` and `--set column=value`. Raises MapError."""
    columns: dict[str, str] = {}
    values: dict[str, str] = {}
    for text in maps:
        their, sep, col = str(text).rpartition("=")  # a title may hold '=', a register column never does
        if not sep or not their.strip() or not col.strip():
            raise MapError(f"--map {text!r}: expected \"Their column=register_column\"")
        col = col.strip()
        if col in columns:
            raise MapError(f"--map {text!r}: {col} is already filled from {columns[col]!r}")
        columns[col] = their
    for text in sets:
        col, sep, value = str(text).partition("=")
        if not sep or not col.strip():
            raise MapError(f"--set {text!r}: expected \"register_column=value\"")
        if col.strip() in values:
            raise MapError(f"--set {text!r}: {col.strip()} is given twice")
        values[col.strip()] = value
    return build(columns, values)


def resolve(colmap: ColumnMap, header: list[str], name: str) -> tuple[dict[str, int], list[Problem]]:
    """Register column -> column number in `header`: columns already named as the register names them,
    then the map's. Problems: a mapped title the file lacks."""
    labels = [str(h).strip() for h in header]
    by_key = {title_key(h): i for i, h in enumerate(labels) if h}
    claimed = {by_key.get(title_key(their)) for their in colmap.columns.values()}
    found = {h.casefold(): i for i, h in enumerate(labels)
             if h.casefold() in MAPPABLE and i not in claimed and h.casefold() not in colmap.values}
    problems = []
    for col, their in colmap.columns.items():
        if title_key(their) in by_key:
            found[col] = by_key[title_key(their)]
        else:
            problems.append(Problem(name, 1, their, None,
                                    f"the column map fills {col} from this column, and the file has no such column"))
    return found, problems


def suggest(header: list[str]) -> dict[str, str]:
    """Their column title -> the register column it looks like (exact register name, or a common title)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    names = {c.replace("_", " "): c for c in MAPPABLE}
    for title in header:
        key = title_key(title).replace("_", " ")
        col = names.get(key) or next((c for c, alike in LOOKALIKES.items() if key in alike), None)
        if col and col not in taken:
            out[str(title).strip()] = col
            taken.add(col)
    return out


# -- remembered maps ---------------------------------------------------------------------------

def load(data: DataDir) -> tuple[dict[str, ColumnMap], list[Problem]]:
    """Every remembered map by layout, and every problem in the file (a broken file stops an import)."""
    path: Path = data.register / COLUMN_MAPS_CSV
    if not path.exists():
        return {}, []
    problems: list[Problem] = []
    raw: dict[str, tuple[dict, dict, str | None]] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in FILE_COLUMNS[:4] if c not in (reader.fieldnames or [])]
            if missing:
                return {}, [Problem(COLUMN_MAPS_CSV, 1, c, None, "required column is missing") for c in missing]
            for i, row in enumerate(reader, start=2):
                row = {k: (v or "").strip() or None for k, v in row.items() if k}
                problems += _row_problems(row, i, raw)
    except (UnicodeDecodeError, csv.Error) as exc:
        return {}, [Problem(COLUMN_MAPS_CSV, None, None, None, f"not a readable UTF-8 CSV file: {exc}")]
    maps = {}
    for layout, (columns, values, file) in raw.items():
        try:
            maps[layout] = build(columns, values, file)
        except MapError as exc:
            problems.append(Problem(COLUMN_MAPS_CSV, None, "layout", layout, str(exc)))
    return maps, problems


def _row_problems(row: dict, i: int, raw: dict) -> list[Problem]:
    layout, col, their, value = (row.get(c) for c in FILE_COLUMNS[:4])
    bad = []
    if not layout or not LAYOUT_RE.match(layout):
        bad.append(Problem(COLUMN_MAPS_CSV, i, "layout", layout, "layout must be 12 lowercase hex digits"))
    if col not in MAPPABLE:
        bad.append(Problem(COLUMN_MAPS_CSV, i, "register_column", col,
                           f"register_column must be one of: {', '.join(MAPPABLE)}"))
    if bool(their) == bool(value):
        bad.append(Problem(COLUMN_MAPS_CSV, i, "their_column", their,
                           "give either their_column or value (one value for every row), not both or neither"))
    elif value and col in NOT_FIXED:
        bad.append(Problem(COLUMN_MAPS_CSV, i, "value", value, f"{col} cannot be one value for every row"))
    elif value and (rule := check_value(col, value)):
        bad.append(Problem(COLUMN_MAPS_CSV, i, "value", value, rule))
    if bad:
        return bad
    columns, values, _ = raw.setdefault(layout, ({}, {}, row.get("file")))
    if col in columns or col in values:
        return [Problem(COLUMN_MAPS_CSV, i, "register_column", col, "this layout fills the column twice")]
    (columns if their else values)[col] = their or value
    return []


def rows_of(layout: str, colmap: ColumnMap, file: str) -> list[list[str]]:
    return ([[layout, col, their, "", file] for col, their in colmap.columns.items()]
            + [[layout, col, "", value, file] for col, value in colmap.values.items()])


def staged_text(data: DataDir, layout: str, colmap: ColumnMap, file: str) -> str:
    """column_maps.csv with this layout's map replaced by `colmap` (other layouts kept as written)."""
    path = data.register / COLUMN_MAPS_CSV
    kept: list[list[str]] = []
    if path.exists():
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            kept = [r for r in reader if r and r[0].strip() != layout]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FILE_COLUMNS)
    writer.writerows(kept + rows_of(layout, colmap, file))
    return out.getvalue()
