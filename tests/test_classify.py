"""Each award's theme and funding stream with its basis (issue 16): stated, linked, office or none."""

from __future__ import annotations

from decimal import Decimal as D

import polars as pl
import pytest

from pccspend.build import build
from pccspend.classify import with_basis_text
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.mapping import load_rules
from pccspend.problems import Problem, ValidationFailed
from pccspend.validate import validate_register

MAPPING = "import_mapping.csv"
HEADER = "match_on,pattern,theme,provider_sector,reason,decided_by,decided_on\n"


def awards(db: Database, **filters) -> pl.DataFrame:
    return db.query("awards", Filters(include_extensions=True, **filters))


def test_every_classified_award_has_a_basis(db):
    got = awards(db)
    assert got.filter(pl.col("theme").is_not_null() & pl.col("theme_basis").is_null()).height == 0
    assert got.filter(pl.col("funding_stream").is_not_null() & pl.col("funding_stream_basis").is_null()).height == 0
    counts = dict(got.group_by("theme_basis").len().iter_rows())
    assert counts == {"stated": 35, "linked": 1, "office": 22, None: 2}
    office = got.filter(pl.col("theme_basis") == "office")
    assert office.select(pl.col("theme_rule").is_null().any() | pl.col("theme_rule_reason").is_null().any()
                         | pl.col("theme_rule_decided_by").is_null().any()).item() is False
    # Stated: the award's own document and locator.
    stated = got.filter(pl.col("theme_basis") == "stated")
    assert (stated["theme_basis_source_id"] == stated["source_id"]).all()
    assert (stated["theme_basis_locator"] == stated["source_locator"]).all()


def test_a_linked_award_names_the_document_and_locator_that_state_it(db):
    # The 2015 report creates the Peterborough Substance Misuse Innovation Fund and names no theme
    # or stream; the 2017 report's Appendix 1 lists the same fund under Offenders, a Crime and
    # Disorder Reduction Grant.
    row = awards(db).filter(pl.col("award_id") == "CAM-BCB150714-01").row(0, named=True)
    assert (row["stated_theme"], row["theme"], row["theme_basis"], row["theme_basis_source_id"],
            row["theme_basis_locator"]) == (None, "offenders", "linked", "CAM-BCB-2017-05-11", "Appendix 1, Offenders")
    assert (row["stated_funding_stream"], row["funding_stream"], row["funding_stream_basis"],
            row["funding_stream_basis_source_id"]) == (
        None, "Crime and Disorder Reduction Grants", "linked", "CAM-BCB-2017-05-11")
    text = with_basis_text(awards(db, search="Peterborough Substance Misuse Innovation Fund"))
    assert text.select("award_id", "theme_basis_text").rows() == [
        ("CAM-BCB150714-01", "Offenders, linked: stated in Commissioning and Grants, Appendix 1, Offenders"),
        ("CAM-BCB170511-CDRG-O01", "Offenders, stated in Commissioning and Grants, Appendix 1, Offenders"),
    ]


def test_office_rules_classify_with_their_reason_and_author(db):
    got = awards(db).filter(pl.col("theme_basis") == "office")
    # (The last three name no amount: their sums are empty.)
    assert dict(got.group_by("theme_rule").agg(pl.len(), pl.col("amount_gbp").sum()).select(
        "theme_rule", pl.struct("len", "amount_gbp")).iter_rows()) == {
        "import_mapping.csv row 3: commitment LEI-EXE0001-T1": {"len": 7, "amount_gbp": D("2237120.00")},
        "import_mapping.csv row 4: commitment LEI-EXE0001-T2": {"len": 7, "amount_gbp": D("7425.00")},
        "import_mapping.csv row 5: award LEI-EXE0001-R4": {"len": 1, "amount_gbp": D("0.00")},
        "import_mapping.csv row 6: award LEI-EXE0004-21-T2-*": {"len": 5, "amount_gbp": D("546216.00")},
        "import_mapping.csv row 7: programme Community Safety Fund": {"len": 1, "amount_gbp": D("0.00")},
        "import_mapping.csv row 8: programme Youth Fund": {"len": 1, "amount_gbp": D("0.00")},
    }
    text = with_basis_text(got.filter(pl.col("award_id") == "WMD-FOI201301354-01"))["theme_basis_text"].item()
    assert text.startswith("Communities, classified by the office (import_mapping.csv row 7: programme "
                           "Community Safety Fund: A community safety fund passed to Community Safety Partnerships")
    assert text.endswith("Decided by pccspend maintainers on 2026-12-01)")


def test_not_stated_awards_say_so(db):
    got = with_basis_text(awards(db, themes=("Not stated",)))
    assert got.select("award_id", "amount_gbp", "theme_basis_text").rows() == [
        ("CAM-BCB170511-CRSF01", D("67000.00"), "Not stated"),
        ("LEI-EXE0001-R3", None, "Not stated"),
    ]


def test_the_public_view_classifies_the_same(db):
    public = db.public_view()
    assert public.query("spend_by_theme").rows() == db.query("spend_by_theme").rows()
    assert public.query("spend_by_theme", Filters(stated_only=True)).rows() == db.query(
        "spend_by_theme", Filters(stated_only=True)).rows()


def _write(data, text: str) -> None:
    (data.register / MAPPING).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("text, problems", [
    (HEADER + "award,LEI-EXE0001-R3,policing,,why,someone,\n",
     [Problem(MAPPING, 2, "theme", "policing", "theme must be one of: communities, offenders, victims")]),
    (HEADER + "award,LEI-EXE0001-R3,victims,,,someone,\n",
     [Problem(MAPPING, 2, "reason", None, "required: say why the office classifies these awards so")]),
    (HEADER + "award,LEI-EXE0001-R3,victims,,why,someone,01/12/2026\n",
     [Problem(MAPPING, 2, "decided_on", "01/12/2026", "date must be written YYYY-MM-DD")]),
    (HEADER + "award,LEI-EXE0001-R3,victims,,why,someone,\ncommitment,LEI-NOPE,victims,,why,someone,\n",
     [Problem(MAPPING, 3, "pattern", "LEI-NOPE", "no award in awards.csv has this commitment id")]),
    ("match_on,pattern,theme,provider_sector,note\nprogramme,Youth Fund,communities,,why\n",
     [Problem(MAPPING, 1, "decided_by", None, "required column is missing"),
      Problem(MAPPING, 1, "note", None, "not a column of this file (match_on, pattern, theme, provider_sector, "
              "reason, decided_by, decided_on)"),
      Problem(MAPPING, 1, "reason", None, "required column is missing")]),
])
def test_a_broken_rules_row_is_refused_naming_file_row_column_and_rule(fresh_data, text, problems):
    _write(fresh_data, text)
    assert sorted(validate_register(fresh_data)) == sorted(problems)
    with pytest.raises(ValidationFailed) as failed:
        build(fresh_data)
    assert sorted(failed.value.problems) == sorted(problems)
    assert str(problems[0]) in str(failed.value)


def test_without_rules_only_documents_give_themes(fresh_data):
    _write(fresh_data, HEADER)
    assert load_rules(fresh_data) == ([], [])
    build(fresh_data)
    db = Database(fresh_data)
    assert db.query("spend_by_theme", Filters(themes=("Not stated",))).row(0)[1] == D("2408852.00")
    assert db.query("spend_by_theme", Filters(themes=("Not stated",), stated_only=True)).row(0)[1] == D("2558852.00")
