"""Exports: 360Giving CSV, JSON and XLSX and the register's layout as XLSX; published awards only,
formulas neutralised, and round trips into an empty register giving the same awards and totals."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from pccspend.build import build
from pccspend.cli import export as export_command
from pccspend.cli import main
from pccspend.db import Database
from pccspend.export import FORMATS, NO_AMOUNT, NO_RECIPIENT, default_prefix, export_bytes, export_file
from pccspend.filters import Filters
from pccspend.giving360 import flat_columns
from pccspend.importing import import_file
from pccspend import vocab
from pccspend.register import AWARD_COLUMNS, STATUTORY_COLUMNS
from tests.conftest import HELD_BACK, WHO
from tests.test_import import empty_register

REQUIRED_TITLES = ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
                   "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name"]
OMITTED = {
    ("CAM-BCB170511-CDRG-C11", NO_RECIPIENT), ("CAM-BCB170511-CRSF01", NO_RECIPIENT),
    ("CAM-BCB170511-CDRG-V06", NO_AMOUNT), ("CAM-BCB170511-YF01", NO_AMOUNT), ("LEI-EXE0001-R3", NO_AMOUNT),
    ("LEI-EXE0001-R4", NO_AMOUNT), ("WMD-FOI201301354-01", NO_AMOUNT), ("LEI-EXE0004-21-T2-05", NO_RECIPIENT),
}
# Provenance is the file, and who decided to publish is the person importing. The 360Giving
# formats do not carry the statutory fields yet (issue 15 keeps what a grant arrives with).
# Themes and streams as the documents state them: the empty register has no office rules, so its
# build classifies only from the documents.
COMPARED = [{"theme": "stated_theme", "funding_stream": "stated_funding_stream"}.get(c, c) for c in AWARD_COLUMNS
            if c not in ("source_id", "source_locator", "publication_decided_by", "publication_decided_on")]
COMPARED_360 = [c for c in COMPARED if c not in STATUTORY_COLUMNS + ["recipient_org_id"]]


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_360giving_csv_has_the_standards_fields_and_only_published_awards(db, built_data):
    result = export_bytes(db, Filters(include_unpublished=True), "360giving-csv")
    rows = csv_rows(result.content)
    assert list(rows[0]) == flat_columns()
    assert all(row[title] for row in rows for title in REQUIRED_TITLES)
    assert set(result.omitted) == OMITTED
    published = set(db.query("awards", Filters())["award_id"])
    exported = {row["pccspend:Award ID"] for row in rows}
    assert exported == published - {a for a, _ in OMITTED}
    assert result.rows == len(rows) == 48
    assert rows[0] == {
        "Identifier": "360G-pccspend-CAM-BCB150714-01", "Title": "Peterborough Substance Misuse Innovation Fund",
        "Description": "Annual Innovation Fund alongside the new integrated drugs and alcohol treatment contract in "
                       "Peterborough; the treatment provider is invited to submit proposals against outcome measures.",
        "Currency": "GBP", "Amount Awarded": "150000.00", "Award Date": "2015-07-14",
        "Planned Dates:Start Date": "2016-04-01", "Planned Dates:End Date": "2017-03-31",
        "Planned Dates:Duration (months)": "",
        "Recipient Org:Identifier": "360G-pccspend-org-peterborough-city-council",
        "Recipient Org:Name": "Peterborough City Council", "Beneficiary Location:Name": "Cambridgeshire",
        "Beneficiary Location:Country Code": "GB", "Beneficiary Location:Geographic Code": "",
        "Beneficiary Location:Geographic Code Type": "",
        "Funding Org:Identifier": "360G-pccspend-org-cambridgeshire-police-and-crime-commissioner",
        "Funding Org:Name": "Cambridgeshire Police and Crime Commissioner", "Grant Programme:Title": "",
        "Last Modified": "", "Data Source": "",
        # No theme, so no classification; the columns are there for the awards that have one.
        "Classifications:Vocabulary": "", "Classifications:Code": "", "Classifications:Title": "",
        "Classifications:1:Vocabulary": "", "Classifications:1:Code": "", "Classifications:1:Title": "",
        "pccspend:Award ID": "CAM-BCB150714-01", "pccspend:Commitment ID": "", "pccspend:Theme": "",
        "pccspend:Plan Priority": "", "pccspend:Provider Sector": "local authority", "pccspend:Amount Note": "",
        "pccspend:Mechanism": "grant", "pccspend:Status": "committed", "pccspend:Decision Ref": "",
        "pccspend:Decision Date": "2015-07-14",
        "pccspend:Notes": "The report names no theme or funding stream; earlier contributions came from historical "
                          "Drugs Intervention Programme funding (paragraph 3.1).",
        "pccspend:Source": "Creation of a Substance Misuse 'Innovation Fund' in Peterborough",
        "pccspend:Source Locator": "Paragraph 2.2 (repeated in 5.2)",
    }


THEMED = {
    "CAM-BCB170511-VS01": [{"vocabulary": "pccspend:theme", "code": "victims", "title": "Victims"},
                           {"vocabulary": "UKCAT", "code": "CJ105", "title": "Victim support"}],
    "CAM-BCB170511-CDRG-O01": [{"vocabulary": "pccspend:theme", "code": "offenders", "title": "Offenders"},
                               {"vocabulary": "UKCAT", "code": "CJ101",
                                "title": "Offender support and rehabilitation"}],
    # No UKCAT code fits community safety as a whole, so none is given.
    "CAM-BCB170511-CDRG-C01": [{"vocabulary": "pccspend:theme", "code": "communities",
                                "title": "Communities"}],
}


def test_themes_travel_as_classifications_in_every_format(db):
    grants = json.loads(export_bytes(db, Filters(), "360giving-json").content)["grants"]
    by_award = {g["pccspend"]["awardId"]: g for g in grants}
    assert {a: by_award[a]["classifications"] for a in THEMED} == THEMED
    assert "classifications" not in by_award["CAM-BCB150714-01"]  # no theme stated
    rows = {r["pccspend:Award ID"]: r for r in csv_rows(export_bytes(db, Filters(), "360giving-csv").content)}
    titles = [f"Classifications:{n}{k}" for n in ("", "1:") for k in ("Vocabulary", "Code", "Title")]
    flat = {a: [rows[a][t] for t in titles] for a in THEMED}
    assert flat == {
        "CAM-BCB170511-VS01": ["pccspend:theme", "victims", "Victims", "UKCAT", "CJ105", "Victim support"],
        "CAM-BCB170511-CDRG-O01": ["pccspend:theme", "offenders", "Offenders", "UKCAT", "CJ101",
                                   "Offender support and rehabilitation"],
        "CAM-BCB170511-CDRG-C01": ["pccspend:theme", "communities", "Communities", "", "", ""],
    }
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(db, Filters(), "360giving-xlsx").content))
    header = [c.value for c in next(book["grants"].iter_rows(max_row=1))]
    assert header == flat_columns()


def test_an_award_without_a_decision_date_is_dated_by_its_document(fresh_data):
    path = fresh_data.register / "awards.csv"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("LEI-EXE0001-T1-201718,"))
    undated = line.replace(",2016-02-18,LEI-EXE0001,", ",,LEI-EXE0001,")
    assert undated != line
    path.write_text(text.replace(line, undated), encoding="utf-8")
    build(fresh_data)
    items = json.loads(export_bytes(Database(fresh_data), Filters(), "360giving-json").content)["grants"]
    grant = next(g for g in items if g["pccspend"]["awardId"] == "LEI-EXE0001-T1-201718")
    # The decision record LEI-EXE0001 is dated 18 February 2016; the export says no decision date.
    assert (grant["awardDate"], "decisionDate" in grant["pccspend"]) == ("2016-02-18", False)


@pytest.mark.parametrize("fmt,suffix", [("360giving-csv", "csv"), ("360giving-json", "json"),
                                        ("360giving-xlsx", "xlsx")])
def test_round_trip_through_360giving_gives_the_same_awards_and_totals(db, tmp_path, fmt, suffix):
    out = tmp_path / f"awards.{suffix}"
    result = export_file(db, Filters(), fmt, out)
    empty = empty_register(tmp_path / "data")
    plan = import_file(empty, out, publish=True, who=WHO)
    assert plan.ok and plan.added == result.rows == 48
    left_out = [a for a, _ in result.omitted]
    original = db.query("awards", Filters()).filter(~pl.col("award_id").is_in(left_out))
    again = Database(empty).query("awards", Filters())
    assert again.select(COMPARED_360).to_dicts() == original.select(COMPARED_360).to_dicts()

    def totals(frame):
        return frame.group_by("area", "financial_year").agg(pl.col("amount_gbp").sum()).sort("area", "financial_year").rows()

    assert totals(again) == totals(original)
    # The same classifications leave the second register as left the first (the theme and UKCAT code).
    assert _classified(Database(empty)) == _classified(db)
    # The only money not carried: the three awards the documents give no recipient for.
    everything = db.query("awards", Filters())["amount_gbp"].sum()
    assert again["amount_gbp"].sum() == everything - Decimal("67000") - Decimal("15000") - Decimal("131073")


def _classified(db) -> dict:
    grants = json.loads(export_bytes(db, Filters(), "360giving-json").content)["grants"]
    return {g["id"]: g.get("classifications") for g in grants}


def test_round_trip_through_the_registers_xlsx_keeps_every_published_award(db, tmp_path):
    out = tmp_path / "awards.xlsx"
    result = export_file(db, Filters(), "xlsx", out)
    empty = empty_register(tmp_path / "data")
    assert import_file(empty, out, publish=True, who=WHO).ok
    original = db.query("awards", Filters())
    again = Database(empty).query("awards", Filters())
    assert result.rows == original.height == again.height == 56
    assert again.select(COMPARED).to_dicts() == original.select(COMPARED).to_dicts()


HOSTILE = {"service": '=HYPERLINK("http://example.invalid","click")', "description": "+1+1",
           "provider": "@SUM(A1)", "notes": "-2"}


@pytest.fixture
def hostile_db(fresh_data):
    """The register with spreadsheet formulas in one published award's text."""
    path = fresh_data.register / "awards.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows[1].update(HOSTILE)  # CAM-BCB170511-VS01
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    build(fresh_data)
    return Database(fresh_data)


def test_formulas_are_neutralised_in_every_format_and_restored_on_import(hostile_db, tmp_path):
    wanted = {f"'{v}" for v in HOSTILE.values()}
    flat = csv_rows(export_bytes(hostile_db, Filters(), "360giving-csv").content)
    row = next(r for r in flat if r["pccspend:Award ID"] == "CAM-BCB170511-VS01")
    assert {row["Title"], row["Description"], row["Recipient Org:Name"], row["pccspend:Notes"]} == wanted
    grants = json.loads(export_bytes(hostile_db, Filters(), "360giving-json").content)["grants"]
    grant = next(g for g in grants if g["pccspend"]["awardId"] == "CAM-BCB170511-VS01")
    assert {grant["title"], grant["description"], grant["recipientOrganization"][0]["name"],
            grant["pccspend"]["notes"]} == wanted
    for fmt in ("360giving-xlsx", "xlsx"):
        wb = openpyxl.load_workbook(io.BytesIO(export_bytes(hostile_db, Filters(), fmt).content))
        cells = [c for r in wb.active.iter_rows() for c in r]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert wanted <= {c.value for c in cells}
    # Importing our own export gives the text back as it was.
    out = tmp_path / "hostile.csv"
    export_file(hostile_db, Filters(), "360giving-csv", out)
    empty = empty_register(tmp_path / "empty")
    assert import_file(empty, out, who=WHO).ok
    back = pl.read_csv(empty.register / "awards.csv", infer_schema=False).filter(
        pl.col("award_id") == "CAM-BCB170511-VS01").select(list(HOSTILE)).row(0, named=True)
    assert back == HOSTILE


def test_the_identifier_prefix_is_configurable(db, monkeypatch):
    items = json.loads(export_bytes(db, Filters(), "360giving-json", prefix="360G-examplepcc-").content)["grants"]
    assert all(g["id"] == f"360G-examplepcc-{g['pccspend']['awardId']}" for g in items)
    assert all(g["recipientOrganization"][0]["id"].startswith("360G-examplepcc-org-") for g in items)
    monkeypatch.setenv("PCCSPEND_360_PREFIX", "360G-fromenv-")
    assert default_prefix() == "360G-fromenv-"
    assert json.loads(export_bytes(db, Filters(), "360giving-json").content)["grants"][0]["id"].startswith("360G-fromenv-")
    with pytest.raises(ValueError, match="must be letters, digits"):
        export_bytes(db, Filters(), "360giving-csv", prefix="no spaces please")


def test_cli_export_writes_published_awards_and_names_what_it_left_out(built_data, tmp_path):
    out = tmp_path / "leics.json"
    result = CliRunner().invoke(main, ["export", "--format", "360giving-json", "--out", str(out), "--area",
                                       "Leicestershire", "--data", str(built_data.root)])
    assert result.exit_code == 0, result.output
    grants = json.loads(out.read_text(encoding="utf-8"))["grants"]
    assert result.stdout == f"Wrote {len(grants)} published award(s) to {out} (360giving-json).\n"
    assert result.stderr.splitlines() == [f"left out LEI-EXE0001-R3: {NO_AMOUNT}", f"left out LEI-EXE0001-R4: {NO_AMOUNT}",
                                          f"left out LEI-EXE0004-21-T2-05: {NO_RECIPIENT}"]
    assert {g["beneficiaryLocation"][0]["name"] for g in grants} == {"Leicestershire"}



def test_no_held_back_award_is_exported_whatever_the_filter_asks(held_back_data, tmp_path):
    db = Database(held_back_data)
    for fmt in FORMATS:
        content = export_bytes(db, Filters(include_unpublished=True, statuses=tuple(vocab.STATUSES)), fmt).content
        if fmt.endswith("xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(content))
            content = "\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row).encode()
        assert all(award_id.encode() not in content for award_id in HELD_BACK), fmt
        assert b"LEI-EXE0004-21-T2-02" in content  # its published neighbour is there


@pytest.mark.parametrize("args,message", [
    (["--prefix", "bad prefix"], "Error: identifier prefix 'bad prefix' must be letters"),
    (["--year", "2017-18"], "Error: year '2017-18': not a financial year like 2017/18"),
    (["--area", "Atlantis"], "Error: area 'Atlantis': there is no such area"),
])
def test_cli_export_refuses_bad_options_with_one_line(built_data, tmp_path, args, message):
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(main, ["export", "--format", "360giving-csv", "--out", str(out),
                                       "--data", str(built_data.root), *args])
    assert result.exit_code == 2 and result.stderr.startswith(message) and not out.exists()


def test_cli_offers_exactly_the_export_formats():
    choices = next(p for p in export_command.params if p.name == "fmt").type.choices
    assert list(choices) == list(FORMATS)
