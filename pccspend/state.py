"""The dashboard's view state in the URL: filters <-> query parameters, and the chips that show them.

A copied link must reproduce the view, and a hand-edited or stale link must never break a page:
every value is checked, and anything unknown or malformed is dropped with a sentence saying so.
No Streamlit here, so the rules are tested directly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pccspend import vocab
from pccspend.filters import MAX_TEXT, Filters
from pccspend.fy import is_financial_year

# URL key -> Filters field, for the filters that take several values (repeated keys: ?theme=a&theme=b).
MULTI = {
    "area": ("areas", "area"),
    "theme": ("themes", "theme"),
    "stream": ("funding_streams", "funding_stream"),
    "provider": ("providers", "provider"),
    "mechanism": ("mechanisms", "mechanism"),
    "status": ("statuses", "status"),
}
FLAGS = {"ext": "include_extensions", "unpublished": "include_unpublished"}
FILTER_KEYS = frozenset([*MULTI, *FLAGS, "from", "to", "min", "max", "q"])
# Per-page view settings (drill path, stacking, top N, ...): each page checks its own values.
VIEW_KEYS = frozenset({"drill", "stack", "top", "profile", "measure", "doc", "at"})
MAX_VALUES = 200  # more values than any filter has: the rest of a longer list is dropped
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
NAMES = {"area": "area", "theme": "theme", "stream": "funding stream", "provider": "provider",
         "mechanism": "mechanism", "status": "status"}


def _short(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[:width] + "...")


def _money(key: str, raw: str, warnings: list[str]) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > Decimal("1e12"):
        warnings.append(f"Ignored {key}={_short(raw)} in the link: not an amount in pounds.")
        return None
    return value


def from_query(params: Mapping[str, Sequence[str] | str], options: Mapping[str, set[str]]) -> tuple[Filters, list[str]]:
    """The filters a link asks for, and a warning for each part of it that was ignored.

    `params` maps each URL key to its values (repeated keys give several); `options` is
    `pccspend.filters.filter_options(db)`: the values each filter can take."""
    warnings: list[str] = []
    values = {k: ([v] if isinstance(v, str) else list(v)) for k, v in params.items()}
    fields: dict = {}
    for key, raw_values in values.items():
        if key not in FILTER_KEYS and key not in VIEW_KEYS:
            warnings.append(f"Ignored {_short(key)} in the link: not a setting this dashboard knows.")
    for key, (field, option) in MULTI.items():
        known = options.get(option, set())
        chosen: list[str] = []
        for raw in values.get(key, [])[:MAX_VALUES]:
            if raw in known:
                if raw not in chosen:
                    chosen.append(raw)
            elif raw:
                warnings.append(f"Ignored {NAMES[key]} {_short(raw)} in the link: there is no such {NAMES[key]}.")
        if len(values.get(key, [])) > MAX_VALUES:
            warnings.append(f"Ignored all but the first {MAX_VALUES} values of {key} in the link.")
        if chosen:
            fields[field] = tuple(chosen)
    for key, field in FLAGS.items():
        raw = (values.get(key) or [""])[-1].lower()
        if raw in TRUE:
            fields[field] = True
        elif raw and raw not in FALSE:
            warnings.append(f"Ignored {key}={_short(raw)} in the link: use 1 or 0.")
    years = {}
    for key in ("from", "to"):
        raw = (values.get(key) or [""])[-1]
        if raw and is_financial_year(raw):
            years[key] = raw
        elif raw:
            warnings.append(f"Ignored {key}={_short(raw)} in the link: not a financial year like 2017/18.")
    if "from" in years and "to" in years and years["from"] > years["to"]:
        warnings.append(f"Ignored the years in the link: {years['from']} is after {years['to']}.")
        years = {}
    fields["from_year"], fields["to_year"] = years.get("from"), years.get("to")
    amounts = {}
    for key in ("min", "max"):
        raw = (values.get(key) or [""])[-1]
        if raw:
            amount = _money(key, raw, warnings)
            if amount is not None:
                amounts[key] = amount
    if "min" in amounts and "max" in amounts and amounts["min"] > amounts["max"]:
        warnings.append("Ignored the amounts in the link: the minimum is above the maximum.")
        amounts = {}
    fields["min_amount"], fields["max_amount"] = amounts.get("min"), amounts.get("max")
    search = (values.get("q") or [""])[-1]
    if len(search) > MAX_TEXT:
        warnings.append(f"Cut the search text in the link to its first {MAX_TEXT} characters.")
        search = search[:MAX_TEXT]
    fields["search"] = search.strip()
    return Filters(**fields), warnings


def _amount_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def to_query(filters: Filters) -> dict[str, list[str]]:
    """The URL query parameters of a filter state (defaults left out, so links stay short)."""
    params: dict[str, list[str]] = {}
    for key, (field, _) in MULTI.items():
        chosen = list(getattr(filters, field))
        if key == "status" and sorted(chosen) == sorted(vocab.DEFAULT_STATUSES):
            chosen = []
        if chosen:
            params[key] = chosen
    for key, field in FLAGS.items():
        if getattr(filters, field):
            params[key] = ["1"]
    if filters.from_year:
        params["from"] = [filters.from_year]
    if filters.to_year:
        params["to"] = [filters.to_year]
    if filters.min_amount is not None:
        params["min"] = [_amount_text(filters.min_amount)]
    if filters.max_amount is not None:
        params["max"] = [_amount_text(filters.max_amount)]
    if filters.search:
        params["q"] = [filters.search]
    return params


def token(filters: Filters) -> str:
    """A short fingerprint of a filter state (chart widget keys change with it)."""
    text = repr(sorted(to_query(filters).items()))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Chip:
    """One active filter as the user sees it, and the filters once it is removed."""

    label: str
    without: Filters


def _value_label(key: str, value: str) -> str:
    if key == "theme" and value in vocab.THEMES:
        return value.capitalize()
    if key == "status":
        return value.replace("_", " ")
    return value


def chips(filters: Filters) -> list[Chip]:
    """Every active filter as a removable chip, in sidebar order."""
    out: list[Chip] = []
    names = {"area": "Area", "theme": "Theme", "stream": "Funding stream", "provider": "Provider",
             "mechanism": "Mechanism", "status": "Status"}
    if filters.from_year or filters.to_year:
        if filters.from_year == filters.to_year:
            text = f"Year: {filters.from_year}"
        else:
            text = f"Years: {filters.from_year or 'first'} to {filters.to_year or 'last'}"
        out.append(Chip(text, filters.replace(from_year=None, to_year=None)))
    for key, (field, _) in MULTI.items():
        chosen = getattr(filters, field)
        if key == "status" and sorted(chosen) == sorted(vocab.DEFAULT_STATUSES):
            continue
        for value in chosen:
            rest = tuple(v for v in chosen if v != value)
            out.append(Chip(f"{names[key]}: {_value_label(key, value)}", filters.replace(**{field: rest})))
    if filters.include_extensions:
        out.append(Chip("Including optional extensions", filters.replace(include_extensions=False)))
    if filters.include_unpublished:
        out.append(Chip("Showing unpublished rows", filters.replace(include_unpublished=False)))
    if filters.min_amount is not None:
        out.append(Chip(f"At least £{filters.min_amount:,}", filters.replace(min_amount=None)))
    if filters.max_amount is not None:
        out.append(Chip(f"At most £{filters.max_amount:,}", filters.replace(max_amount=None)))
    if filters.search:
        out.append(Chip(f"Search: {filters.search}", filters.replace(search="")))
    return out
