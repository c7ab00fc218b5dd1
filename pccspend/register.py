"""Reading the register's CSV files as text, exactly as a person would see them in a spreadsheet."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import polars as pl

from pccspend import vocab
from pccspend.paths import FUNDING_STREAMS_CSV, DataDir

# What the Specified Information Order asks a commissioner to publish about a grant, a contract
# or an item of spending (see pccspend/duties.py); empty until the office fills them.
STATUTORY_COLUMNS = [
    "purpose", "conditions", "crime_reduction_reasons", "value_for_money_reasons",
    "contract_value_gbp", "contract_copy_url",
]
# The publication decision (pccspend/publication.py).
PUBLICATION_COLUMNS = [
    "publication", "redacted_fields", "publication_reason", "publication_decided_by", "publication_decided_on",
]
AWARD_COLUMNS = [
    "award_id", "commitment_id", "area", "funder", "financial_year", "theme", "plan_priority",
    "funding_stream", "service", "description", "provider", "provider_sector", "recipient_org_id",
    "amount_gbp", "amount_note", "mechanism", "status", "decision_ref", "decision_date", "source_id",
    "source_locator", *STATUTORY_COLUMNS, *PUBLICATION_COLUMNS, "notes",
]
SOURCE_COLUMNS = [
    "source_id", "title", "publisher", "published_date", "kind", "file_name", "url", "reference",
]
TOTAL_COLUMNS = [
    "total_id", "source_id", "source_locator", "total_kind", "description", "area", "from_year",
    "to_year", "funding_stream", "status", "covers_award_ids", "stated_total_gbp", "amount_note",
    "publication", "publication_reason",
]
POPULATION_COLUMNS = ["police_force_area", "local_authority", "usual_residents_2021"]
FUNDING_STREAM_COLUMNS = ["funding_stream", "description"]


def register_digest(data: DataDir) -> str:
    """sha256 over the register's files (each file's folder, name and bytes; a missing one as
    such): the one fingerprint of a register, recorded by builds, snapshots and import plans."""
    h = hashlib.sha256()
    for path in data.register_files():
        h.update(f"{path.parent.name}/{path.name}".encode() + b"\0")
        try:
            with open(path, "rb") as fh:
                h.update(b"+")
                while block := fh.read(1 << 24):
                    h.update(block)
        except FileNotFoundError:
            h.update(b"-")
        h.update(b"\0")
    return h.hexdigest()


class RegisterReadError(Exception):
    """A register file that cannot be read as CSV at all."""


BLOCK = 1 << 24


def check_text_file(path: Path) -> None:
    """Fail with a clear message unless `path` is non-empty UTF-8 text (read in blocks: files may be large)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen = 0
    non_space = False
    try:
        with open(path, "rb") as fh:
            while block := fh.read(BLOCK):
                if b"\x00" in block:
                    raise RegisterReadError(f"{path}: binary content (NUL byte); expected a UTF-8 CSV file")
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    raise RegisterReadError(f"{path}: not UTF-8 text (byte {seen + exc.start})") from None
                non_space = non_space or bool(block.strip())
                seen += len(block)
            decoder.decode(b"", final=True)
    except FileNotFoundError:
        raise RegisterReadError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise RegisterReadError(f"{path}: not UTF-8 text (truncated character at the end)") from None
    if not non_space:
        raise RegisterReadError(f"{path}: empty file; expected a header row")


def read_text_csv(path: Path) -> pl.DataFrame:
    """Every column as text; an empty cell is null. Leading/trailing spaces are kept (validated)."""
    check_text_file(path)
    try:
        return pl.read_csv(path, infer_schema=False, empty_string_is_null=True, raise_if_empty=True)
    except Exception as exc:  # polars raises several error types for malformed CSV
        raise RegisterReadError(f"{path}: not a readable CSV file: {exc}") from None


def funding_streams(register: Path) -> dict[str, str]:
    """Every funding stream the register may use: the built-in ones (vocab.FUNDING_STREAMS) plus
    the office's own in `funding_streams.csv`, each with its description. A broken office file
    adds nothing here; validation reports it."""
    streams = dict(vocab.FUNDING_STREAMS)
    path = register / FUNDING_STREAMS_CSV
    if path.exists():
        try:
            office = read_text_csv(path)
        except RegisterReadError:
            return streams
        if set(FUNDING_STREAM_COLUMNS) <= set(office.columns):
            for name, description in office.select(FUNDING_STREAM_COLUMNS).iter_rows():
                if name and name not in streams:
                    streams[name] = description or ""
    return streams
