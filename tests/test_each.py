"""No Python function handed to Polars in our code, and `each` keeps what map_elements gave.

Why (pccspend/each.py): Polars runs such a function on its worker threads, which take the GIL for
it, while another thread of the server can hold the GIL waiting for those workers (to_pandas for
st.dataframe): the server froze for good, seen in the 8-session browser test (a dump of every
thread showed exactly that pair)."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pccspend.each import each, each_row
from pccspend.paths import PROJECT_ROOT
from pccspend.ui.tables import shown_text

# Every Polars method that runs a Python function inside its engine.
CALLBACKS = {"map_elements", "map_batches", "map_rows", "map_groups", "apply"}
SERVED = [PROJECT_ROOT / "dashboard.py", *sorted((PROJECT_ROOT / "pages").glob("*.py")),
          *sorted((PROJECT_ROOT / "pccspend").rglob("*.py"))]


def callbacks_in(path: Path, root: Path = PROJECT_ROOT) -> list[str]:
    """`file:line method` for each call of a callback method in a Python file (pandas' Styler.apply
    and Styler.map are not Polars and are named differently: `.style.apply`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLBACKS:
            owner = ast.unparse(node.func.value)
            if not owner.endswith(".style") and not owner.startswith("styler"):
                found.append(f"{path.relative_to(root)}:{node.lineno} {owner}.{node.func.attr}")
    return sorted(found, key=lambda hit: int(hit.split(" ")[0].rsplit(":", 1)[1]))


def test_no_code_of_ours_hands_polars_a_python_function():
    found = [hit for path in SERVED for hit in callbacks_in(path)]
    assert found == [], "use pccspend.each (see its docstring): " + ", ".join(found)


def test_the_check_finds_a_callback(tmp_path):
    """The scan is not blind: each way of writing one is found."""
    sample = tmp_path / "sample.py"
    sample.write_text("frame.with_columns(pl.col('a').map_elements(str))\nseries.map_batches(f)\n"
                      "frame.group_by('a').map_groups(f)\nframe.map_rows(f)\nstyler.apply(f)\n")
    hits = callbacks_in(sample, tmp_path)
    assert [h.split(" ")[1] for h in hits] == [
        "pl.col('a').map_elements", "series.map_batches", "frame.group_by('a').map_groups", "frame.map_rows"]


def test_each_keeps_names_nulls_and_types():
    amounts = pl.Series("amount_gbp", [Decimal("1.50"), None, Decimal("446000")])
    assert each(amounts, lambda v: "-" if v is None else f"{v:,}").to_list() == ["1.50", "-", "446,000.00"]
    assert each(amounts, lambda v: v is None, pl.Boolean).dtype == pl.Boolean
    assert each(pl.Series("x", [], pl.Int64), str).to_list() == []
    frame = pl.DataFrame({"a": ["x", None], "b": [1, 2]})
    assert each_row(frame, ["a", "b"], lambda a, b: f"{a}{b}", name="ab").to_frame().to_dicts() == [
        {"ab": "x1"}, {"ab": "None2"}]


@given(st.lists(st.one_of(st.none(), st.integers(-10**12, 10**12)), max_size=30))
def test_shown_text_of_counts_matches_python_formatting(values):
    """The table's text of a count column: thousands separated, a missing count empty."""
    frame = pl.DataFrame({"award_count": values}, schema={"award_count": pl.Int64})
    assert shown_text(frame)["award_count"].to_list() == ["" if v is None else f"{v:,}" for v in values]


@pytest.mark.parametrize("amount, text", [(Decimal("446000"), "£446,000"), (Decimal("1234.56"), "£1,234.56"),
                                          (None, "not stated")])
def test_shown_text_of_money(amount, text):
    frame = pl.DataFrame({"amount_gbp": [amount]}, schema={"amount_gbp": pl.Decimal(18, 2)})
    assert shown_text(frame)["amount_gbp"].to_list() == [text]
