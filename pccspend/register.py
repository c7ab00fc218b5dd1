"""Reading the register's CSV files as text, exactly as a person would see them in a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import polars as pl

AWARD_COLUMNS = [
    "award_id", "commitment_id", "area", "funder", "financial_year", "theme", "plan_priority",
    "funding_stream", "service", "description", "provider", "provider_sector", "amount_gbp",
    "amount_note", "mechanism", "status", "decision_ref", "decision_date", "source_id",
    "source_locator", "is_public", "notes",
]
SOURCE_COLUMNS = [
    "source_id", "title", "publisher", "published_date", "kind", "file_name", "url", "reference",
]
TOTAL_COLUMNS = [
    "total_id", "source_id", "source_locator", "total_kind", "description", "area", "from_year",
    "to_year", "funding_stream", "status", "covers_award_ids", "stated_total_gbp", "amount_note",
    "is_public",
]
POPULATION_COLUMNS = ["police_force_area", "local_authority", "usual_residents_2021"]


class RegisterReadError(Exception):
    """A register file that cannot be read as CSV at all."""


def read_text_csv(path: Path) -> pl.DataFrame:
    """Every column as text; an empty cell is null. Leading/trailing spaces are kept (validated)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegisterReadError(f"{path}: file not found") from None
    if b"\x00" in raw:
        raise RegisterReadError(f"{path}: binary content (NUL byte); expected a UTF-8 CSV file")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RegisterReadError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if not raw.strip():
        raise RegisterReadError(f"{path}: empty file; expected a header row")
    try:
        return pl.read_csv(
            raw, infer_schema=False, empty_string_is_null=True, raise_if_empty=True,
        )
    except Exception as exc:  # polars raises several error types for malformed CSV
        raise RegisterReadError(f"{path}: not a readable CSV file: {exc}") from None
