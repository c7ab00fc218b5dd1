"""Reading import files as rows, streaming: CSV, XLSX (first sheet, or one named `grants`) and
360Giving JSON packages (cells are read by pccspend/cells.py).

Each row comes with the spreadsheet row number (header = row 1; for JSON, the grant's place in
the list) and any problems found in its cells. A file that cannot be read on raises FileBroken
with the problem (file, row, column, rule).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from pccspend import column_maps
from pccspend.column_maps import ColumnMap
from pccspend.giving360 import (
    REQUIRED, flat_fields, flat_title, is_360_field, json_label, json_record, looks_like_360, title_key,
)
from pccspend.register import AWARD_COLUMNS, PUBLICATION_COLUMNS
from pccspend.textfiles import NotText, csv_encoding, json_position
from pccspend.problems import Problem

SNIFF_BYTES = 64 * 1024
# The register's layout: these must be columns of the file; area may come from --area instead.
REGISTER_REQUIRED = ("award_id", "funder", "financial_year", "service", "mechanism", "status")
MAP_HINT = ("map one of the file's columns to it, or give one value for every row (the Import page's column "
            "step, or --map \"Their column=register_column\" / --set column=value)")


class FileBroken(Exception):
    """The file cannot be read on from here; carries the problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


# -- reading files -----------------------------------------------------------------------------

@dataclass
class Table:
    """An opened import file: its layout, how to name a field in messages, and its rows."""

    layout: str  # "360Giving" or "register"
    fmt: str  # "CSV", "XLSX" or "JSON"
    columns: dict[str, str]  # field (360Giving name or register column) -> label in the file
    index: dict[str, int] = field(default_factory=dict)  # field -> column number (flat files)
    rows: Iterator[tuple[int, dict, list[tuple[str | None, object, str]]]] = iter(())
    ignored: list[str] = field(default_factory=list)
    position: Callable[[], int] = lambda: 0  # bytes read so far, for progress (0: unknown)
    notices: list[str] = field(default_factory=list)  # how the file was read, when it needed a decision
    header: list[str] = field(default_factory=list)  # the file's column titles (flat files)
    fixed: dict[str, str] = field(default_factory=dict)  # register column -> one value for every row
    column_map: ColumnMap | None = None  # the map the columns were read through, if any

    def record(self, cells: list) -> dict:
        """One row's cells as {field: value}, with the values a column map gives every row."""
        out = {f: (cells[i] if i < len(cells) else None) for f, i in self.index.items()}
        return out | self.fixed if self.fixed else out

    def label(self, name: str) -> str:
        if name in self.columns:
            return self.columns[name]
        if self.layout == "register" or not is_360_field(name):
            return name
        return json_label(name) if self.fmt == "JSON" else flat_title(name)


class FileBrokenMany(FileBroken):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0])
        self.problems = problems


def fail(file: str, rule: str, row: int | None = None, column: str | None = None) -> FileBroken:
    return FileBroken(Problem(file, row, column, None, rule))


# How a caller chooses a column map once the header is known: (header, looks like 360Giving) -> map,
# None to recognise the layout by its titles, or PEEK for the header and rows as they are.
Pick = Callable[[list[str], bool], "ColumnMap | object | None"]
PEEK = object()


def open_table(path: Path, name: str, pick: Pick | None = None) -> Table:
    """Recognise the file (XLSX, JSON or CSV; 360Giving, the register's layout, or a column map's).
    Raises FileBroken."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise fail(name, "empty file: expected a header row (CSV, XLSX) or a 360Giving JSON package")
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_table(path, name, pick)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(name, "an old Excel (.xls) workbook: save it as .xlsx or CSV UTF-8 and import that")
    if b"\x00" in head:
        raise fail(name, "binary content (NUL byte): expected a CSV, XLSX or JSON file")
    if head.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] in (b"{", b"["):
        try:
            head.decode("utf-8") if len(head) < SNIFF_BYTES else _decode_prefix(head)
        except UnicodeDecodeError as exc:  # JSON is UTF-8 by definition (RFC 8259)
            raise fail(name, f"not UTF-8 text (byte {exc.start}): JSON must be UTF-8") from None
        return _json_table(path, name, top_level_list=head.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] == b"[")
    try:
        encoding, notice = csv_encoding(path)
    except NotText as exc:
        raise fail(name, str(exc)) from None
    table = _csv_table(path, name, encoding, pick)
    if notice:
        table.notices.append(notice)
    return table


def _decode_prefix(head: bytes) -> None:
    """Decode a chunk that may end inside a multi-byte character."""
    codecs.getincrementaldecoder("utf-8")().decode(head, final=False)


def peek(path: Path, name: str, rows: int = 3) -> tuple[list[str], list[dict[str, object]]]:
    """A flat file's column titles and first rows as they are (for a person mapping its columns);
    a JSON file has no columns to map: ([], [])."""
    table = open_table(path, name, pick=lambda _header, _is_360: PEEK)
    if table.layout != "peek":
        return [], []
    sample = []
    try:
        for _row, record, _errs in table.rows:
            sample.append({table.header[int(i)]: v for i, v in record.items() if table.header[int(i)]})
            if len(sample) >= rows:
                break
    finally:
        table.rows.close()
    return table.header, sample


def _layout(header: list[str], name: str, fmt: str, pick: Pick | None = None) -> Table:
    seen: dict[str, int] = {}
    for i, title in enumerate(header):
        key = title_key(title)
        if key and key in seen:
            raise fail(name, f"column {title.strip()!r} appears twice (columns {seen[key] + 1} and {i + 1})",
                        row=1, column=title.strip())
        seen[key] = i
    labels = [h.strip() for h in header]
    is_360 = looks_like_360(header)
    colmap = pick(labels, is_360) if pick else None
    fixed: dict[str, str] = {}
    if colmap is PEEK:
        return Table("peek", fmt, {}, {str(i): i for i in range(len(labels))}, header=labels)
    if colmap is not None:
        found, problems = column_maps.resolve(colmap, labels, name)
        layout, fixed = "register", dict(colmap.values)
        columns = {c: labels[i] for c, i in found.items()} | {c: f"{c} (set for every row)" for c in fixed}
        missing = [c for c in REGISTER_REQUIRED if c not in found and c not in fixed]
        if problems or missing:
            raise FileBrokenMany(problems + [Problem(name, 1, c, None, f"required column is missing: {MAP_HINT}")
                                             for c in missing])
    elif is_360:
        found = flat_fields(header)
        missing = [flat_title(f) for f in REQUIRED if f not in found]
        layout = "360Giving"
        columns = {f: labels[i] for f, i in found.items()}
    elif {"award_id", "financial_year"} & {h.casefold() for h in labels}:
        # Provenance is the imported file itself, so a file's own source columns are not read; a
        # publication decision is made on review, never taken from a file (imports land as drafts).
        not_read = ("source_id", "source_locator", *PUBLICATION_COLUMNS)
        found = {h.casefold(): i for i, h in enumerate(labels)
                 if h.casefold() in AWARD_COLUMNS and h.casefold() not in not_read}
        missing = [c for c in REGISTER_REQUIRED if c not in found]
        missing_rule = f"required column is missing: {MAP_HINT}"
        layout = "register"
        columns = {c: labels[i] for c, i in found.items()}
    else:
        raise fail(name, "unrecognised columns: expected 360Giving column titles (Identifier, Title, "
                          "Currency, Amount Awarded, Award Date, ...) or the register's (award_id, "
                          "financial_year, ...); for the office's own spreadsheet, map its columns (the "
                          "Import page's column step, or --map \"Their column=register_column\")", row=1)
    if colmap is None and missing:
        rule = missing_rule if layout == "register" else "required column is missing"
        raise FileBrokenMany([Problem(name, 1, col, None, rule) for col in missing])
    used = set(found.values())
    ignored = [h for i, h in enumerate(labels) if h and i not in used]
    return Table(layout, fmt, columns, found, ignored=ignored, header=labels, fixed=fixed,
                 column_map=colmap if isinstance(colmap, ColumnMap) else None)


def _csv_table(path: Path, name: str, encoding: str = "utf-8-sig", pick: Pick | None = None) -> Table:
    raw = open(path, "rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except (csv.Error, UnicodeDecodeError) as exc:
        raw.close()
        raise fail(name, f"not a readable CSV file: {exc}", row=1) from None
    try:
        table = _layout(header, name, "CSV", pick)
    except FileBroken:
        raw.close()
        raise
    width = len(header)

    def rows():
        row = 1
        try:
            for cells in reader:
                row += 1
                if not any(c.strip() for c in cells):
                    continue
                errs = []
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    errs.append((f"cell {width + 1}", cells[width][:200],
                                 f"the row has {len(cells)} cells but the header has {width}"))
                yield row, table.record(cells), errs
        except UnicodeDecodeError as exc:
            raise fail(name, f"not UTF-8 text ({exc.reason}): save the file as CSV UTF-8", row=row + 1) from None
        except csv.Error as exc:
            raise fail(name, f"not a readable CSV file: {exc}", row=row + 1) from None
        finally:
            raw.close()

    table.rows = rows()
    table.position = lambda: raw.tell() if not raw.closed else 0
    return table


def _xlsx_table(path: Path, name: str, pick: Pick | None = None) -> Table:
    import openpyxl

    # A file object, not the path: openpyxl refuses a path without an .xlsx name (an upload's
    # temporary file has none); read-only mode reads the sheet from it lazily, so it stays open.
    fh = open(path, "rb")
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=False)
    except Exception as exc:  # zipfile, KeyError, ValueError... and openpyxl's own types for malformed parts
        fh.close()
        raise fail(name, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    wb_close = wb.close

    def close() -> None:
        wb_close()
        fh.close()

    wb.close = close
    sheets = [s for s in wb.worksheets if s.title.strip().casefold() == "grants"] or wb.worksheets[:1]
    if not sheets:
        wb.close()
        raise fail(name, "the workbook has no sheets")
    ws = sheets[0]
    cells_iter = ws.iter_rows()
    try:
        first = next(cells_iter, None)
    except Exception as exc:
        wb.close()
        raise fail(name, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    if first is None or all(c.value is None for c in first):
        wb.close()
        raise fail(name, f"sheet {ws.title!r} is empty: expected a header row", row=1)
    header = ["" if c.value is None else str(c.value) for c in first]
    try:
        table = _layout(header, name, "XLSX", pick)
    except FileBroken:
        wb.close()
        raise
    width = len(header)
    labels = [h.strip() for h in header]
    done = {"rows": 0}

    def rows():
        try:
            for row, cells in enumerate(cells_iter, start=2):
                done["rows"] = row
                values = [c.value for c in cells]
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                errs = []
                for i, c in enumerate(cells):
                    if getattr(c, "data_type", None) == "f":
                        label = labels[i] if i < width and labels[i] else f"cell {i + 1}"
                        errs.append((label, str(c.value)[:200],
                                     "a formula, not a value: paste values before importing"))
                if len(values) > width and any(v is not None for v in values[width:]):
                    errs.append((f"cell {width + 1}", None, f"a value beyond the header's {width} columns"))
                yield row, table.record(values), errs
        except Exception as exc:  # a corrupt sheet part
            raise fail(name, f"not a readable XLSX workbook ({type(exc).__name__})", row=done["rows"] + 1) from None
        finally:
            wb.close()

    table.rows = rows()
    if ws.title.strip().casefold() != "grants" and len(wb.worksheets) > 1:
        table.ignored.append(f"sheets other than {ws.title!r}")
    return table


def _json_table(path: Path, name: str, top_level_list: bool) -> Table:
    import ijson

    raw = open(path, "rb")
    items = ijson.items(raw, "item" if top_level_list else "grants.item", use_float=False)
    table = Table("360Giving", "JSON", {})

    def rows():
        n = 0
        try:
            for n, grant in enumerate(items, start=1):
                if not isinstance(grant, dict):
                    yield n, {}, [(f"grants[{n - 1}]", None, "a grant must be a JSON object")]
                    continue
                yield n, json_record(grant), []
        except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
            # ijson draws a caret under the text on further lines: the first line says it all
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise fail(name, f"not valid JSON after grant {n}: {json_position(path) or first}", row=n + 1) from None
        finally:
            raw.close()
        if n == 0:
            raise fail(name, 'no grants: expected a 360Giving package {"grants": [...]}')

    table.rows = rows()
    table.position = lambda: raw.tell() if not raw.closed else 0
    return table
