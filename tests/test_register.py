"""The register holds every award and total of the five source documents, as the documents state them.

Expected figures were written from a reading of the documents in data/sources/, not from the register.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal as D

import polars as pl
import pytest

from pccspend.paths import BUNDLED_DATA, DataDir
from pccspend.register import read_text_csv
from pccspend.validate import validate_register

REGISTER = DataDir(BUNDLED_DATA)


@pytest.fixture(scope="module")
def awards(built_data) -> pl.DataFrame:
    return pl.read_parquet(built_data.parquet("awards"))


@pytest.fixture(scope="module")
def totals(built_data) -> pl.DataFrame:
    return pl.read_parquet(built_data.parquet("stated_totals"))


def lines(awards: pl.DataFrame, source_id: str, *cols: str) -> set[tuple]:
    return set(awards.filter(pl.col("source_id") == source_id).select(cols).iter_rows())


def test_bundled_register_is_valid():
    assert validate_register(REGISTER) == []


def test_award_ids_are_unique_and_every_row_has_a_trail(awards):
    assert awards["award_id"].n_unique() == awards.height == 60
    assert awards.filter(pl.col("source_id").is_null() | pl.col("source_locator").is_null()).height == 0


def test_missing_amounts_stay_missing_never_zero(awards):
    assert awards.filter(pl.col("amount_gbp") == 0).height == 0
    missing = set(awards.filter(pl.col("amount_gbp").is_null())["award_id"])
    assert missing == {
        "CAM-BCB170511-CDRG-V06",  # Appropriate Adults: the amount cell holds text
        "CAM-BCB170511-YF01",  # Youth Social Action Fund: no amount in the report
        "LEI-EXE0001-R3",  # IVMI: "exact amount to be agreed separately"
        "LEI-EXE0001-R4",  # out of court disposal education: amount to be established
        "WMD-FOI201301354-01",  # Community Safety Fund passported: no amounts in the response
    }


def test_cambridgeshire_2015_innovation_fund(awards):
    assert lines(awards, "CAM-BCB-2015-07-14", "financial_year", "provider", "amount_gbp", "status") == {
        ("2016/17", "Peterborough City Council", D("150000.00"), "committed"),
    }


def test_cambridgeshire_2017_victims_services_section_4_3(awards):
    got = lines(awards, "CAM-BCB-2017-05-11", "service", "provider", "amount_gbp", "mechanism", "funding_stream")
    victims = {r for r in got if r[4] == "MoJ Victims' Services Grant"}
    assert victims == {
        ("Victim and Witness Hub Initial Referral provision", "Cambridgeshire Constabulary", D("446000"), "grant agreement", "MoJ Victims' Services Grant"),
        ("Specialist Victim and Witness Care Co-ordinator – Migrant Victims of Exploitation", "Cambridgeshire Constabulary", D("33445"), "grant agreement", "MoJ Victims' Services Grant"),
        ("Restorative Justice Hub", "Cambridgeshire Constabulary", D("52750"), "grant agreement", "MoJ Victims' Services Grant"),
        ("Practical Support for young victims of crime", "Embrace – Child Victims of Crime", D("2000"), "grant agreement", "MoJ Victims' Services Grant"),
        ("Young Person Independent Domestic Violence Advisor", "Cambridgeshire County Council", D("40000"), "grant agreement", "MoJ Victims' Services Grant"),
        ("Countywide Sexual Violence Support Service", "Cambridge and Peterborough Rape Crisis Partnership", D("213000"), "commissioned contract", "MoJ Victims' Services Grant"),
        ("Counselling for young victims of crime", "Embrace – Child Victims of Crime", D("20000"), "commissioned contract", "MoJ Victims' Services Grant"),
        ("Victim Pathfinders (Mental Health Nurses in Victim and Witness Hub)", "Cambridgeshire and Peterborough Foundation Trust", D("75000"), "single tender action", "MoJ Victims' Services Grant"),
        ("Home security for elderly victims of burglary", "Shrievalty Trust", D("50000"), "single tender action", "MoJ Victims' Services Grant"),
        ("Specialist Victim Care Co-ordinator – Young Victims of Crime", "Family Action", D("29065"), "single tender action", "MoJ Victims' Services Grant"),
    }


def test_cambridgeshire_2017_appendix_1_by_theme(awards):
    cdrg = awards.filter(pl.col("stated_funding_stream") == "Crime and Disorder Reduction Grants")
    got = {(r["theme"], r["service"]): r["amount_gbp"] for r in cdrg.iter_rows(named=True)}
    assert got == {
        ("victims", "Integrated Mental Health Team in Force Control Room"): D("150000"),
        ("victims", "Cambridgeshire Local Safeguarding Children Board"): D("48468"),
        ("victims", "Peterborough Local Safeguarding Children Board"): D("35884"),
        ("victims", "Cambridgeshire Safeguarding Adults Board"): D("43621"),
        ("victims", "Peterborough Safeguarding Adults Board"): D("35884"),
        ("victims", "Appropriate Adults Out of Hours Custody Provision"): None,
        ("victims", "Countywide co-ordination of high risk partnership issues"): D("30000"),
        ("offenders", "Peterborough Substance Misuse Innovation Fund"): D("140000"),
        ("offenders", "Cambridgeshire Substance Misuse"): D("94000"),
        ("offenders", "Cambridgeshire Youth Offending Service"): D("127000"),
        ("offenders", "Peterborough Youth Offending Service"): D("136000"),
        ("offenders", "County-Wide Integrated Offender Management"): D("45000"),
        ("offenders", "Multi-Agency Public Protection Agency (MAPPA)"): D("50000"),
        ("offenders", "Crimestoppers"): D("25791"),
        ("communities", "Cambridge City Community Safety Partnership"): D("39000"),
        ("communities", "Fenland Community Safety Partnership"): D("35000"),
        ("communities", "Huntingdonshire Community Safety Partnership"): D("23000"),
        ("communities", "East Cambs Community Safety Partnership"): D("12000"),
        ("communities", "South Cambs Crime and Disorder Reduction Partnership"): D("16000"),
        ("communities", "Safer Peterborough Partnership"): D("30000"),
        ("communities", "Peterborough Anti-Social Behaviour Team"): D("80000"),
        ("communities", "ECINS - IT system"): D("78600"),
        ("communities", "Police Cadets"): D("10000"),
        ("communities", "Tackling rural crime in Cambridgeshire"): D("12000"),
        ("communities", "Emerging Initiatives"): D("15000"),
    }
    assert set(cdrg["financial_year"]) == {"2017/18"}
    assert set(cdrg["source_locator"]) == {"Appendix 1, Victims", "Appendix 1, Offenders", "Appendix 1, Communities"}


def test_cambridgeshire_2017_other_funds(awards):
    got = lines(awards, "CAM-BCB-2017-05-11", "funding_stream", "financial_year", "amount_gbp", "source_locator")
    others = {r for r in got if r[0] in ("Casualty Reduction and Support Fund", "Youth Fund")}
    assert others == {
        ("Casualty Reduction and Support Fund", "2016/17", D("67000"), "Paragraph 6.1"),
        ("Youth Fund", "2017/18", None, "Paragraph 7.1"),
    }


def test_leicestershire_exe0001_phased_tables(awards):
    rows = awards.filter(pl.col("source_id") == "LEI-EXE0001").select("provider", "financial_year", "status", "amount_gbp")
    got = Counter(rows.iter_rows())
    smts = "Leicester City Council, Leicestershire County Council and NHS England (North) partnership"
    rut = "Rutland County Council"
    assert got == Counter({
        (smts, "2016/17", "committed", D("335568")): 1,
        (smts, "2017/18", "committed", D("447424")): 1,
        (smts, "2018/19", "committed", D("447424")): 1,
        (smts, "2019/20", "committed", D("447424")): 1,
        (smts, "2020/21", "committed", D("111856")): 1,
        (smts, "2020/21", "optional_extension", D("335568")): 1,
        (smts, "2021/22", "optional_extension", D("111856")): 1,
        (rut, "2016/17", "committed", D("1114")): 1,
        (rut, "2017/18", "committed", D("1485")): 1,
        (rut, "2018/19", "committed", D("1485")): 1,
        (rut, "2019/20", "committed", D("1485")): 1,
        (rut, "2020/21", "committed", D("371")): 1,
        (rut, "2020/21", "optional_extension", D("1114")): 1,
        (rut, "2021/22", "optional_extension", D("371")): 1,
        (None, "2016/17", "planned", None): 2,  # IVMI and out of court disposal education (recs 3 and 4)
    })
    assert awards.filter(pl.col("source_id") == "LEI-EXE0001").height == 16


def test_west_midlands_foi_names_an_allocation_without_amount(awards):
    assert lines(awards, "WMD-FOI-2013-01354", "financial_year", "funding_stream", "amount_gbp", "mechanism") == {
        ("2013/14", "Community Safety Fund", None, "allocation"),
    }


def test_leicestershire_exe0004_table_2_is_published_with_its_blank_lines_noted(awards):
    # The decision record is itself a published document; its blank Publication Scheme lines are
    # a gap in the text, not a decision to withhold (issue 13).
    got = lines(awards, "LEI-EXE0004-21", "provider", "service", "amount_gbp", "publication")
    assert got == {
        ("Leicester City Council", "Core substance misuse treatment (criminal justice elements)", D("219287"), "published"),
        ("Leicestershire and Rutland County Council", "Core substance misuse treatment (criminal justice elements)", D("111856"), "published"),
        ("Leicester City Council", "Recovery Hub", D("34000"), "published"),
        ("Leicestershire Police", "Prison Offender Manager (POM)", D("50000"), "published"),
        (None, "Non-core substance misuse services", D("131073"), "published"),
    }


def test_stated_totals_are_kept_as_stated(totals):
    got = {r["total_id"]: r["stated_total_gbp"] for r in totals.iter_rows(named=True)}
    assert got == {
        "CAM-BCB170511-TOT-CDRG": D("1322248"),
        "CAM-BCB170511-BUD-ALL": D("2300000"),
        "CAM-BCB170511-BUD-MOJ": D("1000000"),
        "CAM-BCB170511-BUD-CDRG": D("1300000"),
        "LEI-EXE0001-TOT-T1": D("1789696"),
        "LEI-EXE0001-TOT-T1X": D("447424"),
        "LEI-EXE0001-TOT-T2": D("5940"),
        "LEI-EXE0001-TOT-T2X": D("1485"),
        "LEI-EXE0001-TOT-ALL": D("1795636"),
        "LEI-EXE0004-21-TOT-LCC": D("253287"),
        "LEI-EXE0004-21-TOT-ALL": D("546216"),
        "LEI-EXE0004-21-TOT-NONCORE": D("131073.40"),
        "LEI-EXE0004-21-TOT-CORE": D("331142.86"),
    }


def test_every_source_document_is_bundled_and_listed():
    sources = read_text_csv(REGISTER.register / "sources.csv")
    for name in sources["file_name"]:
        assert (REGISTER.sources_dir / name).is_file(), name
    assert sources.height == 5


def test_population_reference_is_bundled_with_provenance(built_data):
    pop = pl.read_parquet(built_data.parquet("population"))
    assert pop.sort("area").rows() == [
        ("Cambridgeshire", 894_400), ("Leicestershire", 1_121_900), ("West Midlands", 2_919_600),
    ]
    assert "Open Government Licence" in (REGISTER.reference / "README.md").read_text()
