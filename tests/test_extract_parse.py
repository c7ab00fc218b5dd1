"""Money and financial years as papers write them; a missing amount is None, never 0."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from pccspend.extract.parse import Money, money_in_text, parse_money, parse_year, years_in
from pccspend.fy import fy_label
from pccspend.money import gbp


def test_amounts_as_papers_write_them():
    assert [parse_money(t) for t in ("£1.3m", "£20,000 (Match funded)", "£131,073.40", "N/A", "-", "",
                                     "£213,000 from OPCC", "150,000", "£67k", "2017/18", "Contribution to a pooled budget")] == [
        Money(D("1300000"), "stated as '£1.3m'"), Money(D("20000"), "match funded"), Money(D("131073.40")),
        Money(None), Money(None), Money(None), Money(D("213000"), "from OPCC"), Money(D("150000")),
        Money(D("67000"), "stated as '£67k'"), None, None]


def test_years_as_papers_write_them():
    assert [parse_year(t) for t in ("2016/17", "2016-17", "2016/2017", "2013 - 14", "2016/18", "18/02/2016", "")] == [
        "2016/17", "2016/17", "2016/17", "2013/14", None, None, None]
    assert years_in("2016/17 (approved through the Commissioning Framework 2016-17) and 2017/18") == ["2016/17", "2017/18"]


@given(st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False))
def test_a_written_amount_reads_back_as_the_same_number(value):
    assert parse_money(gbp(value)) == Money(value)
    assert parse_money(gbp(value).removeprefix("£")) == Money(value)
    assert [v for v, _, _ in money_in_text(f"commits to providing {gbp(value)} in 2016/17")] == [value]


@given(st.decimals(min_value=D("0.1"), max_value=999, places=1, allow_nan=False, allow_infinity=False),
       st.sampled_from([("k", 1000), ("m", 1_000_000), ("bn", 1_000_000_000)]))
def test_short_amounts_scale_and_say_how_they_were_written(value, size):
    money = parse_money(f"£{value}{size[0]}")
    assert money.amount == value * size[1] and money.note == f"stated as '£{value}{size[0]}'"


@given(st.sampled_from(["", " ", "-", "–", "N/A", "n/a", "nil", "TBC"]))
def test_a_blank_cell_is_missing_never_zero(text):
    assert parse_money(text) == Money(None)


@given(st.integers(1990, 2098), st.sampled_from(["{a}/{b:02d}", "{a}-{b:02d}", "{a}/{c}", "{a} - {b:02d}"]))
def test_every_way_of_writing_a_financial_year_reads_the_same(start, form):
    text = form.format(a=start, b=(start + 1) % 100, c=start + 1)
    assert parse_year(text) == fy_label(start)


@given(st.integers(1990, 2098), st.integers(2, 9))
def test_years_that_do_not_follow_each_other_are_not_a_financial_year(start, gap):
    assert parse_year(f"{start}/{(start + gap) % 100:02d}") is None


@given(st.decimals(min_value=1, max_value=10**7, places=0, allow_nan=False, allow_infinity=False),
       st.text(alphabet=st.characters(categories=["Ll", "Lu"]), min_size=1, max_size=20))
def test_a_note_in_brackets_is_kept_lowercase_beside_the_amount(value, note):
    assert parse_money(f"{gbp(value)} ({note})") == Money(value, note.lower())
