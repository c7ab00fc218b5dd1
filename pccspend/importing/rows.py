"""One row of an imported file as an award row, and the register's rules for a single row.

`_from_360` converts a 360Giving grant, `_from_register` a row in the register's own layout (an
office's spreadsheet); `_award_rules` checks the result and `_label` names a column as the file
names it. `Noted` counts the rows that share a remark in the report (no theme, not GBP, ...).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pccspend import classifications, grant_details, vocab
from pccspend.fy import fy_of_date, is_financial_year
from pccspend.giving360 import REQUIRED
from pccspend.mapping import lookup
from pccspend.cells import UK_DATE, NotScalar, clean, parse_amount, parse_date, parse_moment
from pccspend.reading import Table
from pccspend.register import AWARD_COLUMNS
from pccspend.validate import ID_RE, ORG_ID_RE

MAX_LISTED = 200  # rejections and examples kept for the report; counts are always complete
DETAILS = "_details"  # an award row's key for its grant_details.csv row (taken off before it is written)

# Registered identifiers that say what kind of body a recipient is (org-id.guide lists).
SECTOR_PREFIXES = {
    "voluntary sector": ("GB-CHC-", "GB-SC-", "GB-NIC-"),
    "local authority": ("GB-LAE-", "GB-LAS-", "GB-LANI-", "GB-PLA-"),
    "health": ("GB-NHS-",),
}


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
    t = _texts(record, errs, [k for k in record if not classifications.is_field(k)])
    classified, class_errs = classifications.read(record, clean)
    errs += class_errs
    for name in REQUIRED:
        if t.get(name) is None and not any(e[0] == name for e in errs):
            errs.append((name, None, "required: must not be empty"))
    award = dict.fromkeys(AWARD_COLUMNS)
    identifier = t.get("identifier")
    if identifier and re.search(r"\s", identifier):  # the standard puts no pattern on identifiers
        identifier = re.sub(r"\s+", "", identifier)
        notes["identifier_space"].add(row)
    award["award_id"] = t.get("award_id") or identifier
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
    foreign = f"{amount} {currency} awarded: not GBP, so not counted in GBP totals"
    if amount is not None and currency and currency != "GBP":
        if foreign not in (t.get("amount_note") or ""):  # our own export carries the note already
            amount_notes.insert(0, foreign)
        notes["other_currency"].add(row)
        amount = None
    award["amount_gbp"] = None if amount is None else str(amount)

    dates = {}
    uk = ambiguous = False
    for name in ("award_date", "planned_start", "planned_end", "last_modified"):
        try:
            moment = parse_moment(record.get(name))
            # A date-time keeps its time in grant_details.csv; the award row needs only the day.
            dates[name] = moment if name == "last_modified" or not isinstance(moment, dt.datetime) else moment.date()
        except ValueError as exc:
            errs.append((name, t.get(name), str(exc)))
        if isinstance(record.get(name), str) and (m := UK_DATE.match(record[name].strip())):
            uk = True
            ambiguous |= int(m.group(1)) <= 12 and int(m.group(2)) <= 12 and int(m.group(1)) != int(m.group(2))
    if uk:
        notes["uk_date"].add(row)
    if ambiguous:
        notes["ambiguous_date"].add(row)
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
        planned = (f"planned {start} to {end} ({fy_of_date(start)} to {fy_of_date(end)}); "
                   f"the whole amount is recorded in {fy_of_date(start)}")
        if planned not in (t.get("amount_note") or ""):
            amount_notes.append(planned)
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
    # A theme only as the file states it (a pccspend:theme classification or our pccspend:Theme
    # column): the office's theme rules apply at build time, so the register keeps what the
    # documents say apart from the office's classification.
    award["theme"] = _theme(classified, t.get("theme"), errs)
    if award["provider"]:
        award["provider_sector"] = (
            t.get("provider_sector")
            or _rule_value(ctx.rules, "provider_sector", award)
            or _sector_of(t.get("recipient_id"), t.get("recipient_charity"))
        )
        if not award["provider_sector"]:
            award["provider_sector"] = "other"
            notes["sector_other"].add(row)
    else:
        award["provider_sector"] = t.get("provider_sector")
    recipient = t.get("recipient_id")
    if recipient and re.match(ORG_ID_RE, recipient):  # an org-id (GB-CHC-...) or the publisher's 360G- id, kept
        award["recipient_org_id"] = recipient
    if award["award_id"] and t.get("identifier"):  # what the grant arrived with, written back on export
        arrived = {**record, "identifier": t.get("identifier")}
        kept = [item for item, _ in classified]
        award[DETAILS] = grant_details.of_grant(award["award_id"], arrived, dates, kept)
    return award, errs


def _theme(classified: list, stated: str | None, errs: list) -> str | None:
    """The theme a grant states: its pccspend:theme classification, else our pccspend:Theme field
    (both win over import_mapping.csv rules); when both are there they must agree."""
    found, theme_errs = classifications.theme_of(classified)
    errs += theme_errs
    if not found:
        return stated
    theme, field = found
    if stated and stated != theme:
        errs.append((field, theme, f"the {classifications.THEME_VOCABULARY} classification says "
                                   f"{theme!r} but pccspend:Theme (JSON: pccspend.theme) says {stated!r}: "
                                   "they must agree"))
    return theme


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
    if award["provider"] and not award["provider_sector"]:
        award["provider_sector"] = _rule_value(ctx.rules, "provider_sector", award)
    return award, errs


def _rule_value(rules: list, what: str, award: dict) -> str | None:
    rule = lookup(rules, what, award)
    return getattr(rule, what) if rule else None


def _award_rules(award: dict, streams) -> list[tuple[str, object, str]]:
    """The register's rules for one row (the staged register is validated again as a whole)."""
    errs = []
    for col in ("award_id", "area", "funder", "financial_year", "service", "mechanism", "status"):
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
                         ("provider_sector", vocab.PROVIDER_SECTORS), ("funding_stream", streams)):
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
