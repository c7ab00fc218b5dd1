"""The dashboard's view state in the URL: filters <-> query parameters, and the chips that show them.

A copied link must reproduce the view, and a hand-edited or stale link must never break a page:
every value is checked (pccspend/filters.py `parse` and `check`, the same rules as the CLI), and
anything unknown or malformed is dropped with a sentence saying so. The URL keys are each filter's
`Spec.url`. No Streamlit here, so the rules are tested directly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pccspend import vocab
from pccspend.filters import FILTERS, LIST, TOGGLE, YEARS, AMOUNT, TEXT, Filters, Problem, check, parse

URL_NAMES = {field: key for spec in FILTERS for field, key in zip(spec.fields, spec.url)}
FILTER_KEYS = frozenset(URL_NAMES.values())
# Per-page view settings (drill path, stacking, top N, ...): each page checks its own values.
VIEW_KEYS = frozenset({"drill", "stack", "top", "profile", "measure", "doc", "at", "award"})


def from_query(params: Mapping[str, Sequence[str] | str], options: Mapping[str, set[str]],
               may: Callable[[str], bool] = lambda _action: True) -> tuple[Filters, list[str]]:
    """The filters a link asks for, and a warning for each part of it that was ignored.

    `params` maps each URL key to its values (repeated keys give several); `options` is
    `pccspend.filters.filter_options(db)`: the values each filter can take; `may(action)`: whether
    the person may set a filter that needs `action` (one they may not is dropped, with a notice)."""
    unknown = [Problem(repr(key if len(key) <= 60 else key[:60] + "..."), "not a setting this dashboard knows")
               for key in params if key not in FILTER_KEYS and key not in VIEW_KEYS]
    fields, problems = parse(params, URL_NAMES)
    filters, missing = check(Filters(**fields), options)
    refused = []
    for spec in FILTERS:
        if filters.is_active(spec) and not may(spec.needs):
            filters = filters.replace(**{f: getattr(Filters(), f) for f in spec.fields})
            refused.append(Problem(repr(spec.url[0]), "this view shows published awards only"))
    return filters, [p.link() for p in unknown + missing + problems + refused]


def _amount_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _is_default_statuses(values) -> bool:
    return sorted(values) == sorted(vocab.DEFAULT_STATUSES)


def to_query(filters: Filters) -> dict[str, list[str]]:
    """The URL query parameters of a filter state (defaults left out, so links stay short)."""
    params: dict[str, list[str]] = {}
    for spec in FILTERS:
        for field, key in zip(spec.fields, spec.url):
            value = getattr(filters, field)
            if spec.kind == LIST:
                if value and not (field == "statuses" and _is_default_statuses(value)):
                    params[key] = list(value)
            elif spec.kind == TOGGLE:
                if value:
                    params[key] = ["1"]
            elif value not in (None, ""):
                params[key] = [_amount_text(value) if spec.kind == AMOUNT else str(value)]
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


def value_label(spec_name: str, value: str) -> str:
    """How a filter's value reads in a chip or a picker: themes capitalised, statuses in words."""
    if spec_name == "theme" and value in vocab.THEMES:
        return value.capitalize()
    if spec_name == "status":
        return value.replace("_", " ")
    return value


# How an active filter without values of its own reads as a chip.
TOGGLE_CHIPS = {"include_extensions": "Including optional extensions", "include_unpublished": "Showing unpublished rows"}


def chips(filters: Filters) -> list[Chip]:
    """Every active filter as a removable chip, in sidebar order (years first)."""
    out: list[Chip] = []
    for spec in sorted(FILTERS, key=lambda s: s.kind != YEARS):
        if not filters.is_active(spec):
            continue
        if spec.kind == LIST:
            (field,) = spec.fields
            chosen = getattr(filters, field)
            if field == "statuses" and _is_default_statuses(chosen):
                continue
            for value in chosen:
                rest = tuple(v for v in chosen if v != value)
                out.append(Chip(f"{spec.label}: {value_label(spec.name, value)}", filters.replace(**{field: rest})))
        elif spec.kind == TOGGLE:
            out.append(Chip(TOGGLE_CHIPS.get(spec.name, spec.label), filters.replace(**{spec.fields[0]: False})))
        elif spec.kind == TEXT:
            out.append(Chip(f"{spec.label}: {getattr(filters, spec.fields[0])}", filters.replace(**{spec.fields[0]: ""})))
        elif spec.kind == YEARS:
            low, high = (getattr(filters, f) for f in spec.fields)
            text = f"Year: {low}" if low == high else f"Years: {low or 'first'} to {high or 'last'}"
            out.append(Chip(text, filters.replace(**dict.fromkeys(spec.fields))))
        elif spec.kind == AMOUNT:
            for field, words in zip(spec.fields, ("At least", "At most")):
                value = getattr(filters, field)
                if value is not None:
                    out.append(Chip(f"{words} £{value:,}", filters.replace(**{field: None})))
    return out
