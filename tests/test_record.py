"""One award's whole record (pccspend/record.py, pccspend/ui/record.py) and the tables every page
draws (pccspend/ui/tables.py): exact figures from the bundled documents, and nothing of a held-back
award for the public."""

from __future__ import annotations

import io
import json

import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from pccspend.build import build
from pccspend.db import Database
from pccspend.decisions import decide
from pccspend.filters import Filters
from pccspend.paths import PROJECT_ROOT
from pccspend.record import award_record
from pccspend.ui import tables
from tests.conftest import edit, person, set_row

DASHBOARD = str(PROJECT_ROOT / "dashboard.py")
VS02 = "CAM-BCB170511-VS02"  # Specialist Victim and Witness Care Co-ordinator, £33,445, Paragraph 4.3
SMTS = "LEI-EXE0001-T1-201718"  # Leicestershire's SMTS contribution, £447,424, one year of five (and two optional)
REDACTED = "CAM-BCB170511-VS01"
SECRET = "CANARY Provider Ltd"


def open_awards(data, monkeypatch, query: dict, mode: str = "local") -> AppTest:
    monkeypatch.setenv("PCCSPEND_DATA", str(data.root))
    monkeypatch.setenv("PCCSPEND_MODE", mode)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params.update(query)
    at.run()
    at.query_params.update(query)
    at.switch_page("pages/awards.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(element) -> pl.DataFrame:
    """A table as a reader sees it: the Styler's display values where it has them."""
    styler = element.proto.arrow_data.styler
    if styler.display_values:
        return pl.from_arrow(pa.ipc.open_stream(io.BytesIO(styler.display_values)).read_all())
    return pl.from_pandas(element.value)


# The record's tables, told apart by a column only each has (tables without a selection have no id).
PARTS = {"fields": "field", "commitment": "is_this_award", "totals": "total_id"}


def record_tables(at: AppTest) -> dict[str, pl.DataFrame]:
    return {part: shown(d) for d in at.dataframe for part, column in PARTS.items() if column in d.value.columns}


def fields(at: AppTest, award_id: str) -> dict[str, str]:
    frame = record_tables(at)["fields"]
    assert frame["value"][0] == award_id
    return dict(zip(frame["field"], frame["value"]))


def record_table(at: AppTest, award_id: str, part: str) -> pl.DataFrame:
    return record_tables(at)[part]


# -- the record, function by function ------------------------------------------------------------

def test_the_record_holds_every_field_its_document_its_commitment_and_its_totals(db):
    found = award_record(db, Filters(), VS02)
    values = dict(found["fields"].iter_rows())
    assert (values["Amount"], values["Source document"], values["Where in the document"]) == (
        "£33,445", "Commissioning and Grants", "Paragraph 4.3, Grant Agreements")
    assert values["Theme, and its basis"].startswith("Victims, stated in Commissioning and Grants")
    assert "None" not in found["fields"]["value"].to_list()
    assert found["state"] == "Published"
    line, lines = found["excerpt"]
    assert lines[1].startswith("4.3 A mixed model of commissioning")
    assert any("Migrant Victims of Exploitation\tCambridgeshire Constabulary\t£33,445" in t for t in lines)
    assert found["commitment"] is None  # a one-year award
    assert found["totals"].select("total_id", "stated_total_gbp", "line_sum_gbp", "line_count").rows() == [
        ("CAM-BCB170511-BUD-ALL", 2300000, 2273508, 35), ("CAM-BCB170511-BUD-MOJ", 1000000, 961260, 10)]


def test_the_record_of_a_year_of_a_commitment_lists_every_year(db):
    found = award_record(db, Filters(), SMTS)
    assert found["commitment"].select("award_id", "amount_gbp", "is_this_award").rows() == [
        ("LEI-EXE0001-T1-201617", 335568, False), (SMTS, 447424, True), ("LEI-EXE0001-T1-201819", 447424, False),
        ("LEI-EXE0001-T1-201920", 447424, False), ("LEI-EXE0001-T1-202021", 111856, False),
        ("LEI-EXE0001-T1X-202021", 335568, False), ("LEI-EXE0001-T1X-202122", 111856, False)]
    assert found["totals"]["total_id"].to_list() == ["LEI-EXE0001-TOT-ALL", "LEI-EXE0001-TOT-T1"]
    assert dict(found["fields"].iter_rows())["Contract value"] == "not stated"
    assert award_record(db, Filters(), "NO-SUCH-AWARD") == {"award": None}


# -- the record on the Awards page ---------------------------------------------------------------

def test_a_link_opens_the_record_with_its_figures_document_and_totals(built_data, monkeypatch):
    at = open_awards(built_data, monkeypatch, {"award": VS02})
    assert at.query_params == {"award": VS02}
    assert at.selectbox(key="award-picker").value == VS02
    assert fields(at, VS02)["Amount"] == "£33,445"
    assert "Commissioning and Grants, Paragraph 4.3, Grant Agreements · [open the document](sources?doc=" \
           "CAM-BCB-2017-05-11&at=Paragraph%204.3%2C%20Grant%20Agreements)" in [m.value for m in at.markdown]
    assert at.code[0].value.strip().startswith("4.3 A mixed model of commissioning")
    totals = record_table(at, VS02, "totals")
    assert totals.select("total_id", "stated_total_gbp", "line_sum_gbp", "difference_gbp").rows() == [
        ("CAM-BCB170511-BUD-ALL", "£2,300,000", "£2,273,508", "£26,492"),
        ("CAM-BCB170511-BUD-MOJ", "£1,000,000", "£961,260", "£38,740")]
    assert "**What reconciles it: 2 stated totals**" in [m.value for m in at.markdown]
    assert [s.value for s in at.success] == ["Published"]


def test_the_commitments_other_years_and_choosing_another_award(built_data, monkeypatch):
    at = open_awards(built_data, monkeypatch, {"award": SMTS})
    years = record_table(at, SMTS, "commitment")
    assert years.select("financial_year", "amount_gbp").rows()[:3] == [
        ("2016/17", "£335,568"), ("2017/18", "£447,424"), ("2018/19", "£447,424")]
    assert "**Commitment LEI-EXE0001-T1: 7 years**" in [m.value for m in at.markdown]
    at.selectbox(key="award-picker").set_value(VS02).run()
    assert at.query_params == {"award": VS02}
    assert fields(at, VS02)["Amount"] == "£33,445"


def test_selecting_a_row_opens_its_record(built_data, monkeypatch):
    at = open_awards(built_data, monkeypatch, {"theme": "victims"})
    table = at.dataframe[0]
    row = list(table.value["award_id"]).index(VS02)
    at.session_state["awards-table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert at.query_params["award"] == [VS02] or at.query_params["award"] == VS02
    assert fields(at, VS02)["Amount"] == "£33,445"


@pytest.fixture
def decided(fresh_data):
    """The bundled register with VS02 withheld and VS01's provider (a canary) redacted, built."""
    edit(fresh_data.register / "awards.csv", set_row(REDACTED, provider=SECRET))
    decide(fresh_data, [VS02], "withheld", reason="prevention or detection of crime", by=person("Ann Example"))
    decide(fresh_data, [REDACTED], "redacted", fields=["provider"], reason="personal safety", by=person("Ann Example"))
    build(fresh_data)
    return fresh_data


def test_the_public_sees_no_held_back_award_and_no_withheld_value(decided, monkeypatch):
    public = Database(decided, public=True)
    assert award_record(public, Filters(), VS02) == {"award": None}
    at = open_awards(decided, monkeypatch, {"award": VS02}, mode="public")
    assert [i.value for i in at.info] == [f"No published award has the id {VS02}."]
    assert VS02 not in at.dataframe[0].value["award_id"].to_list()
    assert record_tables(at) == {}
    at = open_awards(decided, monkeypatch, {"award": REDACTED}, mode="public")
    assert fields(at, REDACTED)["Provider"] == "Withheld: personal safety"
    everything = " ".join(str(d.value.to_dict()) for d in at.dataframe) + " ".join(m.value for m in at.markdown)
    assert SECRET not in everything and "prevention or detection" not in everything


def test_the_office_sees_the_decision_and_the_withheld_value(decided, monkeypatch):
    at = open_awards(decided, monkeypatch, {"award": VS02})
    assert [w.value for w in at.warning] == ["Withheld: not published (prevention or detection of crime)"]
    at = open_awards(decided, monkeypatch, {"award": REDACTED})
    assert [w.value for w in at.warning] == [
        "Published with some fields withheld from the public: Provider (personal safety)"]
    assert fields(at, REDACTED)["Provider"] == f"{SECRET} (withheld from the public)"


# -- the tables ----------------------------------------------------------------------------------

MONEY = pl.DataFrame({"award_id": ["A-1", "A-2", "A-3"], "theme": ["victims", None, "offenders"],
                      "amount_gbp": [2300000.0, None, -12248.5], "provider": [None, "X", "Y"]})


def test_money_is_british_and_nothing_reads_none():
    text = tables.shown_text(tables.display(MONEY))
    assert text.rows() == [("A-1", "Victims", "£2,300,000", ""), ("A-2", "", "not stated", "X"),
                           ("A-3", "Offenders", "-£12,248.50", "Y")]
    styler = tables.styled(tables.display(MONEY))
    assert "None" not in styler.to_html()
    assert "£2,300,000" in styler.to_html() and "not stated" in styler.to_html()


def test_widths_hold_the_longest_shown_value_and_the_header():
    frame = tables.display(MONEY)
    widths = tables.widths(frame)
    assert widths["amount_gbp"] >= len("-£12,248.50") * tables.PX_PER_CHAR + tables.CELL_PADDING
    assert widths["award_id"] >= len("Award") * tables.PX_PER_CHAR + tables.HEADER_PADDING
    long = pl.DataFrame({"stated_total_gbp": [2300000.0], "financial_year": ["2017/18"]})
    sized = tables.widths(long)
    assert sized["financial_year"] >= len("Financial year") * tables.PX_PER_CHAR + tables.HEADER_PADDING
    assert sized["stated_total_gbp"] >= len("Stated total") * tables.PX_PER_CHAR + tables.HEADER_PADDING
    config = tables.column_config(frame.schema, widths)
    assert config["amount_gbp"]["width"] == widths["amount_gbp"]


def test_a_table_is_as_tall_as_its_rows_and_counts_are_plural():
    assert tables.height(1) < tables.height(2) < tables.height(10) == tables.height(500)
    assert (tables.plural(1, "award"), tables.plural(2, "award"), tables.plural(1234, "award")) == (
        "1 award", "2 awards", "1,234 awards")


def test_the_reconciliation_table_shows_whole_money(built_data, monkeypatch):
    monkeypatch.setenv("PCCSPEND_DATA", str(built_data.root))
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.switch_page("pages/data_quality.py").run()
    assert not at.exception
    totals = next(d for d in at.dataframe if "stated_total_gbp" in d.value.columns)
    text = shown(totals)
    row = dict(zip(text["total_id"], text["stated_total_gbp"]))
    assert row["CAM-BCB170511-BUD-ALL"] == "£2,300,000" and row["CAM-BCB170511-TOT-CDRG"] == "£1,322,248"
    width = json.loads(totals.proto.columns)["stated_total_gbp"]["width"]
    assert width >= len("£2,300,000") * tables.PX_PER_CHAR + tables.CELL_PADDING
    assert "None" not in text.to_pandas().to_string()


def test_one_award_is_one_award(built_data, monkeypatch):
    at = open_awards(built_data, monkeypatch, {"area": "West Midlands"})
    assert any(c.value.startswith("1 award, not stated in total, 1 without an amount.") for c in at.caption)
    assert shown(at.dataframe[0])["amount_gbp"].to_list() == ["not stated"]
