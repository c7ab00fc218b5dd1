"""Exporting published awards: 360Giving CSV, JSON or XLSX, or the register's own layout as XLSX.

Rows come through the query layer (`awards`) with the public filter, so an export never holds an
unpublished row. Text that a spreadsheet would run as a formula is neutralised in every format.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from pccspend.atomic import write_bytes
from pccspend.classifications import flat_layout
from pccspend.classify import as_stated
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend import grant_details
from pccspend.giving360 import DEFAULT_PREFIX, PREFIX_RE, flat_columns, flat_row, grant_of_award
from pccspend.tabular import neutralise, to_csv_bytes, to_xlsx_bytes

FORMATS = {
    "360giving-csv": "360Giving flat CSV (the standard's column titles)",
    "360giving-json": '360Giving JSON package ({"grants": [...]})',
    "360giving-xlsx": "360Giving flat XLSX (sheet `grants`)",
    "xlsx": "the register's own layout as XLSX (importable back with `import`)",
}
PREFIX_ENV = "PCCSPEND_360_PREFIX"
NO_AMOUNT = "no amount stated: the standard requires Amount Awarded and we never write 0"
NO_RECIPIENT = "no recipient named: the standard requires a Recipient Org"


@dataclass
class Export:
    """An export's bytes, how many awards it holds, and the awards left out with why."""

    content: bytes
    rows: int
    omitted: list[tuple[str, str]] = field(default_factory=list)


def default_prefix() -> str:
    """The 360Giving identifier prefix: $PCCSPEND_360_PREFIX, else ours."""
    return os.environ.get(PREFIX_ENV) or DEFAULT_PREFIX


def check_prefix(prefix: str) -> str:
    """A prefix is your 360Giving prefix plus a dash (e.g. `360G-examplepcc-`)."""
    if not PREFIX_RE.match(prefix or "") or not prefix.endswith("-"):
        raise ValueError(f"identifier prefix {prefix!r} must be letters, digits and . _ / - ending in '-', "
                         "e.g. 360G-examplepcc-")
    return prefix


def published_awards(db: Database, filters: Filters) -> pl.DataFrame:
    """The awards a filter selects, from the public's view of the build (published rows, withheld
    fields replaced) whatever the filter says, in the register's terms (themes as stated)."""
    return as_stated(db.public_view().query("awards", filters.public()))


def grants(db: Database, filters: Filters, prefix: str) -> tuple[list[dict], list[tuple[str, str]]]:
    """Published awards as 360Giving grants, and the awards the standard cannot hold."""
    awards = published_awards(db, filters)
    # An award without a decision date is dated by the document that records it.
    sources = pl.read_parquet(db.public_view().build_path / "sources.parquet", columns=["source_id", "published_date"])
    dated = dict(sources.iter_rows())
    # What imported grants arrived with, written back as it came; not for a part-redacted award,
    # whose withheld fields its details could give away.
    kept = grant_details.read(db.data.register)
    out, omitted = [], []
    for award in awards.iter_rows(named=True):
        details = kept.get(award["award_id"]) if award.get("publication", "published") == "published" else None
        if award["amount_gbp"] is None and not grant_details.amount_of(details):
            omitted.append((award["award_id"], NO_AMOUNT))
        elif not award["provider"]:
            omitted.append((award["award_id"], NO_RECIPIENT))
        else:
            day = award["decision_date"] or dated[award["source_id"]]
            out.append(grant_of_award(award, prefix, day, details))
    return out, omitted


def _safe(value):
    """Strings with formula guards, all the way down."""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value


def _json_default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def grants_frame(items: list[dict]) -> pl.DataFrame:
    """Grants as flat rows under the standard's column titles (amounts stay numbers), with as many
    classification columns as the grants need."""
    layout = flat_layout(items)
    numbers = {"Amount Awarded": pl.Decimal(18, 2), "Planned Dates:Duration (months)": pl.Int64}
    schema = {title: pl.String for title in flat_columns(layout)} | numbers
    return pl.DataFrame([flat_row(g, layout) for g in items], schema=schema, orient="row")


def export_bytes(db: Database, filters: Filters, fmt: str, prefix: str | None = None) -> Export:
    """One export in `fmt` (see FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        awards = published_awards(db, filters)
        return Export(to_xlsx_bytes(awards, sheet="awards"), awards.height)
    items, omitted = grants(db, filters, check_prefix(prefix or default_prefix()))
    if fmt == "360giving-json":
        package = {"grants": _safe(items)}
        text = json.dumps(package, ensure_ascii=False, indent=1, default=_json_default) + "\n"
        return Export(text.encode("utf-8"), len(items), omitted)
    frame = grants_frame(items)
    content = to_csv_bytes(frame) if fmt == "360giving-csv" else to_xlsx_bytes(frame, sheet="grants")
    return Export(content, len(items), omitted)


def export_file(db: Database, filters: Filters, fmt: str, out: Path, prefix: str | None = None) -> Export:
    """Write an export to `out` atomically (a reader never sees half a file)."""
    result = export_bytes(db, filters, fmt, prefix)
    write_bytes(Path(out), result.content)
    return result
