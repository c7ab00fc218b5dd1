"""The office's own spreadsheet (issue 15): its columns mapped once, on the command line or the Import
page, remembered for files with the same columns; every rejection still names file, row and column."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st
from streamlit.testing.v1 import AppTest

from pccspend import audit, column_maps
from pccspend.cli import main
from pccspend.column_maps import ColumnMap, MapError
from pccspend.importing import import_file, report_lines
from pccspend.paths import PROJECT_ROOT, DataDir
from pccspend.reading import MAP_HINT
from pccspend.validate import Problem
from tests.conftest import WHO
from tests.test_import import register_bytes

HEADER = ["Ref", "Organisation", "Project", "Amount (£)", "Year", "Comments"]
ROWS = [
    ["OPCC-2024-001", "Victim Support", "Hate crime advocacy", "£12,500.00", "2024/25", "first year"],
    ["OPCC-2024-002", "Ormiston Families", "Children of prisoners", 8000, "2024/25", None],
    ["OPCC-2024-003", "Cambridge Rape Crisis", "ISVA service", None, "2024/25", "amount to follow"],
]
MAP = ["Ref=award_id", "Organisation=provider", "Project=service", "Amount (£)=amount_gbp", "Year=financial_year"]
SET = ["funder=Cambridgeshire OPCC", "mechanism=grant", "status=awarded", "area=Cambridgeshire",
       "provider_sector=voluntary sector"]
OPTIONS = [a for m in MAP for a in ("--map", m)] + [a for s in SET for a in ("--set", s)]


def workbook(path, header=HEADER, rows=ROWS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Grants 2024-25"
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def awards(data: DataDir) -> dict[str, dict]:
    with open(data.register / "awards.csv", newline="", encoding="utf-8") as fh:
        return {r["award_id"]: r for r in csv.DictReader(fh)}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_cli_imports_the_offices_spreadsheet_through_a_map_and_remembers_it(fresh_data, tmp_path):
    path = workbook(tmp_path / "grants.xlsx")
    result = run("import", path, "--data", fresh_data.root, *OPTIONS)
    assert result.exit_code == 0, result.output
    got = awards(fresh_data)
    assert {k: got["OPCC-2024-001"][k] for k in ("provider", "service", "amount_gbp", "financial_year", "funder",
                                                 "mechanism", "status", "area", "provider_sector", "publication",
                                                 "source_locator")} == {
        "provider": "Victim Support", "service": "Hate crime advocacy", "amount_gbp": "12500.00",
        "financial_year": "2024/25", "funder": "Cambridgeshire OPCC", "mechanism": "grant", "status": "awarded",
        "area": "Cambridgeshire", "provider_sector": "voluntary sector", "publication": "draft",
        "source_locator": "row 2"}
    assert got["OPCC-2024-002"]["amount_gbp"] == "8000.00"
    assert got["OPCC-2024-003"]["amount_gbp"] == ""  # missing stays missing
    layout = column_maps.layout_key(HEADER)
    assert (fresh_data.register / "column_maps.csv").read_text(encoding="utf-8").splitlines() == [
        "layout,register_column,their_column,value,file",
        f"{layout},award_id,Ref,,grants.xlsx",
        f"{layout},provider,Organisation,,grants.xlsx",
        f"{layout},service,Project,,grants.xlsx",
        f"{layout},amount_gbp,Amount (£),,grants.xlsx",
        f"{layout},financial_year,Year,,grants.xlsx",
        f"{layout},funder,,Cambridgeshire OPCC,grants.xlsx",
        f"{layout},mechanism,,grant,grants.xlsx",
        f"{layout},status,,awarded,grants.xlsx",
        f"{layout},area,,Cambridgeshire,grants.xlsx",
        f"{layout},provider_sector,,voluntary sector,grants.xlsx",
    ]
    assert ("columns read through the column map given: Ref -> award_id; Organisation -> provider; Project -> "
            "service; Amount (£) -> amount_gbp; Year -> financial_year; funder = Cambridgeshire OPCC (every row); "
            "mechanism = grant (every row); status = awarded (every row); area = Cambridgeshire (every row); "
            "provider_sector = voluntary sector (every row)") in result.output
    assert f"the map is now remembered for files with these columns (column_maps.csv, layout {layout})" in result.output
    entry = audit.entries(fresh_data)[-1]
    assert entry["details"]["column_map_remembered"] is True
    assert entry["details"]["column_map"][0] == '--map "Ref=award_id"'
    assert "Comments" in result.output.split("columns not imported: ")[1]

    # Next year's file: the same columns in another order and case, no options.
    header = ["organisation", "REF", "Project", "Amount (£)", "Year", "Comments"]
    later = workbook(tmp_path / "grants-2025.xlsx", header,
                     [["Victim Support", "OPCC-2025-001", "Hate crime advocacy", 13000, "2025/26", None]])
    assert column_maps.layout_key(header) == layout
    before = (fresh_data.register / "column_maps.csv").read_bytes()
    result = run("import", later, "--data", fresh_data.root)
    assert result.exit_code == 0, result.output
    assert "the column map remembered for this layout (first given for grants.xlsx)" in result.output
    assert "now remembered" not in result.output
    assert awards(fresh_data)["OPCC-2025-001"]["amount_gbp"] == "13000.00"
    assert (fresh_data.register / "column_maps.csv").read_bytes() == before


def test_a_dry_run_remembers_nothing_and_another_layout_is_not_guessed(fresh_data, tmp_path):
    path = workbook(tmp_path / "grants.xlsx")
    before = register_bytes(fresh_data)
    result = run("import", path, "--data", fresh_data.root, "--dry-run", *OPTIONS)
    assert result.exit_code == 0, result.output
    assert "would add 3" in result.output and "remembered on import" in result.output
    assert register_bytes(fresh_data) == before
    assert not (fresh_data.register / "column_maps.csv").exists()
    result = run("import", path, "--data", fresh_data.root)  # no map given, none remembered
    assert result.exit_code == 1
    assert "unrecognised columns" in result.output and "--map" in result.output
    assert register_bytes(fresh_data) == before


def test_a_map_that_does_not_fit_the_file_names_the_columns(fresh_data, tmp_path):
    path = workbook(tmp_path / "grants.xlsx")
    colmap = column_maps.parse(["Reference=award_id", "Organisation=provider", "Project=service"],
                               ["mechanism=grant"])
    before = register_bytes(fresh_data)
    plan = import_file(fresh_data, path, None, who=WHO, column_map=colmap)
    assert plan.problems == [
        Problem("grants.xlsx", 1, "Reference", None,
                "the column map fills award_id from this column, and the file has no such column"),
        Problem("grants.xlsx", 1, "award_id", None, f"required column is missing: {MAP_HINT}"),
        Problem("grants.xlsx", 1, "funder", None, f"required column is missing: {MAP_HINT}"),
        Problem("grants.xlsx", 1, "financial_year", None, f"required column is missing: {MAP_HINT}"),
        Problem("grants.xlsx", 1, "status", None, f"required column is missing: {MAP_HINT}"),
    ]
    assert register_bytes(fresh_data) == before


def test_rejected_cells_are_named_by_the_files_own_column_titles(fresh_data, tmp_path):
    rows = [ROWS[0], ["OPCC-2024-002", "Ormiston Families", "Children of prisoners", "8,00O", "2024-25", None]]
    path = workbook(tmp_path / "grants.xlsx", rows=rows)
    plan = import_file(fresh_data, path, None, who=WHO, column_map=column_maps.parse(MAP, SET))
    assert [(p.row, p.column, p.value) for p in plan.problems] == [
        (3, "Amount (£)", "8,00O"), (3, "Year", "2024-25")]


def test_values_for_every_row_are_checked_before_any_row_is_read(fresh_data, tmp_path):
    path = workbook(tmp_path / "grants.xlsx")
    result = run("import", path, "--data", fresh_data.root, *OPTIONS, "--set", "theme=victim")
    assert result.exit_code == 2
    assert "Error: theme='victim': theme must be one of: victims, offenders, communities" in result.output
    for bad, message in [
        (["--map", "Ref"], "--map 'Ref': expected \"Their column=register_column\""),
        (["--map", "Ref=reference"], "'reference' cannot be filled from a file"),
        (["--map", "Ref=publication"], "'publication' cannot be filled from a file"),
        (["--set", "amount_gbp=100"], "'amount_gbp' cannot be given one value for every row"),
        (["--map", "Ref=award_id", "--map", "ref=commitment_id"], "mapped to both award_id and commitment_id"),
        (["--map", "Year=financial_year", "--set", "financial_year=2024/25"], "both filled from the column 'Year'"),
        (["--set", "financial_year=2024/26"], "financial year must be YYYY/YY"),
    ]:
        result = run("import", path, "--data", fresh_data.root, *bad)
        assert result.exit_code == 2 and message in result.output, (bad, result.output)


def test_a_broken_column_maps_file_stops_imports_naming_row_and_column(fresh_data, tmp_path):
    (fresh_data.register / "column_maps.csv").write_text(
        "layout,register_column,their_column,value,file\n"
        "559a9cc60fc2,award_id,Ref,,a.xlsx\n"
        "559a9cc60fc2,status,,finished,a.xlsx\n"
        "XYZ,provider,Organisation,,a.xlsx\n"
        "559a9cc60fc2,service,Project,Title,a.xlsx\n"
        "559a9cc60fc2,award_id,Reference,,a.xlsx\n", encoding="utf-8")
    before = register_bytes(fresh_data)
    plan = import_file(fresh_data, workbook(tmp_path / "grants.xlsx"), None, who=WHO)
    assert [(p.file, p.row, p.column, p.value) for p in plan.problems] == [
        ("column_maps.csv", 3, "value", "finished"),
        ("column_maps.csv", 4, "layout", "XYZ"),
        ("column_maps.csv", 5, "their_column", "Project"),
        ("column_maps.csv", 6, "register_column", "award_id"),
    ]
    assert plan.problems[3].rule == "this layout fills the column twice"
    assert register_bytes(fresh_data) == before


def test_suggestions_offer_look_alike_titles_once_each():
    assert column_maps.suggest(["Ref", "Organisation", "Project", "Amount (£)", "Year", "award id", "Notes",
                                "Recipient"]) == {
        "Ref": "award_id", "Organisation": "provider", "Project": "service", "Amount (£)": "amount_gbp",
        "Year": "financial_year", "Notes": "notes"}


TITLES = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda t: t.strip() and t == t.strip())


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(column_maps.MAPPABLE), TITLES, max_size=6),
       st.dictionaries(st.sampled_from(["funder", "service", "notes", "mechanism"]),
                       st.sampled_from(["grant", "Some funder", "a=b"]), max_size=2))
def test_a_map_written_as_options_parses_back_to_itself(columns, values):
    values = {c: v for c, v in values.items() if c not in columns and column_maps.check_value(c, v) is None}
    try:
        colmap = column_maps.build(columns, values)
    except MapError:  # two register columns from one title (case and spacing aside): refused, not merged
        return
    maps = [f"{their}={col}" for col, their in colmap.columns.items()]
    sets = [f"{col}={value}" for col, value in colmap.values.items()]
    assert column_maps.parse(maps, sets).same(colmap)


@settings(max_examples=200, deadline=None)
@given(st.lists(TITLES, min_size=1, max_size=8, unique_by=lambda t: t.casefold()), st.randoms())
def test_a_layout_is_its_titles_in_any_order_case_or_spacing(titles, rnd):
    shuffled = [t.upper() if rnd.random() < 0.5 else t for t in titles]
    rnd.shuffle(shuffled)
    assert column_maps.layout_key(shuffled + [""]) == column_maps.layout_key(titles) or any(
        t.upper().casefold() != t.casefold() for t in titles)  # casefold(upper) differs for a few letters (ß)


def _page(data: DataDir, monkeypatch) -> AppTest:
    monkeypatch.setenv("PCCSPEND_DATA", str(data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/import_data.py").run()
    return at


def test_the_import_page_maps_columns_imports_and_offers_the_map_next_time(fresh_data, tmp_path, monkeypatch):
    content = workbook(tmp_path / "grants.xlsx").read_bytes()
    at = _page(fresh_data, monkeypatch)
    at.file_uploader(key="import-file").upload("grants.xlsx", content, "application/vnd.ms-excel")
    at.run()
    assert not at.exception
    layout = column_maps.layout_key(HEADER)
    # Suggested from the titles, for a person to check; Comments has no look-alike.
    assert [at.selectbox(key=f"map-{layout}-{i}").value for i in range(6)] == [
        "award_id", "provider", "service", "amount_gbp", "financial_year", "(not imported)"]
    assert at.selectbox(key=f"map-{layout}-3").help == "First value: £12,500.00"
    # Without funder, mechanism and status the dry run names what is missing.
    assert "REJECTED" in at.error[0].value
    for col, value in (("funder", "Cambridgeshire OPCC"), ("area", None)):
        if value:
            at.text_input(key=f"map-{layout}-set-{col}").input(value)
    at.selectbox(key=f"map-{layout}-set-mechanism").select("grant")
    at.selectbox(key=f"map-{layout}-set-status").select("awarded")
    at.selectbox(key=f"map-{layout}-set-provider_sector").select("voluntary sector")
    at.text_input(key="import-area").input("Cambridgeshire")
    at.button[0].click()  # the form's "Read the file with these columns"
    at.run()
    assert not at.exception and not at.error
    assert [(m.label, m.value) for m in at.metric] == [
        ("Would add", "3"), ("Would change", "0"), ("Unchanged", "0"), ("Rejected", "0")]
    at.button(key="import-confirm").click().run()
    assert not at.exception
    assert awards(fresh_data)["OPCC-2024-001"]["funder"] == "Cambridgeshire OPCC"
    remembered, problems = column_maps.load(fresh_data)
    assert not problems and remembered[layout].values == {
        "funder": "Cambridgeshire OPCC", "mechanism": "grant", "status": "awarded",
        "provider_sector": "voluntary sector"}

    # A new session with next year's file: the remembered map is offered, nothing to choose.
    later = workbook(tmp_path / "later.xlsx", rows=[["OPCC-2025-001", "Victim Support", "Advocacy", 13000,
                                                     "2025/26", None]]).read_bytes()
    at = _page(fresh_data, monkeypatch)
    at.file_uploader(key="import-file").upload("later.xlsx", later, "application/vnd.ms-excel")
    at.text_input(key="import-area").input("Cambridgeshire")
    at.run()
    assert not at.exception and not at.error
    assert "As remembered for files with these columns (first given for grants.xlsx)." in at.caption[-1].value \
        or any("first given for grants.xlsx" in c.value for c in at.caption)
    assert at.selectbox(key=f"map-{layout}-set-mechanism").value == "grant"
    assert [(m.label, m.value) for m in at.metric][0] == ("Would add", "1")


@pytest.mark.parametrize("text", ["Amount = total=amount_gbp"])
def test_a_title_may_hold_an_equals_sign(text):
    assert column_maps.parse([text]).columns == {"amount_gbp": "Amount = total"}


def test_report_lines_say_nothing_of_a_plain_map(fresh_data, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("award_id,funder,financial_year,service,mechanism,status,area\n"
                    "X-1,Cambridgeshire OPCC,2024/25,Advice,grant,awarded,Cambridgeshire\n", encoding="utf-8")
    plain = ColumnMap({c: c for c in ("award_id", "funder", "financial_year", "service", "mechanism", "status")})
    plan = import_file(fresh_data, path, None, who=WHO, column_map=plain, dry_run=True)
    assert plan.ok and not plan.map_remembered
    assert not any("column map" in line for line in report_lines(plan))
    assert json.dumps(plain.pairs())  # the audit trail keeps it as text
