"""The one filter model: what every query, page, download, snapshot and CLI command filters by."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from pccspend import vocab
from pccspend.fy import fy_start, is_financial_year

MAX_TEXT = 200  # longer free text is cut: no filter value needs more, and it bounds the work


@dataclass(frozen=True)
class Filters:
    """A filter state. Empty tuples mean "all"; year bounds are "2017/18" strings or None."""

    areas: tuple[str, ...] = ()
    from_year: str | None = None
    to_year: str | None = None
    themes: tuple[str, ...] = ()
    funding_streams: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    mechanisms: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    include_extensions: bool = False
    include_unpublished: bool = False
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    search: str = ""

    def effective_statuses(self) -> list[str]:
        """Statuses that count: those chosen (default: awarded, committed, planned), plus
        optional extensions only when asked for."""
        chosen = [s for s in (self.statuses or vocab.DEFAULT_STATUSES) if s != "optional_extension"]
        if self.include_extensions or "optional_extension" in self.statuses:
            chosen.append("optional_extension")
        return chosen

    def params(self) -> dict:
        """The `$name` parameters of `filtered_awards`, values bound as values (lists as lists)."""
        return {
            "areas": list(self.areas),
            "from_fy": _fy_or_none(self.from_year, never=9999),
            "to_fy": _fy_or_none(self.to_year, never=-1),
            "themes": list(self.themes),
            "funding_streams": list(self.funding_streams),
            "providers": list(self.providers),
            "mechanisms": list(self.mechanisms),
            "statuses": self.effective_statuses(),
            "min_amount": self.min_amount,
            "max_amount": self.max_amount,
            "search": (self.search or "")[:MAX_TEXT],
            "include_unpublished": bool(self.include_unpublished),
        }

    def replace(self, **changes) -> "Filters":
        return dataclasses.replace(self, **changes)

    def public(self) -> "Filters":
        """The same filters as the public may see them: published rows only, whatever was asked."""
        return self.replace(include_unpublished=False)


def _fy_or_none(year: str | None, never: int) -> int | None:
    # A malformed year bound matches nothing rather than failing (`never` is a bound no year
    # meets): callers that take user input (CLI, URL) check years first and say what is wrong.
    if not year:
        return None
    return fy_start(year) if is_financial_year(year) else never


ALL = Filters()


def unknown_values(filters: Filters, options: dict[str, set[str]]) -> list[str]:
    """What in `filters` names nothing that exists, one sentence each (empty: all known).

    `options` maps filter name (area, theme, funding_stream, provider, mechanism, status) to the
    values that exist; the query layer itself never needs this (an unknown value matches no rows),
    but people typing values (CLI, URL) deserve to be told."""
    problems = []
    for name, values in (
        ("area", filters.areas),
        ("theme", filters.themes),
        ("funding_stream", filters.funding_streams),
        ("provider", filters.providers),
        ("mechanism", filters.mechanisms),
        ("status", filters.statuses),
    ):
        known = options.get(name, set())
        for value in values:
            if value not in known:
                shown = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
                problems.append(f"unknown {name} {value!r} (known: {shown})")
    for name, year in (("year", filters.from_year), ("year", filters.to_year)):
        if year and not is_financial_year(year):
            problems.append(f"{name} {year!r} is not a financial year like 2017/18")
    if filters.from_year and filters.to_year and is_financial_year(filters.from_year) \
            and is_financial_year(filters.to_year) and filters.from_year > filters.to_year:
        problems.append(f"from-year {filters.from_year} is after to-year {filters.to_year}")
    return problems


def filter_options(db) -> dict[str, set[str]]:
    """Every value each filter can take, from the whole register (see queries/filter_options.sql)."""
    options: dict[str, set[str]] = {"status": set(vocab.STATUSES)}
    for name, value in db.query("filter_options").iter_rows():
        options.setdefault(name, set()).add(value)
    options["theme"] = options.get("theme", set()) | set(vocab.THEMES)
    options["mechanism"] = options.get("mechanism", set()) | set(vocab.MECHANISMS)
    options["funding_stream"] = options.get("funding_stream", set()) | set(vocab.FUNDING_STREAMS)
    return options
