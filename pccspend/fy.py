"""Financial years (April to March), written "2017/18"."""

from __future__ import annotations

import datetime as dt
import re

FY_PATTERN = re.compile(r"^(\d{4})/(\d{2})$")


def is_financial_year(text: str) -> bool:
    """True for "YYYY/YY" where YY is the year after YYYY."""
    m = FY_PATTERN.match(text or "")
    return bool(m) and (int(m.group(1)) + 1) % 100 == int(m.group(2))


def fy_start(text: str) -> int:
    """The calendar year a financial year starts in: "2017/18" -> 2017."""
    if not is_financial_year(text):
        raise ValueError(f"not a financial year (YYYY/YY, consecutive years): {text!r}")
    return int(text[:4])


def fy_label(start: int) -> str:
    """2017 -> "2017/18"."""
    return f"{start}/{(start + 1) % 100:02d}"


def fy_of_date(day: dt.date) -> str:
    """The financial year a date falls in: April to March."""
    return fy_label(day.year if day.month >= 4 else day.year - 1)
