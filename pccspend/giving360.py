"""The 360Giving Data Standard: its flat column titles and JSON fields, read and written.

Field names follow the standard's schema (ThreeSixtyGiving/standard, schema/360-giving-schema.json
and the flat "titles" form, e.g. `Recipient Org:Name` for `recipientOrganization[0].name`).
Required by the standard: id, title, description, currency, amountAwarded, awardDate,
recipientOrganization (id, name), fundingOrganization (id, name).

An award's theme travels as a classification (pccspend/classifications.py), with any the grant
arrived with. Register columns the standard has no field for travel in `pccspend:*` columns (JSON: a
`pccspend` object). Publishers may add their own fields; tools that do not know them ignore
them, and our importer reads them back, so an export re-imports without loss.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pccspend import classifications

# Our name for a grant field -> (flat column title, JSON path). Order = export column order.
FIELDS: dict[str, tuple[str, tuple]] = {
    "identifier": ("Identifier", ("id",)),
    "title": ("Title", ("title",)),
    "description": ("Description", ("description",)),
    "currency": ("Currency", ("currency",)),
    "amount_awarded": ("Amount Awarded", ("amountAwarded",)),
    "award_date": ("Award Date", ("awardDate",)),
    "planned_start": ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    "planned_end": ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    "planned_months": ("Planned Dates:Duration (months)", ("plannedDates", 0, "duration")),
    "recipient_id": ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    "recipient_name": ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    "recipient_charity": ("Recipient Org:Charity Number", ("recipientOrganization", 0, "charityNumber")),
    "recipient_company": ("Recipient Org:Company Number", ("recipientOrganization", 0, "companyNumber")),
    "location_name": ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    "location_country": ("Beneficiary Location:Country Code", ("beneficiaryLocation", 0, "countryCode")),
    "location_code": ("Beneficiary Location:Geographic Code", ("beneficiaryLocation", 0, "geoCode")),
    "location_code_type": ("Beneficiary Location:Geographic Code Type", ("beneficiaryLocation", 0, "geoCodeType")),
    "funder_id": ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    "funder_name": ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    "programme_code": ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    "programme_title": ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    "last_modified": ("Last Modified", ("dateModified",)),
    "data_source": ("Data Source", ("dataSource",)),
}

# Register column -> (flat column title, key in the grant's `pccspend` object).
EXTENSION: dict[str, tuple[str, str]] = {
    "award_id": ("pccspend:Award ID", "awardId"),
    "commitment_id": ("pccspend:Commitment ID", "commitmentId"),
    "theme": ("pccspend:Theme", "theme"),
    "plan_priority": ("pccspend:Plan Priority", "planPriority"),
    "provider_sector": ("pccspend:Provider Sector", "providerSector"),
    "amount_note": ("pccspend:Amount Note", "amountNote"),
    "mechanism": ("pccspend:Mechanism", "mechanism"),
    "status": ("pccspend:Status", "status"),
    "decision_ref": ("pccspend:Decision Ref", "decisionRef"),
    "decision_date": ("pccspend:Decision Date", "decisionDate"),
    "notes": ("pccspend:Notes", "notes"),
}
# Written for readers (where the award was found); an import records its own file instead.
EXPORT_ONLY: dict[str, tuple[str, str]] = {
    "source_title": ("pccspend:Source", "source"),
    "source_locator": ("pccspend:Source Locator", "sourceLocator"),
}
EXTENSION_KEY = "pccspend"

# Without these an imported row cannot become an award.
REQUIRED = ("identifier", "title", "currency", "amount_awarded", "award_date", "funder_name")

DEFAULT_PREFIX = "360G-pccspend-"
PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


def is_360_field(field: str) -> bool:
    return field in FIELDS or field in EXTENSION or field in EXPORT_ONLY


def flat_title(field: str) -> str:
    if field in FIELDS:
        return FIELDS[field][0]
    return {**EXTENSION, **EXPORT_ONLY}[field][0]


def json_label(field: str) -> str:
    """`recipientOrganization[0].name` for a field's JSON path (what a rejection names)."""
    if field in FIELDS:
        path = FIELDS[field][1]
    else:
        path = (EXTENSION_KEY, {**EXTENSION, **EXPORT_ONLY}[field][1])
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def title_key(title: str) -> str:
    """A column title as 360Giving's tools compare them: case aside, spaces around `:` and runs of
    spaces ignored (`Grant Programme: Title` is `Grant Programme:Title`)."""
    return re.sub(r"\s+", " ", re.sub(r"\s*:\s*", ":", str(title).strip())).casefold()


def flat_fields(header: list[str]) -> dict[str, int]:
    """Field -> column index, matching the standard's titles as its tools do (`title_key`);
    classification columns as `classifications/<n>/<key>`."""
    wanted = {title_key(title): field for field, (title, _) in FIELDS.items()}
    wanted |= {title_key(title): col for col, (title, _) in EXTENSION.items()}
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        field = wanted.get(title_key(name)) or classifications.flat_field(name)
        if field and field not in found:
            found[field] = i
    return found


def looks_like_360(header: list[str]) -> bool:
    """An `Identifier` column and at least two more of the standard's titles."""
    names = {title_key(h) for h in header}
    known = {title_key(title) for title, _ in FIELDS.values()}
    return "identifier" in names and len(names & known) >= 3


def _dig(obj, path: tuple):
    for part in path:
        if isinstance(part, int):
            if isinstance(obj, dict):  # some publishers give one object where a list is due
                continue
            if not isinstance(obj, list) or len(obj) <= part:
                return None
        elif not isinstance(obj, dict):
            return None
        obj = obj[part] if isinstance(part, int) else obj.get(part)
    return obj


def json_record(grant: dict) -> dict:
    """A JSON grant as {field: value}, with its classifications and the `pccspend` extension fields
    when present."""
    record = {field: _dig(grant, path) for field, (_, path) in FIELDS.items()}
    if classifications.FIELD in grant:
        record[classifications.FIELD] = grant[classifications.FIELD]
    extension = grant.get(EXTENSION_KEY)
    if isinstance(extension, dict):
        for col, (_, key) in EXTENSION.items():
            if key in extension:
                record[col] = extension[key]
    return record


def slug(text: str) -> str:
    """`cambridgeshire-constabulary` for an organisation identifier without a registered number."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "unnamed"


def grant_id(award_id: str, prefix: str) -> str:
    """The grant's 360Giving identifier: an award imported from 360Giving keeps the one it came with
    (a second prefix would make GrantNav show the grant twice); one born in the register gets the
    office's prefix."""
    return award_id if award_id.casefold().startswith("360g-") else prefix + award_id


def date_time(text: str) -> str:
    """Last Modified as the schema's date-time, which needs a time zone: a date, or a date-time
    without a zone (as written in the file), is taken as UTC."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text}T00:00:00Z"
    if not re.search(r"(Z|[+-]\d{2}:?\d{2})$", text):
        return f"{text}Z"
    return text


def grant_of_award(award: dict, prefix: str, award_date: dt.date, details: dict | None = None) -> dict:
    """One published award as a 360Giving grant (JSON form).

    An award imported from 360Giving leaves as it came (`details`: its grant_details.csv row): its
    identifier, currency and amount, dates as written, planned dates and duration, funder org id,
    location code, last modified, data source and classifications (after the theme's). Otherwise
    the row is one financial year of an award, so its planned dates are that year (1 April to 31
    March), and its award date is the decision date, else the date of the document recording it.
    """
    d = details or {}
    start = dt.date(int(award["financial_year"][:4]), 4, 1)
    foreign = d.get("amount") and (d.get("currency") or "GBP") != "GBP"
    planned = {key: d[col] for key, col in (("startDate", "planned_start"), ("endDate", "planned_end"))
               if d.get(col)}
    if d.get("planned_months"):
        planned["duration"] = int(d["planned_months"])
    grant: dict = {
        "id": d.get("identifier") or grant_id(award["award_id"], prefix),
        "title": award["service"],
        # Required by the standard; an award described only by its title repeats the title.
        "description": award["description"] or award["service"],
        "currency": d["currency"] if foreign else "GBP",
        # Decimal; written as a JSON number
        "amountAwarded": Decimal(d["amount"]) if foreign else award["amount_gbp"],
        "awardDate": d.get("award_date") or award_date.isoformat(),
        "plannedDates": [planned] if details else
        [{"startDate": start.isoformat(), "endDate": dt.date(start.year + 1, 3, 31).isoformat()}],
        "recipientOrganization": [{"id": award.get("recipient_org_id") or f"{prefix}org-{slug(award['provider'])}",
                                   "name": award["provider"]}],
        "beneficiaryLocation": [{"name": award["area"], "countryCode": "GB"}],
        "fundingOrganization": [{"id": d.get("funder_org_id") or f"{prefix}org-{slug(award['funder'])}",
                                 "name": award["funder"]}],
    }
    if not grant["plannedDates"][0]:
        del grant["plannedDates"]
    if d.get("location_code"):
        grant["beneficiaryLocation"][0]["geoCode"] = d["location_code"]
        if d.get("location_code_type"):
            grant["beneficiaryLocation"][0]["geoCodeType"] = d["location_code_type"]
    if d.get("last_modified"):
        grant["dateModified"] = date_time(d["last_modified"])
    if d.get("data_source"):
        grant["dataSource"] = d["data_source"]
    if award.get("funding_stream"):
        grant["grantProgramme"] = [{"title": award["funding_stream"]}]
    kept = classifications.from_text(d.get("classifications"))
    if items := classifications.merged(classifications.of_theme(award.get("theme")), kept):
        grant["classifications"] = items
    extension = {}
    for col, (_, key) in {**EXTENSION, **EXPORT_ONLY}.items():
        value = award.get(col)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value is not None and value != "":
            extension[key] = value
    grant[EXTENSION_KEY] = extension
    return grant


# The grant fields an export fills, in column order.
EXPORT_FIELDS = (
    "identifier", "title", "description", "currency", "amount_awarded", "award_date", "planned_start",
    "planned_end", "planned_months", "recipient_id", "recipient_name", "location_name", "location_country",
    "location_code", "location_code_type", "funder_id", "funder_name", "programme_title", "last_modified",
    "data_source",
)


def flat_columns(layout: list[tuple[int, str]] | None = None) -> list[str]:
    """The column titles of a flat (CSV/XLSX) export, in order (`layout`: its classification
    columns, classifications.flat_layout; by default those of the theme and its UKCAT code)."""
    layout = classifications.flat_layout([]) if layout is None else layout
    return ([FIELDS[f][0] for f in EXPORT_FIELDS] + [classifications.flat_title(n, k) for n, k in layout]
            + [t for t, _ in (*EXTENSION.values(), *EXPORT_ONLY.values())])


def flat_row(grant: dict, layout: list[tuple[int, str]] | None = None) -> dict:
    """A JSON grant as one flat row {column title: value} (what flattening by titles gives)."""
    layout = classifications.flat_layout([]) if layout is None else layout
    row = {FIELDS[f][0]: _dig(grant, FIELDS[f][1]) for f in EXPORT_FIELDS}
    row |= classifications.flat_cells(grant, layout)
    extension = grant.get(EXTENSION_KEY, {})
    row |= {title: extension.get(key) for title, key in (*EXTENSION.values(), *EXPORT_ONLY.values())}
    return row
