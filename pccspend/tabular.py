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


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads £ and accents right), formulas neutralised."""
    return b"\xef\xbb\xbf" + neutralised(frame).write_csv().encode("utf-8")


def to_xlsx_bytes(frame: pl.DataFrame, sheet: str = "awards") -> bytes:
    """An XLSX workbook; every text cell is written as text, never as a formula."""
    buf = io.BytesIO()
    safe = neutralised(frame).with_columns(
        pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal)
    )
    safe.write_excel(buf, worksheet=sheet, autofit=True)
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


def to_json_bytes(frame: pl.DataFrame) -> bytes:
    """A JSON list of objects, one per row (formula neutralisation applies: files get opened in
    spreadsheets too)."""
    return (json.dumps(to_records(neutralised(frame)), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
