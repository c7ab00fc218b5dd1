"""One award's whole record: every field with its label, its publication state, the excerpt of
its source document at its locator, the other years of its commitment, the stated totals that
cover it and the basis of its theme and funding stream. Read from the database a person may see
(the public's holds no held-back award and no withheld value), so nothing here decides access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl

from pccspend import classify
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.money import NOT_STATED, gbp
from pccspend.publication import field_list, withheld

# Every field of an award, in the order a reader wants them, with its label.
FIELDS = {
    "award_id": "Award", "commitment_id": "Commitment", "area": "Area", "funder": "Funder",
    "financial_year": "Financial year", "amount_gbp": "Amount", "amount_note": "About the amount",
    "status": "Status", "mechanism": "Mechanism", "service": "Service", "description": "Description",
    "provider": "Provider", "provider_sector": "Provider sector", "recipient_org_id": "Recipient org-id",
    "theme_basis_text": "Theme, and its basis", "funding_stream_basis_text": "Funding stream, and its basis",
    "stated_theme": "Theme as its document states it", "stated_funding_stream": "Funding stream as its document states it",
    "plan_priority": "Police and crime plan priority", "decision_ref": "Decision", "decision_date": "Decision date",
    "purpose": "Purpose", "conditions": "Conditions", "crime_reduction_reasons": "Reasons it reduces crime and disorder",
    "value_for_money_reasons": "Reasons it is value for money", "contract_value_gbp": "Contract value",
    "contract_copy_url": "Copy of the contract", "source_title": "Source document", "source_id": "Source id",
    "source_locator": "Where in the document", "source_publisher": "Published by",
    "source_published_date": "Published on", "notes": "Transcription notes",
}
MONEY = ("amount_gbp", "contract_value_gbp")
EXCERPT_BEFORE, EXCERPT_AFTER = 1, 8  # lines around the one the locator points to
STATES = {"published": "Published", "redacted": "Published with some fields withheld from the public",
          "withheld": "Withheld: not published", "draft": "Draft: no publication decision yet"}


def text(column: str, value) -> str:
    """A field's value as a reader sees it: money British style, dates in words, a missing amount
    "not stated", any other missing value empty."""
    if value is None:
        return NOT_STATED if column in MONEY else ""
    if column in MONEY:
        return gbp(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, Decimal):
        return str(value)
    return value.capitalize() if column == "stated_theme" else str(value)  # themes as words, as in tables


def state_text(row: dict) -> str:
    """"Published", "Withheld: not published (personal safety)", "Published with some fields
    withheld from the public: provider, description (personal safety)"."""
    said = STATES.get(row["publication"], row["publication"])
    fields = field_list(row.get("redacted_fields"))
    if row["publication"] == "redacted" and fields:
        said += ": " + ", ".join(FIELDS.get(f, f) for f in fields)
    reason = row.get("publication_reason")
    return f"{said} ({reason})" if reason and row["publication"] in ("redacted", "withheld") else said


def fields(row: dict, *, public: bool) -> pl.DataFrame:
    """The record's fields as (field, value) text. Fields withheld from the public read "Withheld:
    <reason>" in the public's view, and carry "(withheld from the public)" in the office's."""
    hidden = set(field_list(row.get("redacted_fields"))) if row.get("publication") == "redacted" else set()
    reason = row.get("publication_reason")
    labels, values = [], []
    for column, name in FIELDS.items():
        if column not in row:
            continue
        value = text(column, row[column])
        if column in hidden:
            value = withheld(reason) if public else f"{value} (withheld from the public)"
        labels.append(name)
        values.append(value)
    return pl.DataFrame({"field": labels, "value": values}, schema={"field": pl.String, "value": pl.String})


def excerpt(lines: list[str], locator: str | None) -> tuple[int | None, list[str]]:
    """The first line the locator points to (from 1) and the lines around it; (None, []) when it
    cannot be found."""
    from pccspend.pagedata import locate  # one way of finding a locator, shared with the Sources page

    hits = locate(lines, locator or "")
    if not hits:
        return None, []
    first = max(hits[0] - 1 - EXCERPT_BEFORE, 0)
    return hits[0], lines[first:hits[0] + EXCERPT_AFTER]


def award_record(db: Database, filters: Filters, award_id: str) -> dict:
    """The record of `award_id` in this database: `award` (the row, or None when this view holds
    no such award), `fields`, `state`, `commitment` (every year), `totals` (what reconciles it),
    `excerpt` ((line, lines) of its document at its locator)."""
    found = db.query("award_record", filters, award_id=award_id)
    if found.is_empty():
        return {"award": None}
    row = classify.with_basis_text(found).row(0, named=True)
    row["stated_theme"] = found["stated_theme"][0]
    row["stated_funding_stream"] = found["stated_funding_stream"][0]
    located: tuple[int | None, list[str]] = (None, [])
    if row.get("source_file"):  # a bare file name: never a path out of the folder
        path = db.data.sources_dir / Path(row["source_file"]).name
        if path.is_file():
            located = excerpt(path.read_text(encoding="utf-8", errors="replace").splitlines(), row["source_locator"])
    return {
        "award": row,
        "fields": fields(row, public=db.public),
        "state": state_text(row),
        "commitment": db.query("award_commitment", filters, award_id=award_id) if row["commitment_id"] else None,
        "totals": db.query("award_totals", filters, award_id=award_id),
        "excerpt": located,
    }
