"""What a 360Giving grant arrived with that an award row has no column for: its own identifier,
currency and amount as stated, dates as written (a date-time stays one), planned dates and duration,
the funder's org id, the location's code, when the publisher last changed it, where they published
it and its classifications (any vocabulary, as compact JSON text). Kept in
`register/grant_details.csv`, one row per imported award (a file a person can read in a diff), and
written back unchanged on export, so a grant leaves as it came.

Amounts in another currency are kept here in that currency and never reach a GBP total.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pccspend import classifications
from pccspend.each import each
from pccspend.paths import GRANT_DETAILS_CSV

COLUMNS = ("award_id", "identifier", "currency", "amount", "award_date", "planned_start", "planned_end",
           "planned_months", "funder_org_id", "location_code", "location_code_type", "last_modified",
           "data_source", "classifications")
# Detail column -> the 360Giving field it keeps (pccspend/giving360.py FIELDS).
FROM_360 = {"identifier": "identifier", "currency": "currency", "amount": "amount_awarded",
            "award_date": "award_date", "planned_start": "planned_start", "planned_end": "planned_end",
            "planned_months": "planned_months", "funder_org_id": "funder_id", "location_code": "location_code",
            "location_code_type": "location_code_type", "last_modified": "last_modified",
            "data_source": "data_source"}
DATE_OR_TIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    text = str(value).strip()
    return text or None


def _iso(value, parsed) -> str | None:
    """A date as the file gave it when that is ISO (a date-time keeps its time), else the date read."""
    text = _text(value)
    if text and re.match(DATE_OR_TIME, text):
        return text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    return parsed.isoformat() if parsed else None


def of_grant(award_id: str, record: dict, dates: dict, classified: list[dict] = ()) -> dict:
    """The details row of one imported grant (`record`: its 360Giving fields; `dates`: the dates
    read from them, for those not written in ISO form; `classified`: its classifications, read)."""
    row = {column: _text(record.get(field)) for column, field in FROM_360.items()}
    row["classifications"] = classifications.to_text(list(classified))
    row["award_id"] = award_id
    row["currency"] = (row["currency"] or "").upper() or None
    if row["amount"] is not None:
        try:
            row["amount"] = _text(Decimal(str(record.get("amount_awarded")).replace(",", "").strip()))
        except (InvalidOperation, ValueError):
            row["amount"] = None
    for name in ("award_date", "planned_start", "planned_end", "last_modified"):
        row[name] = _iso(record.get(name), dates.get(name))
    months = row["planned_months"]
    if months and re.fullmatch(r"\d{1,3}(\.0+)?", months):
        row["planned_months"] = str(int(float(months)))
    return {c: row.get(c) for c in COLUMNS}


def _check(test, error: str) -> pa.Check:
    return pa.Check(lambda d: d.lazyframe.select(pl.col(d.key).is_null() | test(pl.col(d.key)).fill_null(False)),
                    error=error)


def _each_check(test, error: str) -> pa.Check:
    """A check by a Python test of each text, run here rather than in Polars (pccspend/each.py)."""
    def check(d):
        values = d.lazyframe.select(d.key).collect().to_series()
        return pl.LazyFrame([each(values, lambda v: v is None or test(v), pl.Boolean)])
    return pa.Check(check, error=error)


def schema(award_ids: list[str]) -> pa.DataFrameSchema:
    def col(required: bool, *checks, present: bool = True):
        return pa.Column(str, checks=list(checks), nullable=not required, required=present)

    return pa.DataFrameSchema({
        "award_id": col(True, _check(lambda c: c.is_in(award_ids), "award_id must name a row of awards.csv")),
        "identifier": col(True),
        "currency": col(False, _check(lambda c: c.str.contains(r"^[A-Z]{3}$"), "a three-letter ISO 4217 code")),
        "amount": col(False, _check(lambda c: c.str.contains(r"^\d{1,15}(\.\d+)?$"), "a plain number")),
        "award_date": col(False, _check(lambda c: c.str.contains(DATE_OR_TIME), "an ISO date or date-time")),
        "planned_start": col(False, _check(lambda c: c.str.contains(DATE_OR_TIME), "an ISO date or date-time")),
        "planned_end": col(False, _check(lambda c: c.str.contains(DATE_OR_TIME), "an ISO date or date-time")),
        "planned_months": col(False, _check(lambda c: c.str.contains(r"^\d{1,3}$"), "a whole number of months")),
        "funder_org_id": col(False),
        "location_code": col(False),
        "location_code_type": col(False),
        "last_modified": col(False, _check(lambda c: c.str.contains(DATE_OR_TIME), "an ISO date or date-time")),
        "data_source": col(False, _check(lambda c: c.str.contains(r"^https?://\S+$"), "a URL (http:// or https://)")),
        # A file written before grants kept their classifications has no such column; the next
        # import that touches it writes one.
        "classifications": col(False, _each_check(
            classifications.is_valid_text,
            "a JSON list of classifications, e.g. [{\"vocabulary\":\"UKCAT\",\"code\":\"CJ105\"}]"),
            present=False),
    }, strict=True)


def read(register: Path) -> dict[str, dict]:
    """award_id -> its details (empty when the register has none)."""
    path = register / GRANT_DETAILS_CSV
    if not path.exists():
        return {}
    from pccspend.register import read_text_csv

    return {row["award_id"]: row for row in read_text_csv(path).iter_rows(named=True)}


def amount_of(details: dict | None) -> tuple[str, Decimal] | None:
    """(currency, amount) of a grant stated in another currency than GBP, else None."""
    if not details or not details.get("amount") or (details.get("currency") or "GBP") == "GBP":
        return None
    return details["currency"], Decimal(details["amount"])


def other_currencies(details: pl.DataFrame | None, awards: pl.DataFrame) -> pl.DataFrame:
    """award_id, currency, amount of each award in `awards` stated in another currency than GBP:
    a table of its own in the build, so no GBP total can include one."""
    schema = {"award_id": pl.String, "currency": pl.String, "amount": pl.Decimal(18, 2)}
    if details is None or details.is_empty():
        return pl.DataFrame(schema=schema)
    return (details.filter(pl.col("currency").is_not_null() & (pl.col("currency") != "GBP")
                           & pl.col("amount").is_not_null())
            .join(awards.select("award_id"), on="award_id", how="semi")
            .select("award_id", "currency", pl.col("amount").cast(pl.Decimal(18, 2)))
            .sort("award_id"))
