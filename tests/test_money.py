"""Money reads British style: £446,000, £131,073.40, £1.32m, £1.46bn; missing is never £0."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from pccspend.money import gbp, gbp_short


def test_full_and_short_amounts():
    assert [gbp(v) for v in (446000, D("131073.40"), D("-10000"), 0)] == ["£446,000", "£131,073.40", "-£10,000", "£0"]
    assert [gbp_short(v) for v in (446000, D("1322248"), D("1455098963.47"), D("-2500000000"), 1_000_000)] == [
        "£446,000", "£1.32m", "£1.46bn", "-£2.50bn", "£1m"]
    assert gbp(None) == gbp_short(None) == "not stated"
    assert gbp(None, missing="") == ""


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_the_full_amount_reads_back_as_the_same_number(value):
    text = gbp(value)
    assert D(text.replace("£", "").replace(",", "")) == value
    assert text.startswith("-£" if value < 0 else "£")
