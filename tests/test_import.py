"""Importing files into the register: the real Trafford 360Giving file, re-imports, bad files, the
office's spreadsheet, the theme mapping, property tests, the CLI and the Import page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pccspend.cli import main
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.importing import (
    ImportRefused, apply_import, import_file, plan_import, problem_rows, report_lines,
)
from pccspend.paths import PROJECT_ROOT, DataDir
from pccspend.cells import AMOUNT_LIMIT_RULE, AMOUNT_RULE, DATE_RULE, parse_amount
from pccspend.register import AWARD_COLUMNS, SOURCE_COLUMNS, TOTAL_COLUMNS
from pccspend.validate import Problem
from tests.conftest import WHO

FIXTURES = Path(__file__).parent / "fixtures"
TRAFFORD = FIXTURES / "trafford_council_voluntary_sector_grants.csv"
NAME = TRAFFORD.name
SOURCE = "IMPORT-f8e50ff2af0c"  # "IMPORT-" + the file's sha256, first 12 hex digits


def trafford_rows() -> tuple[list[str], list[list[str]]]:
    with open(TRAFFORD, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])  # \r\n ends rows, so a lone \r in a cell is quoted
    return path


def register_bytes(data: DataDir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.register.iterdir())}


def leftovers(data: DataDir) -> list[str]:
    return [p.name for p in data.root.iterdir() if p.name.startswith(".import-")]


def empty_register(root: Path) -> DataDir:
    """A data folder whose register holds no rows at all."""
    (root / "register").mkdir(parents=True)
    for name, cols in (("awards.csv", AWARD_COLUMNS), ("sources.csv", SOURCE_COLUMNS),
                       ("stated_totals.csv", TOTAL_COLUMNS)):
        (root / "register" / name).write_text(",".join(cols) + "\n", encoding="utf-8")
    return DataDir(root)


def own_fy(day: str) -> str:
    """April-March financial year, computed here independently of pccspend.fy."""
    d = dt.date.fromisoformat(day)
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}/{str(start + 1)[2:]}"


# -- the real council file ------------------------------------------------------------------------

def test_trafford_imports_as_area_trafford_and_totals_by_year_match_the_file(fresh_data):
    plan = import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    assert (plan.ok, plan.rows, plan.added, plan.changed, plan.unchanged) == (True, 555, 555, 0, 0)

    header, rows = trafford_rows()
    at = {name: i for i, name in enumerate(header)}
    expected: dict[str, Decimal] = {}
    for r in rows:
        assert r[at["Currency"]] == "GBP"
        fy = own_fy(r[at["Award Date"]])
        expected[fy] = expected.get(fy, Decimal(0)) + Decimal(r[at["Amount Awarded"]])

    # imported as drafts: the office sees them with the unpublished rows
    awards = Database(fresh_data).query("awards", Filters(areas=("Trafford",), include_unpublished=True))
    assert awards.height == 555
    got = dict(awards.group_by("financial_year").agg(pl.col("amount_gbp").sum()).iter_rows())
    assert got == expected
    # Checked by hand (a DuckDB read of the CSV, grouping award dates April-March).
    assert got["2012/13"] == Decimal("20680.00")
    assert got["2013/14"] == Decimal("136552.62")
    assert got["2019/20"] == Decimal("188948.83")
    assert got["2024/25"] == Decimal("83330.00")
    assert "2015/16" not in got  # the council made no grants that year
    assert sum(got.values()) == Decimal("1291436.54")
    assert plan.gbp_by_year == expected


def test_each_trafford_grant_becomes_one_traceable_award_row(fresh_data):
    import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    awards = pl.read_csv(fresh_data.register / "awards.csv", infer_schema=False)
    first = awards.filter(pl.col("award_id") == "360G-traffordmbc-VSG1342").row(0, named=True)
    assert first == {
        "award_id": "360G-traffordmbc-VSG1342", "commitment_id": None, "area": "Trafford",
        "funder": "Trafford Metropolitan Borough Council", "financial_year": "2012/13", "theme": None,
        "plan_priority": None, "funding_stream": "Voluntary Sector Grants",
        "service": "Voluntary Sector Grant to Altrincham Children's Choir",
        "description": "Create and run community choirs involving children working in partnership with local "
                       "schools, businesses, third sector groups etc. which will culminate in a series of performances",
        "provider": "Altrincham Children's Choir", "provider_sector": "other", "amount_gbp": "2266.00",
        "amount_note": None, "mechanism": "grant", "status": "awarded", "decision_ref": None,
        "decision_date": "2013-01-18", "source_id": SOURCE, "source_locator": "row 2", "recipient_org_id": "360G-trafford-altrincham_childrens_choir",
        "purpose": None, "conditions": None, "crime_reduction_reasons": None, "value_for_money_reasons": None,
        "contract_value_gbp": None, "contract_copy_url": None, "publication": "draft", "redacted_fields": None,
        "publication_reason": None, "publication_decided_by": None, "publication_decided_on": None, "notes": None,
    }
    # A recipient with a registered charity number is a voluntary-sector body.
    cyril = awards.filter(pl.col("award_id") == "360G-traffordmbc-VSG1345")["provider_sector"].item()
    assert cyril == "voluntary sector"
    sources = pl.read_csv(fresh_data.register / "sources.csv", infer_schema=False)
    source = sources.filter(pl.col("source_id") == SOURCE).row(0, named=True)
    assert source == {
        "source_id": SOURCE, "title": f"Import of {NAME}", "publisher": "Trafford Metropolitan Borough Council",
        "published_date": dt.date.today().isoformat(), "kind": "import", "file_name": NAME, "url": None,
        "reference": "sha256 f8e50ff2af0c3dd5bba60af95c034b5e43aa1e6454289a5230c3f93fb210d91e",
    }
    streams = (fresh_data.register / "funding_streams.csv").read_text(encoding="utf-8").splitlines()
    assert streams[-2:] == [
        f"Voluntary Sector Grants,Grant programme of Trafford Metropolitan Borough Council; added by the import of {NAME}.",
        f"Inclusive Neighbourhood Grants,Grant programme of Trafford Metropolitan Borough Council; added by the import of {NAME}.",
    ]


def test_reimporting_the_same_file_changes_nothing(fresh_data):
    import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    before, build = register_bytes(fresh_data), fresh_data.current.resolve()
    plan = import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    assert (plan.ok, plan.added, plan.changed, plan.unchanged) == (True, 0, 0, 555)
    assert report_lines(plan, applied=True)[-1] == "Nothing to do: the register already holds every row of this file."
    assert register_bytes(fresh_data) == before
    assert fresh_data.current.resolve() == build
    assert leftovers(fresh_data) == []


def test_dry_run_reports_and_writes_nothing(fresh_data):
    before = register_bytes(fresh_data)
    plan = import_file(fresh_data, TRAFFORD, "Trafford", dry_run=True, who=WHO)
    lines = report_lines(plan)
    assert lines[:5] == [
        f"{NAME}: 360Giving CSV, 555 row(s), area Trafford",
        "would add 555, would change 0, unchanged 0, rejected 0",
        "the 555 new award(s) land as drafts: no public figure changes until someone publishes them (Review page, "
        "or `python -m pccspend decide`)",
        "GBP by financial year: 2012/13 £20,680, 2013/14 £136,552.62, 2014/15 £99,018.74, 2016/17 £74,455.51, "
        "2017/18 £59,385.05, 2018/19 £136,793.63, 2019/20 £188,948.83, 2020/21 £165,599.32, 2021/22 £102,114.83, "
        "2022/23 £124,562.01, 2023/24 £99,996, 2024/25 £83,330",
        "new funding streams (added to funding_streams.csv): Voluntary Sector Grants, Inclusive Neighbourhood Grants",
    ]
    assert lines[5].startswith("555 row(s) no theme (no rule in import_mapping.csv matched; left empty): rows 2, 3, 4,")
    assert register_bytes(fresh_data) == before
    assert not fresh_data.current.exists()
    assert leftovers(fresh_data) == []


def test_a_changed_row_is_reported_then_updated(fresh_data, tmp_path):
    import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    header, rows = trafford_rows()
    rows[0][header.index("Amount Awarded")] = "2300"
    edited = write_csv(tmp_path / "trafford_v2.csv", header, rows)
    with plan_import(fresh_data, edited, "Trafford") as plan:
        assert (plan.added, plan.changed, plan.unchanged) == (0, 1, 554)
        assert plan.changes == [(2, "360G-traffordmbc-VSG1342", {"amount_gbp": ("2266.00", "2300.00")})]
        apply_import(fresh_data, plan, who=WHO)
    awards = pl.read_csv(fresh_data.register / "awards.csv", infer_schema=False)
    row = awards.filter(pl.col("award_id") == "360G-traffordmbc-VSG1342")
    assert row.select("amount_gbp", "source_locator").row(0) == ("2300.00", "row 2")
    assert row["source_id"].item() != SOURCE  # the new file vouches for the new figure
    assert awards.filter(pl.col("source_id") == SOURCE).height == 554  # the old file still for the rest


def test_an_import_refuses_when_the_register_changed_since_the_plan(fresh_data):
    with plan_import(fresh_data, TRAFFORD, "Trafford") as plan:
        with open(fresh_data.register / "funding_streams.csv", "a", encoding="utf-8") as fh:
            fh.write("Someone else's stream,Added while the import was being looked at\n")
        before = register_bytes(fresh_data)
        with pytest.raises(ImportRefused, match="the register changed since this import was planned"):
            apply_import(fresh_data, plan, who=WHO)
    assert register_bytes(fresh_data) == before


def test_a_file_breaking_a_register_wide_rule_is_rejected_whole(fresh_data, tmp_path):
    """The staged register is validated as a whole: an id a stated total already covers is refused."""
    header, rows = trafford_rows()
    rows = rows[:2]
    rows[1][0] = "CAM-BCB170511-VS99"  # matches the stated total CAM-BCB170511-BUD-MOJ's CAM-BCB170511-VS*
    path = write_csv(tmp_path / "clash.csv", header, rows)
    before = register_bytes(fresh_data)
    plan = import_file(fresh_data, path, "Trafford", who=WHO)
    assert not plan.ok
    assert {(p.file, p.column) for p in plan.problems} == {("stated_totals.csv", "covers_award_ids")}
    assert register_bytes(fresh_data) == before and leftovers(fresh_data) == []


# -- bad files: rejected with row and column, register untouched ----------------------------------

def _trafford_with(edit) -> bytes:
    header, rows = trafford_rows()
    header, rows = edit(header, [list(r) for r in rows[:3]])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def _drop_columns(header, rows):
    keep = [i for i, h in enumerate(header) if h not in ("Amount Awarded", "Award Date")]
    return [header[i] for i in keep], [[r[i] for i in keep] for r in rows]


def _bad_cells(header, rows):
    rows[1][header.index("Amount Awarded")] = "12,34.5x"
    rows[2][header.index("Award Date")] = "18/13/2013"
    rows[2][header.index("Currency")] = "pounds"
    return header, rows


def _duplicate(header, rows):
    rows[2][0] = rows[0][0]
    return header, rows


def _formula_workbook() -> bytes:
    header, rows = trafford_rows()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows[:2]:
        ws.append(r)
    ws.cell(row=3, column=header.index("Amount Awarded") + 1, value="=1+1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


MISSING = "required column is missing"
# Latin-1 text is read as Windows-1252 (tests/test_360giving_in.py); 0x81 is in neither encoding.
NOT_TEXT = TRAFFORD.read_bytes()[:2000].replace(b"Choir", b"Ch\x81oir")
NOT_TEXT_AT = NOT_TEXT.index(b"\x81")
BAD_FILES = {
    "missing-columns.csv": (lambda: _trafford_with(_drop_columns), [
        Problem("missing-columns.csv", 1, "Amount Awarded", None, MISSING),
        Problem("missing-columns.csv", 1, "Award Date", None, MISSING),
    ]),
    "bad-cells.csv": (lambda: _trafford_with(_bad_cells), [
        Problem("bad-cells.csv", 3, "Amount Awarded", "12,34.5x", AMOUNT_RULE),
        Problem("bad-cells.csv", 4, "Currency", "pounds", "currency must be a three-letter ISO 4217 code, e.g. GBP"),
        Problem("bad-cells.csv", 4, "Award Date", "18/13/2013", DATE_RULE),
    ]),
    "duplicates.csv": (lambda: _trafford_with(_duplicate), [
        Problem("duplicates.csv", 4, "Identifier", "360G-traffordmbc-VSG1342",
                "duplicate identifier: row 2 has it too; duplicates are not merged"),
    ]),
    "empty.csv": (lambda: b"", [
        Problem("empty.csv", None, None, None,
                "empty file: expected a header row (CSV, XLSX) or a 360Giving JSON package"),
    ]),
    "blank.csv": (lambda: b" \r\n\r\n", [
        Problem("blank.csv", None, None, None,
                "empty file: expected a header row (CSV, XLSX) or a 360Giving JSON package"),
    ]),
    "header-only.csv": (lambda: TRAFFORD.read_bytes().splitlines(keepends=True)[0], [
        Problem("header-only.csv", None, None, None, "no rows to import: the file has a header but no data"),
    ]),
    "binary.csv": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), [
        Problem("binary.csv", None, None, None, "binary content (NUL byte): expected a CSV, XLSX or JSON file"),
    ]),
    "not-text.csv": (lambda: NOT_TEXT, [
        Problem("not-text.csv", None, None, None, f"neither UTF-8 (byte {NOT_TEXT_AT}) nor Windows-1252 text "
                                                  f"(byte {NOT_TEXT_AT}): save the file as CSV UTF-8"),
    ]),
    "old.xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, [
        Problem("old.xls", None, None, None,
                "an old Excel (.xls) workbook: save it as .xlsx or CSV UTF-8 and import that"),
    ]),
    "broken.xlsx": (lambda: b"PK\x03\x04 this is not really a zip", [
        Problem("broken.xlsx", None, None, None, "not a readable XLSX workbook (BadZipFile)"),
    ]),
    "formula.xlsx": (_formula_workbook, [
        Problem("formula.xlsx", 3, "Amount Awarded", "=1+1", "a formula, not a value: paste values before importing"),
    ]),
    "unknown.csv": (lambda: b"name,money\nA,1\n", [
        Problem("unknown.csv", 1, None, None,
                "unrecognised columns: expected 360Giving column titles (Identifier, Title, Currency, Amount "
                "Awarded, Award Date, ...) or the register's (award_id, financial_year, ...); for the office's own "
                "spreadsheet, map its columns (the Import page's column step, or --map \"Their "
                "column=register_column\")"),
    ]),
    "no-grants.json": (lambda: b'{"title": "a package without grants"}', [
        Problem("no-grants.json", None, None, None, 'no grants: expected a 360Giving package {"grants": [...]}'),
    ]),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_are_rejected_with_row_and_column_and_the_register_is_untouched(fresh_data, tmp_path, name):
    make, expected = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    before = register_bytes(fresh_data)
    plan = import_file(fresh_data, path, "Trafford", who=WHO)
    assert sorted(plan.problems, key=lambda p: (p.row or 0, p.column or "")) == \
        sorted(expected, key=lambda p: (p.row or 0, p.column or ""))
    assert not plan.ok and report_lines(plan)[1].startswith("REJECTED:")
    assert register_bytes(fresh_data) == before
    assert not fresh_data.current.exists()
    assert leftovers(fresh_data) == []


def test_broken_json_names_where_it_broke(fresh_data, tmp_path):
    path = tmp_path / "cut.json"
    good = {"id": "360G-x-1", "title": "T", "description": "D", "currency": "GBP", "amountAwarded": 5,
            "awardDate": "2020-05-01", "fundingOrganization": [{"id": "F", "name": "Funder"}]}
    path.write_text('{"grants": [' + json.dumps(good) + ', {"id": "360G-x-2", "title": ', encoding="utf-8")
    plan = import_file(fresh_data, path, "Trafford", who=WHO)
    assert [(p.file, p.row, p.column) for p in plan.problems] == [("cut.json", 2, None)]
    assert plan.problems[0].rule.startswith("not valid JSON after grant 1:")


def test_a_bad_file_leaves_an_existing_build_untouched(fresh_data, tmp_path):
    import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    target = fresh_data.current.resolve()
    files = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    path = tmp_path / "bad-cells.csv"
    path.write_bytes(_trafford_with(_bad_cells))
    assert not import_file(fresh_data, path, "Trafford", who=WHO).ok
    assert fresh_data.current.resolve() == target
    assert {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()} == files


# -- mapping: currency, planned dates, themes, the register's own layout ---------------------------

def test_other_currencies_are_kept_but_never_added_to_gbp_totals(fresh_data, tmp_path):
    header, rows = trafford_rows()
    rows = rows[:3]
    rows[1][header.index("Currency")] = "EUR"
    plan = import_file(fresh_data, write_csv(tmp_path / "eur.csv", header, rows), "Trafford", who=WHO)
    assert plan.ok and plan.notes["other_currency"].rows == [3]
    assert plan.gbp_by_year == {"2012/13": Decimal("2266.00") + Decimal("495.00")}
    awards = pl.read_csv(fresh_data.register / "awards.csv", infer_schema=False)
    row = awards.filter(pl.col("award_id") == rows[1][0]).select("amount_gbp", "amount_note").row(0)
    assert row == (None, "3028.63 EUR awarded: not GBP, so not counted in GBP totals")


def test_financial_year_follows_planned_dates_and_multi_year_grants_are_noted(fresh_data, tmp_path):
    header, rows = trafford_rows()
    rows = rows[:1]
    rows[0][header.index("Award Date")] = "2018-03-20"  # decided in 2017/18 ...
    rows[0][header.index("Planned Dates:Start Date")] = "2018-04-01"  # ... for money from 2018/19
    rows[0][header.index("Planned Dates:Duration (months)")] = "36"
    plan = import_file(fresh_data, write_csv(tmp_path / "multi.csv", header, rows), "Trafford", who=WHO)
    assert plan.ok and plan.gbp_by_year == {"2018/19": Decimal("2266.00")}
    award = pl.read_csv(fresh_data.register / "awards.csv", infer_schema=False).filter(
        pl.col("award_id") == rows[0][0]).select("financial_year", "decision_date", "amount_note").row(0)
    assert award == ("2018/19", "2018-03-20",
                     "planned 2018-04-01 to 2021-03-31 (2018/19 to 2020/21); the whole amount is recorded in 2018/19")


def test_themes_and_sectors_come_from_the_offices_mapping_file(fresh_data):
    (fresh_data.register / "import_mapping.csv").write_text(
        "match_on,pattern,theme,provider_sector,reason,decided_by,decided_on\n"
        "programme,inclusive neighbourhood grants,communities,voluntary sector,hubs,A. Officer,2026-01-05\n"
        "keyword,befriending,victims,,befriending supports victims,A. Officer,\n"
        "programme,Voluntary Sector Grants,,voluntary sector,every recipient is a VCSE body,A. Officer,\n",
        encoding="utf-8")
    plan = import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    header, rows = trafford_rows()
    at = {h: i for i, h in enumerate(header)}

    def expected_theme(r):
        if r[at["Grant Programme:Title"]] == "Inclusive Neighbourhood Grants":
            return "communities"
        text = f"{r[at['Title']]} {r[at['Description']]}"
        return "victims" if re.search(r"\bbefriending\b", text, re.IGNORECASE) else None

    awards = pl.read_csv(fresh_data.register / "awards.csv", infer_schema=False).filter(pl.col("area") == "Trafford")
    # The register keeps the theme as the file states it (none); the build classifies by the rules.
    assert set(awards["theme"]) == {None}
    built = Database(fresh_data).query("awards", Filters(areas=("Trafford",), include_unpublished=True))
    got = dict(built.select("award_id", "theme").iter_rows())
    assert got == {r[0]: expected_theme(r) for r in rows}
    bases = built.filter(pl.col("theme_basis").is_not_null()).select(
        "theme_basis", "theme_rule", "theme_rule_decided_by").unique().sort("theme_rule").rows()
    assert bases == [
        ("office", "import_mapping.csv row 2: programme inclusive neighbourhood grants", "A. Officer on 2026-01-05"),
        ("office", "import_mapping.csv row 3: keyword befriending", "A. Officer"),
    ]
    assert set(awards["provider_sector"]) == {"voluntary sector"}
    assert plan.notes["no_theme"].count == sum(expected_theme(r) is None for r in rows)
    assert plan.notes["sector_other"].count == 0


def test_a_broken_mapping_file_stops_the_import(fresh_data):
    (fresh_data.register / "import_mapping.csv").write_text(
        "match_on,pattern,theme,provider_sector,reason,decided_by,decided_on\n"
        "programme,Voluntary Sector Grants,policing,,why,A. Officer,\n"
        "regex,.*,victims,,why,A. Officer,\n", encoding="utf-8")
    before = register_bytes(fresh_data)
    plan = import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    assert plan.problems == [
        Problem("import_mapping.csv", 2, "theme", "policing", "theme must be one of: communities, offenders, victims"),
        Problem("import_mapping.csv", 3, "match_on", "regex",
                "match_on must be one of: programme, keyword, award, commitment"),
    ]
    assert register_bytes(fresh_data) == before


def _office_workbook(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Our grants"
    ws.append(["award_id", "funder", "financial_year", "service", "provider", "provider_sector", "amount_gbp",
               "mechanism", "status", "is_public", "funding_stream", "decision_date", "theme", "Our notes"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_offices_spreadsheet_in_the_registers_layout_imports(fresh_data, tmp_path):
    funder = "Cambridgeshire Police and Crime Commissioner"
    path = tmp_path / "our-grants-2024.xlsx"
    path.write_bytes(_office_workbook([
        ["CAM-2024-001", funder, "2024/25", "Rural crime watch", "Fenland Watch", "voluntary sector", 12500.5,
         "grant", "awarded", True, "Youth Fund", dt.datetime(2024, 5, 2), "communities", "ignored"],
        ["CAM-2024-002", funder, "2024/25", "Victim advocacy", None, None, None,
         "grant agreement", "planned", "false", "MoJ Victims' Services Grant", "02/05/2024", None, None],
    ]))
    plan = import_file(fresh_data, path, "Cambridgeshire", who=WHO)
    # An old spreadsheet's is_public is not read: a publication decision is made on review.
    assert (plan.ok, plan.layout, plan.added, plan.ignored_columns) == (True, "register XLSX", 2,
                                                                        ["is_public", "Our notes"])
    awards = pl.read_csv(fresh_data.register / "awards.csv", infer_schema=False)
    got = awards.filter(pl.col("award_id").str.starts_with("CAM-2024-")).select(
        "award_id", "area", "theme", "funding_stream", "provider_sector", "amount_gbp", "status", "publication",
        "decision_date", "source_locator").rows()
    assert got == [
        ("CAM-2024-001", "Cambridgeshire", "communities", "Youth Fund", "voluntary sector", "12500.50", "awarded",
         "draft", "2024-05-02", "row 2"),
        # The register keeps the theme as the file states it (none) ...
        ("CAM-2024-002", "Cambridgeshire", None, "MoJ Victims' Services Grant", None, None, "planned", "draft",
         "2024-05-02", "row 3"),
    ]
    # ... and the build classifies it: the bundled mapping file says MoJ victims' services money is
    # victims' work.
    built = Database(fresh_data).query("awards", Filters(include_unpublished=True, search="Victim advocacy"))
    assert built.select("award_id", "theme", "theme_basis", "theme_rule").rows() == [
        ("CAM-2024-002", "victims", "office", "import_mapping.csv row 2: programme MoJ Victims' Services Grant")]


def test_the_registers_layout_is_held_to_the_registers_rules(fresh_data, tmp_path):
    from pccspend import vocab

    funder = "Cambridgeshire Police and Crime Commissioner"
    path = tmp_path / "ours.xlsx"
    path.write_bytes(_office_workbook([
        ["CAM-X-1", funder, "2024/26", "A", "Body", None, "-5", "gift", "awarded", "maybe", "Lottery"],
        ["CAM X 2", funder, "2024/25", "B", None, "police", 10, "grant", "planned", "true", None, "2024-13-01", "x"],
    ]))
    before = register_bytes(fresh_data)
    plan = import_file(fresh_data, path, "Cambridgeshire", who=WHO)

    def one_of(col, allowed):
        return f"{col} must be one of: {', '.join(sorted(allowed))}"

    assert sorted(plan.problems) == sorted([
        Problem("ours.xlsx", 2, "amount_gbp", "-5", "amount must be >= 0"),
        Problem("ours.xlsx", 2, "financial_year", "2024/26",
                "financial year must be YYYY/YY with consecutive years, e.g. 2017/18"),
        Problem("ours.xlsx", 2, "funding_stream", "Lottery", one_of("funding_stream", vocab.FUNDING_STREAMS)),
        Problem("ours.xlsx", 2, "mechanism", "gift", one_of("mechanism", vocab.MECHANISMS)),
        Problem("ours.xlsx", 2, "provider_sector", None, "provider_sector is required when a provider is named"),
        Problem("ours.xlsx", 3, "amount_gbp", "10.00", "a planned award carries no amount"),
        Problem("ours.xlsx", 3, "award_id", "CAM X 2",
                "an identifier may hold only letters, digits and . _ / - (and starts with a letter or digit)"),
        Problem("ours.xlsx", 3, "decision_date", "2024-13-01", DATE_RULE),
        Problem("ours.xlsx", 3, "provider_sector", "police", "provider_sector given without a provider"),
        Problem("ours.xlsx", 3, "theme", "x", one_of("theme", vocab.THEMES)),
    ])
    assert plan.rejected_rows == 2 and register_bytes(fresh_data) == before


# -- property tests -------------------------------------------------------------------------------

CELL = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=30)
AMOUNT = st.one_of(st.decimals(min_value=-10, max_value=10**13, places=3, allow_nan=False).map(str),
                   st.sampled_from(["", "£1,234.50", "1,23", "12.345", "1e5", "-0", " 7 "]), CELL)
DATE = st.one_of(st.dates().map(dt.date.isoformat), st.sampled_from(["", "31/12/2019", "2019-02-30",
                                                                      "2020-01-01T10:00:00Z"]), CELL)
HEADER = ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
          "Planned Dates:Start Date", "Planned Dates:Duration (months)", "Recipient Org:Name",
          "Recipient Org:Charity Number", "Funding Org:Name", "Grant Programme:Title", "Beneficiary Location:Name",
          "pccspend:Theme", "pccspend:Status"]
ROW = st.tuples(
    st.one_of(st.from_regex(r"360G-t-[a-z0-9]{1,6}", fullmatch=True), CELL), CELL, CELL,
    st.sampled_from(["GBP", "EUR", "gbp", "", "£"]), AMOUNT, DATE, st.one_of(st.just(""), DATE),
    st.sampled_from(["", "12", "x", "0"]), CELL, st.sampled_from(["", "1146179"]), CELL,
    st.one_of(st.just(""), CELL), CELL, st.sampled_from(["", "victims", "policing"]),
    st.sampled_from(["", "awarded", "planned", "nope"]),
)


WORDS = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1,
                max_size=30).filter(str.strip)
VALID_ROW = st.tuples(
    st.from_regex(r"360G-v-[a-z0-9]{1,8}", fullmatch=True), WORDS, st.one_of(st.just(""), WORDS), st.just("GBP"),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False).map(str),
    st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)).map(dt.date.isoformat), st.just(""), st.just(""),
    st.one_of(st.just(""), WORDS), st.sampled_from(["", "1146179"]), WORDS,
    st.sampled_from(["", "Voluntary Sector Grants", "Youth Fund"]), WORDS,
    st.sampled_from(["", "victims", "communities"]), st.sampled_from(["", "awarded", "committed"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(VALID_ROW, min_size=1, max_size=6, unique_by=lambda r: r[0]))
def test_generated_valid_rows_are_all_accepted_with_their_totals(empty_data, tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("gen") / "generated.csv"
    write_csv(path, HEADER, [list(r) for r in rows])
    expected: dict[str, Decimal] = {}
    for r in rows:
        expected[own_fy(r[5])] = expected.get(own_fy(r[5]), Decimal(0)) + Decimal(r[4])
    before = register_bytes(empty_data)
    with plan_import(empty_data, path, None) as plan:
        assert plan.problems == [] and plan.added == len(rows)
        assert plan.gbp_by_year == dict(sorted(expected.items()))
        _check_plan(plan, empty_data, before, last_row=len(rows) + 1)


@pytest.fixture(scope="module")
def empty_data(tmp_path_factory) -> DataDir:
    return empty_register(tmp_path_factory.mktemp("empty"))


def _check_plan(plan, data, before, last_row):
    assert register_bytes(data) == before  # a plan never writes
    if plan.ok:
        assert plan.rejected_rows == 0 and plan.added == plan.rows
    else:
        assert 0 < plan.rejected_rows <= plan.rows
    for problem in problem_rows(plan):
        assert problem["file"] in ("generated.csv", "generated.json")
        assert isinstance(problem["row"], int) and 1 <= problem["row"] <= last_row, problem
        assert problem["column"] and problem["rule"], problem


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.one_of(VALID_ROW, ROW), min_size=1, max_size=8))
def test_generated_csv_rows_never_crash_and_every_rejection_names_row_and_column(empty_data, tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("gen") / "generated.csv"
    write_csv(path, HEADER, [list(r) for r in rows])
    before = register_bytes(empty_data)
    with plan_import(empty_data, path, None) as plan:
        _check_plan(plan, empty_data, before, last_row=len(rows) + 1)  # header = row 1
    assert leftovers(empty_data) == []


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), CELL),
    lambda inner: st.one_of(st.lists(inner, max_size=2), st.dictionaries(st.sampled_from(["id", "name", "x"]), inner, max_size=2)),
    max_leaves=4,
)
GRANT = st.fixed_dictionaries(
    {"id": st.one_of(st.from_regex(r"360G-j-[a-z0-9]{1,6}", fullmatch=True), JSON_VALUE),
     "title": JSON_VALUE, "currency": st.sampled_from(["GBP", "USD", None]),
     "amountAwarded": st.one_of(st.integers(-5, 10**6), AMOUNT, JSON_VALUE), "awardDate": DATE,
     "fundingOrganization": st.one_of(st.just([{"id": "F", "name": "Funder"}]), JSON_VALUE)},
    optional={"recipientOrganization": JSON_VALUE, "beneficiaryLocation": JSON_VALUE,
              "plannedDates": JSON_VALUE, "pccspend": JSON_VALUE},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grants=st.lists(st.one_of(GRANT, JSON_VALUE), min_size=1, max_size=6))
def test_generated_json_grants_never_crash_and_every_rejection_names_row_and_column(empty_data, tmp_path_factory, grants):
    path = tmp_path_factory.mktemp("gen") / "generated.json"
    path.write_text(json.dumps({"grants": grants}), encoding="utf-8")
    before = register_bytes(empty_data)
    with plan_import(empty_data, path, "Somewhere") as plan:
        _check_plan(plan, empty_data, before, last_row=len(grants))  # JSON: the grant's place


# -- CLI, progress, memory -------------------------------------------------------------------------

def test_cli_import_dry_run_then_import_then_nothing_to_do(fresh_data):
    runner = CliRunner()
    args = ["import", str(TRAFFORD), "--area", "Trafford", "--data", str(fresh_data.root)]
    dry = runner.invoke(main, [*args, "--dry-run"])
    assert dry.exit_code == 0 and "would add 555, would change 0" in dry.stdout
    assert not fresh_data.current.exists()
    real = runner.invoke(main, args)
    assert real.exit_code == 0 and "added 555, changed 0, unchanged 0, rejected 0" in real.stdout
    assert "... built 615 awards" in real.stderr
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "Nothing to do" in again.stdout


def test_cli_import_of_a_bad_file_exits_1_naming_row_and_column(fresh_data, tmp_path):
    path = tmp_path / "bad-cells.csv"
    path.write_bytes(_trafford_with(_bad_cells))
    result = CliRunner().invoke(main, ["import", str(path), "--area", "Trafford", "--data", str(fresh_data.root)])
    assert result.exit_code == 1
    assert f"  bad-cells.csv row 3, column Amount Awarded: {AMOUNT_RULE} (value '12,34.5x')" in result.stdout.splitlines()


def test_progress_is_reported_on_stderr_while_reading(fresh_data, monkeypatch):
    monkeypatch.setattr("pccspend.importing.plan.PROGRESS_EVERY", 200)
    result = CliRunner().invoke(main, ["import", str(TRAFFORD), "--area", "Trafford", "--dry-run",
                                       "--data", str(fresh_data.root)])
    progress = [line.split(" (")[0] for line in result.stderr.splitlines() if line.startswith("... read")]
    assert progress == ["... read 200 rows", "... read 400 rows", "... read 555 rows"]


BIG_SCRIPT = """
import resource, sys
from pathlib import Path
from pccspend.access import command_line
from pccspend.importing import import_file
from pccspend.paths import DataDir
WHO = command_line()
peak = []
def progress(msg):
    if msg.startswith("read"):
        peak.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
plan = import_file(DataDir(Path(sys.argv[1])), Path(sys.argv[2]), "Bench", dry_run=sys.argv[3] == "dry", progress=progress, who=WHO)
assert plan.ok, plan.problems[:3]
print(plan.added, peak[0] // 1024, peak[-1] // 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def make_big_file(path: Path, megabytes: int) -> int:
    """A 360Giving CSV of about `megabytes` MB: the Trafford rows repeated under new identifiers."""
    header, rows = trafford_rows()
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        while fh.tell() < megabytes * 1_000_000:
            row = list(rows[n % len(rows)])
            row[0] = f"360G-bench-{n:07d}"
            writer.writerow(row)
            n += 1
    return n


@pytest.mark.slow
def test_a_100_mb_file_imports_with_bounded_memory(tmp_path):
    """Reading streams: RSS grows by tens of MB over 100 MB of rows (figures printed with -s)."""
    big = tmp_path / "big.csv"
    rows = make_big_file(big, 100)
    data = empty_register(tmp_path / "data")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    out = subprocess.run([sys.executable, "-c", BIG_SCRIPT, str(data.root), str(big), "real"],
                         capture_output=True, text=True, env=env, check=True).stdout.split()
    added, first_read_mb, last_read_mb, peak_mb = map(int, out)
    print(f"\n100 MB, {rows:,} rows: RSS {first_read_mb} MB after 20k rows, {last_read_mb} MB after reading all, "
          f"peak {peak_mb} MB with validation and parquet build")
    assert added == rows
    assert last_read_mb - first_read_mb < 100  # the read itself does not grow with the file
    assert peak_mb < 1500


# -- the Import page ------------------------------------------------------------------------------

def test_import_page_shows_the_dry_run_then_imports_on_confirm(fresh_data, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PCCSPEND_DATA", str(fresh_data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/import_data.py").run()
    assert not at.exception and at.title[0].value == "Import awards"
    at.text_input(key="import-area").input("Trafford")
    at.file_uploader(key="import-file").upload(NAME, TRAFFORD.read_bytes(), "text/csv")
    at.run()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [("Would add", "555"), ("Would change", "0"),
                                                       ("Unchanged", "0"), ("Rejected", "0")]
    assert not fresh_data.current.exists()  # nothing written before the confirm
    at.button(key="import-confirm").click()
    at.run()
    assert not at.exception
    assert at.success[0].value == (f"Imported {NAME}: 555 added, 0 changed, as drafts: the dashboard shows them "
                                   "with 'Show unpublished rows'; publish them on Review and publish.")
    office = Database(fresh_data)
    assert office.query("awards", Filters(areas=("Trafford",), include_unpublished=True)).height == 555
    assert office.query("awards", Filters(areas=("Trafford",))).height == 0  # drafts until published


def test_import_page_shows_rejections_and_offers_no_confirm(fresh_data, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PCCSPEND_DATA", str(fresh_data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/import_data.py").run()
    at.file_uploader(key="import-file").upload("bad-cells.csv", _trafford_with(_bad_cells), "text/csv")
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("REJECTED: 3 problem(s) in 2 row(s)")
    shown = at.dataframe[0].value
    assert list(shown["column"]) == ["Amount Awarded", "Currency", "Award Date"]
    assert len(at.button) == 0


@pytest.mark.parametrize("value", ["100000000000000000000000000", 10 ** 30, 1e300, "1000000000000", Decimal("1e40")])
def test_an_amount_too_large_for_the_register_is_a_rule_broken_not_a_crash(value):
    """Found by the property test above: 27 digits of pounds made quantize raise InvalidOperation."""
    with pytest.raises(ValueError) as broken:
        parse_amount(value)
    assert str(broken.value) == AMOUNT_LIMIT_RULE
    assert parse_amount("999999999999.99") == Decimal("999999999999.99")
