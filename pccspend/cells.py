"""One cell of an imported file: its text as the register keeps it, an amount in pounds, a date."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pccspend.tabular import FORMULA_START

AMOUNT_TEXT = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# Day first, as UK spreadsheets write it; a time may follow (`17/08/2015 00:00`, as some publishers
# write Last Modified).
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")

AMOUNT_RULE = "amount must be a number >= 0 with at most 2 decimals, e.g. 2266 or 3028.63"
AMOUNT_LIMIT = Decimal("1e12")
AMOUNT_LIMIT_RULE = "amount must be below £1,000,000,000,000"
DATE_RULE = "date must be YYYY-MM-DD (or a full date-time, or DD/MM/YYYY)"


class NotScalar(Exception):
    pass


def clean(value) -> str | None:
    """Cell text as the register keeps it: trimmed, our own formula guard undone, empty -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, (int, Decimal, str)):
        text = str(value)
    else:
        raise NotScalar
    # One kind of line break: the register's CSV ends rows with \n, and a lone \r in a cell
    # would read back as a row break.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    # Our exports prefix formula-looking text with an apostrophe (tabular.neutralise); undo it.
    if len(text) >= 2 and text[0] == "'" and text[1] in "".join(FORMULA_START):
        text = text[1:].strip()
    return text or None


def parse_amount(value) -> Decimal | None:
    """Pounds (and pence) as Decimal(…, 2 places); None when empty. Raises ValueError(rule)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(AMOUNT_RULE)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(AMOUNT_RULE)
        if value >= AMOUNT_LIMIT:  # before quantize, which holds no more than 28 digits
            raise ValueError(AMOUNT_LIMIT_RULE)
        d = Decimal(repr(value))
        # A spreadsheet's binary float (0.1 + 0.2) may carry noise far below a penny.
        if abs(d - d.quantize(Decimal("0.01"))) < Decimal("0.000001"):
            d = d.quantize(Decimal("0.01"))
    elif isinstance(value, (int, Decimal)):
        d = Decimal(value)
        if not d.is_finite():
            raise ValueError(AMOUNT_RULE)
    else:
        text = str(value).strip()
        negative = text.startswith("-")
        m = AMOUNT_TEXT.match(text.lstrip("-").strip())
        if not m:
            raise ValueError(AMOUNT_RULE)
        d = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
        if negative and d:
            raise ValueError("amount must be >= 0")
    if d < 0:
        raise ValueError("amount must be >= 0")
    if d >= AMOUNT_LIMIT:  # before quantize, which holds no more than 28 digits
        raise ValueError(AMOUNT_LIMIT_RULE)
    if d != d.quantize(Decimal("0.01")):
        raise ValueError(AMOUNT_RULE)
    return d.quantize(Decimal("0.01"))


def parse_moment(value) -> dt.date | dt.datetime | None:
    """A date, or a date-time where the cell gives a time, from a date cell or text (YYYY-MM-DD, ISO
    date-time, DD/MM/YYYY with or without a time). Raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                moment = dt.date.fromisoformat(text)
            elif DATE_TIME.match(text):
                moment = dt.datetime.fromisoformat(text)
            elif m := UK_DATE.match(text):
                moment = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                if m.group(4) is not None:
                    moment = dt.datetime.combine(moment, dt.time(int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)))
            else:
                raise ValueError(DATE_RULE)
        except ValueError:
            raise ValueError(DATE_RULE) from None
    else:
        raise ValueError(DATE_RULE)
    if not 1900 <= moment.year <= 2099:
        raise ValueError("date must fall between 1900 and 2099")
    return moment


def parse_date(value) -> dt.date | None:
    """The day of `parse_moment`. Raises ValueError."""
    moment = parse_moment(value)
    return moment.date() if isinstance(moment, dt.datetime) else moment
