"""Money shown British style: £446,000, £1.32m, £2.5bn, £33,445.50."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NOT_STATED = "not stated"


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _full(value, symbol: str) -> str:
    """-£1,234.50 or USD 446,000: the whole amount, pence (cents) only when there are any."""
    d = _dec(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{abs(d):,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{'-' if d < 0 else ''}{symbol}{text}"


def gbp(value, *, missing: str = NOT_STATED) -> str:
    """Full amount: £446,000 or £131,073.40 (pence shown only when there are any)."""
    return missing if value is None else _full(value, "£")


def in_currency(currency: str, value) -> str:
    """An amount in another currency, never converted: "USD 50,000" or "EUR 1,234.50"."""
    return _full(value, f"{currency} ")


def apart(other: list[tuple[str, object]]) -> str:
    """Amounts in other currencies, said beside a GBP total: "plus USD 50,000 and EUR 2,000 not
    converted" (empty when there are none)."""
    if not other:
        return ""
    amounts = [in_currency(c, v) for c, v in other]
    listed = amounts[0] if len(amounts) == 1 else ", ".join(amounts[:-1]) + " and " + amounts[-1]
    return f"plus {listed} not converted"


def gbp_short(value, *, missing: str = NOT_STATED) -> str:
    """Compact amount for cards and axes: £1.46bn from a billion up, £1.32m from a million, else
    the full amount."""
    if value is None:
        return missing
    d = _dec(value)
    sign = "-" if d < 0 else ""
    d = abs(d)
    for size, suffix in ((1_000_000_000, "bn"), (1_000_000, "m")):
        if d >= size:
            text = f"£{(d / size).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}{suffix}"
            return sign + text.replace(f".00{suffix}", suffix)
    return gbp(-d if sign else d)


def money_columns(columns) -> list[str]:
    """Columns that hold money, by the project's naming rule (`*_gbp`)."""
    return [c for c in columns if c.endswith("_gbp")]


def formatted(frame):
    """A copy of a polars frame with money columns as British £ text, for reading not sums."""
    from pccspend.each import each  # polars only for the callers that have frames

    return frame.with_columns(each(frame[c], lambda v: gbp(v, missing="")) for c in money_columns(frame.columns))
