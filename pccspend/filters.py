"""The one filter model: what every query, page, download, snapshot and CLI command filters by."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from pccspend import vocab
from pccspend.fy import fy_start, is_financial_year

MAX_TEXT = 200  # longer free text is cut: no filter value needs more, and it bounds the work
NO_YEAR = -1  # a year bound no financial year can meet


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
            "from_fy": _fy_or_none(self.from_year),
            "to_fy": _fy_or_none(self.to_year),
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


def _fy_or_none(year: str | None) -> int | None:
    # A malformed year matches nothing rather than failing: callers that take user input
    # (CLI, URL) check years first and say what is wrong.
    if not year:
        return None
    return fy_start(year) if is_financial_year(year) else NO_YEAR


ALL = Filters()
