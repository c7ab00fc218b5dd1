"""Money and financial years as papers write them: "£1.3m", "£20,000 (Match funded)", "2016-17"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pccspend.fy import fy_label

# Cells that say "nothing here": never an amount of 0.
BLANK = {"", "-", "–", "—", "n/a", "na", "nil", "none", "tbc", "tba", "n.a."}

_SIZES = {"k": Decimal(1_000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# An amount at the start of a cell: "£446,000", "150,000", "£1.3m", "£67k", "£34,000 p.a".
_CELL = re.compile(rf"^\(?£?\s?({_NUMBER})\s?(k|m|bn|million|billion)?\b\)?\s*(.*)$", re.I)
# An amount inside running text needs its pound sign: "providing £150,000 in 2016/17".
MONEY_IN_TEXT = re.compile(rf"£\s?({_NUMBER})(?:\s?(k|m|bn|million|billion)\b)?", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\s?[/\-–]\s?((?:19|20)?\d{2})\b")


@dataclass(frozen=True)
class Money:
    """An amount in pounds (None when the text states none) and what the text says beside it."""

    amount: Decimal | None
    note: str | None = None


def _scale(number: str, size: str | None) -> tuple[Decimal, str | None]:
    value = Decimal(number.replace(",", ""))
    if not size:
        return value, None
    size = {"million": "m", "billion": "bn"}.get(size.lower(), size.lower())
    value *= _SIZES[size]
    # "£1.3m" is 1300000, not 1300000.0: a whole number of pounds stays whole.
    return (value.quantize(Decimal(1)) if value == value.to_integral_value() else value), size


def parse_money(text: str | None) -> Money | None:
    """The amount a cell states, with its note: "£20,000 (Match funded)" is 20000, "match funded";
    "N/A", "-" and "" are Money(None); text that is not money at all is None."""
    raw = " ".join((text or "").replace("**", "").split())
    if raw.lower().strip(".") in BLANK or raw.lower() in BLANK:
        return Money(None)
    m = _CELL.match(raw)
    if not m:
        return None
    rest = m.group(3).strip()
    if re.match(r"^[/\-–.]\s?\d", rest) or (not raw.startswith("£") and _YEAR.match(raw)):
        return None  # "2017/18", "18/02/2016": a year or a date, not an amount
    value, size = _scale(m.group(1), m.group(2))
    note = None
    if rest.startswith("(") and rest.endswith(")"):
        note = rest[1:-1].strip().lower()
    elif rest:
        if not re.match(r"^(p\.?a\.?|per (annum|year))$", rest, re.I) and len(rest) > 40:
            return None  # a sentence that starts with a number is not an amount
        note = rest
    if size:
        stated = f"stated as '{raw[:m.end(2)]}'"
        note = stated if not note else f"{stated}; {note}"
    return Money(value, note or None)


def money_in_text(text: str) -> list[tuple[Decimal, str, int]]:
    """Every £ amount in a sentence: (value, as written, where it starts)."""
    found = []
    for m in MONEY_IN_TEXT.finditer(text):
        value, _ = _scale(m.group(1), m.group(2))
        found.append((value, m.group(0), m.start()))
    return found


def parse_year(text: str | None) -> str | None:
    """The first financial year a text names, as "2016/17": "2016/17", "2016-17", "2016/2017" and
    "2016 - 17" all read the same; years that do not follow each other are not a financial year."""
    for m in _YEAR.finditer(text or ""):
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year == start + 1 or (len(end) == 2 and (start + 1) % 100 == int(end)):
            return fy_label(start)
    return None


def years_in(text: str | None) -> list[str]:
    """Every financial year a text names, in order, each once."""
    out: list[str] = []
    for m in _YEAR.finditer(text or ""):
        year = parse_year(m.group(0))
        if year and year not in out:
            out.append(year)
    return out
