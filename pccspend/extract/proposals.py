"""What extraction hands back: proposed award rows and the stated totals found, in register terms."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

# Register columns a proposal fills, in awards.csv order, then where it came from.
COLUMNS = ("financial_year", "theme", "plan_priority", "service", "description", "provider", "amount_gbp", "amount_note",
           "status", "source_locator", "file_name", "evidence")
TOTAL_COLUMNS = ("source_locator", "total_kind", "description", "from_year", "to_year", "status",
                 "stated_total_gbp", "amount_note", "lines_gbp", "lines", "lines_without_amount",
                 "difference_gbp", "covers", "file_name")


@dataclass
class Proposal:
    """One award line as the paper states it; `evidence` is the cell or sentence it came from."""

    service: str | None
    provider: str | None
    amount_gbp: Decimal | None
    amount_note: str | None
    financial_year: str | None
    status: str
    source_locator: str
    file_name: str
    evidence: str
    theme: str | None = None
    plan_priority: str | None = None
    description: str | None = None  # what the paper says of the service under its name, when it sets it apart
    group: str = ""  # which table (and column) the line belongs to, for reconciling totals

    def row(self) -> dict:
        """The proposal as register columns (money as text, never a float)."""
        out = {c: getattr(self, c) for c in COLUMNS}
        out["amount_gbp"] = None if self.amount_gbp is None else f"{self.amount_gbp:.2f}"
        return out


@dataclass
class StatedTotal:
    """A total the paper states, set beside the sum of the proposed lines it covers."""

    stated_total_gbp: Decimal
    source_locator: str
    description: str
    total_kind: str  # line_total, or budget (money available, not a sum of lines)
    file_name: str
    from_year: str | None = None
    to_year: str | None = None
    status: str | None = None
    amount_note: str | None = None
    covers: list[Proposal] = field(default_factory=list)
    covers_text: str = ""

    @property
    def lines_gbp(self) -> Decimal | None:
        amounts = [p.amount_gbp for p in self.covers if p.amount_gbp is not None]
        return sum(amounts, Decimal(0)) if self.covers else None

    def row(self) -> dict:
        """The total as stated_totals.csv columns plus the reconciliation."""
        lines = self.lines_gbp
        out = {k: v for k, v in asdict(self).items() if k in TOTAL_COLUMNS}
        out.update(stated_total_gbp=f"{self.stated_total_gbp:.2f}",
                   lines_gbp=None if lines is None else f"{lines:.2f}",
                   lines=len(self.covers),
                   lines_without_amount=sum(p.amount_gbp is None for p in self.covers),
                   difference_gbp=None if lines is None else f"{self.stated_total_gbp - lines:.2f}",
                   covers=self.covers_text)
        return {c: out.get(c) for c in TOTAL_COLUMNS}


@dataclass
class Extraction:
    """Everything proposed from one paper."""

    file_name: str
    kind: str
    page_count: int
    proposals: list[Proposal]
    totals: list[StatedTotal]
