"""Tables out of the product (CSV, XLSX, JSON): the same rows, with spreadsheet formulas defused."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import polars as pl

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str | None) -> str | None:
    """Prefix a formula-looking cell with an apostrophe so spreadsheets show it as text."""
    if text is not None and text.startswith(FORMULA_START):
        return "'" + text
    return text


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column with formula-looking cells defused; numbers are left as numbers."""
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.any_horizontal(pl.col(c).str.starts_with(p) for p in FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    ) if text_cols else frame


# What a download of the office's view says about itself, in its name and inside it: it may hold
# what the public must not see (drafts, withheld awards, fields withheld from the public).
INTERNAL = "INTERNAL"
INTERNAL_NOTE = ("INTERNAL - the office's view of the register, not for publication: it may hold draft and "
                 "withheld awards and fields withheld from the public. Publish through a snapshot instead.")


def internal_name(name: str) -> str:
    """`awards.csv` as `awards-INTERNAL.csv`: an internal file is never named like a public one."""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-{INTERNAL}.{ext}" if dot else f"{name}-{INTERNAL}"


def to_csv_bytes(frame: pl.DataFrame, note: str | None = None) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads £ and accents right), formulas neutralised; `note`
    (e.g. INTERNAL_NOTE) as a first line above the header."""
    head = b""
    if note:
        head = pl.DataFrame({"note": [note]}).write_csv(include_header=False).encode("utf-8")
    return b"\xef\xbb\xbf" + head + neutralised(frame).write_csv().encode("utf-8")


def to_xlsx_bytes(frame: pl.DataFrame, sheet: str = "awards", note: str | None = None) -> bytes:
    """An XLSX workbook; every text cell is written as text, never as a formula. `note`: a first
    sheet "About" holding it."""
    import xlsxwriter

    buf = io.BytesIO()
    safe = neutralised(frame).with_columns(
        pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal)
    )
    with xlsxwriter.Workbook(buf) as book:
        if note:
            about = book.add_worksheet("About")
            about.write_string(0, 0, note)
            about.set_column(0, 0, 120)
        safe.write_excel(book, worksheet=sheet, autofit=True)
    return buf.getvalue()


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def to_records(frame: pl.DataFrame) -> list[dict]:
    """Rows as plain dicts: numbers as numbers, missing as None, dates as ISO text."""
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def to_json_bytes(frame: pl.DataFrame, note: str | None = None) -> bytes:
    """A JSON list of objects, one per row (formula neutralisation applies: files get opened in
    spreadsheets too); with a `note`, an object {"note": ..., "rows": [...]}."""
    rows = to_records(neutralised(frame))
    value = {"note": note, "rows": rows} if note else rows
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
