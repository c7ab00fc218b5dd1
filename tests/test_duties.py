"""Statutory transparency duties (pccspend/duties.py): what the Specified Information Order requires
of each published award and what the bundled register lacks, figures from reading the documents;
the CLI, the dashboard page and the snapshot's sentence."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from pccspend import duties
from pccspend.cli import main
from pccspend.filters import Filters
from pccspend.paths import PROJECT_ROOT
from pccspend.queries import load_query, macro_sql
from tests.snapshot_setup import REDACTED_AWARD, hostile_snapshot

GRANT, SPENDING, CONTRACT = (d.title for d in duties.DUTIES)
CAMBS = Filters(areas=("Cambridgeshire",))
REASONS = "crime_reduction_reasons"
# Cambridgeshire's crime and disorder reduction grants of 2017/18 and what each lacks. The five
# victims' grant agreements (Commissioning and Grants report, paragraph 4.3) state only a service
# and provider; Appendix 1's lines give a purpose where they describe the service; paragraph 5.1
# sets a condition on the six Community Safety Partnerships; no line gives reasons.
LACKS_2017 = {
    **{f"CAM-BCB170511-VS0{i}": f"purpose; conditions; {REASONS}" for i in range(1, 6)},
    **{f"CAM-BCB170511-CDRG-V0{i}": f"conditions; {REASONS}" for i in range(1, 7)},
    "CAM-BCB170511-CDRG-V07": f"purpose; conditions; {REASONS}",  # a service name only
    **{f"CAM-BCB170511-CDRG-O0{i}": f"conditions; {REASONS}" for i in range(1, 8)},
    **{f"CAM-BCB170511-CDRG-C0{i}": f"purpose; {REASONS}" for i in range(1, 7)},
    **{f"CAM-BCB170511-CDRG-C{i:02d}": f"conditions; {REASONS}" for i in range(7, 11)},
    "CAM-BCB170511-CDRG-C11": f"provider; purpose; conditions; {REASONS}",  # Emerging Initiatives: no recipient
    "CAM-BCB170511-YF01": f"conditions; {REASONS}",  # paragraph 7.1
}
# One row per area, year and duty: awards covered, of which no amount to judge by, lacking anything.
BY_AREA_AND_YEAR = [
    ("Cambridgeshire", "2016/17", GRANT, 1, 0, 0),  # the 2015 Innovation Fund states all four
    ("Cambridgeshire", "2016/17", SPENDING, 1, 0, 1),  # young driver IT platform: no recipient
    ("Cambridgeshire", "2017/18", GRANT, 31, 0, 31),
    ("Cambridgeshire", "2017/18", SPENDING, 5, 0, 5),  # the five victims' contracts of paragraph 4.3
    ("Cambridgeshire", "2017/18", CONTRACT, 5, 0, 5),
    ("Leicestershire", "2016/17", SPENDING, 4, 2, 4),  # Tables 1 and 2, and Recommendations 3 and 4 (no amount)
    ("Leicestershire", "2016/17", CONTRACT, 2, 2, 2),
    ("Leicestershire", "2017/18", SPENDING, 2, 0, 2),
    ("Leicestershire", "2018/19", SPENDING, 2, 0, 2),
    ("Leicestershire", "2019/20", SPENDING, 2, 0, 2),
    ("Leicestershire", "2020/21", SPENDING, 1, 0, 1),  # Rutland's £371 is not over £500
    ("Leicestershire", "2022/23", SPENDING, 5, 0, 5),
    ("Leicestershire", "2022/23", CONTRACT, 1, 0, 1),  # the PCC's own £131,073 procurement
    ("West Midlands", "2013/14", SPENDING, 1, 1, 1),  # no amount stated
]
SENTENCES = [
    "Of 32 published crime and disorder reduction grants, 31 name the recipient, 19 state a purpose, 7 state "
    "conditions and 1 gives reasons it would reduce crime and disorder.",
    "Of 23 published items of spending over £500, 19 name the recipient, 15 state a purpose and 0 say why it was "
    "value for money.",
    "Of 8 published contracts over £10,000, 0 link a copy of the contract.",
]


def rows_of(frame, *columns):
    return [tuple(r) for r in frame.select(columns).iter_rows()]


def test_cambridgeshire_grants_lack_exactly_what_the_documents_leave_out(db):
    got = duties.missing(db, CAMBS)
    grants = got.filter(got["duty"] == GRANT)
    assert dict(rows_of(grants, "award_id", "missing")) == LACKS_2017
    assert set(grants["financial_year"]) == {"2017/18"} and set(grants["applies"]) == {"yes"}
    # The 2015 Innovation Fund grant (paragraphs 1.1, 4.1, 4.3) is complete: not listed.
    assert "CAM-BCB150714-01" not in got["award_id"].to_list()


def test_counts_per_area_and_year(db):
    assert rows_of(duties.by_area_and_year(duties.summary(db, Filters())), "area", "financial_year", "duty",
                   "award_count", "amount_not_stated_count", "lacking_count") == BY_AREA_AND_YEAR


def test_per_field_counts_of_cambridgeshire_grants_in_2017_18(db):
    counts = duties.summary(db, Filters(areas=("Cambridgeshire",), from_year="2017/18", to_year="2017/18"))
    grants = counts.filter(counts["duty"] == GRANT)
    assert rows_of(grants, "field", "award_count", "stated_count", "withheld_count", "missing_count") == [
        ("provider", 31, 30, 0, 1), ("purpose", 31, 18, 0, 13), ("conditions", 31, 6, 0, 25), (REASONS, 31, 0, 0, 31)]


def test_thresholds_and_amounts_that_cannot_be_judged(db):
    got = duties.missing(db, Filters(areas=("Leicestershire", "West Midlands")))
    listed = rows_of(got, "award_id", "duty", "applies", "missing")
    assert not [r for r in listed if r[0] == "LEI-EXE0001-T2-202021"]  # £371: not over £500
    assert ("LEI-EXE0001-T2-201617", SPENDING, "yes", "value_for_money_reasons") in listed  # £1,114
    unknown = [r for r in listed if r[2] == "amount not stated"]
    assert unknown == [
        ("LEI-EXE0001-R3", SPENDING, "amount not stated", "provider; value_for_money_reasons"),
        ("LEI-EXE0001-R3", CONTRACT, "amount not stated", "contract_copy_url"),
        ("LEI-EXE0001-R4", SPENDING, "amount not stated", "provider; value_for_money_reasons"),
        ("LEI-EXE0001-R4", CONTRACT, "amount not stated", "contract_copy_url"),
        ("WMD-FOI201301354-01", SPENDING, "amount not stated", "purpose; value_for_money_reasons"),
    ]
    # Optional extensions are not spending until taken up; asked for, they are judged too.
    assert not [r for r in listed if "X-" in r[0]]


def test_completeness_sentences(db):
    assert duties.sentences(duties.summary(db, Filters())) == SENTENCES
    assert duties.sentences(duties.summary(db, Filters(areas=("West Midlands",)))) == [
        "Of 1 published item of spending over £500, 1 names the recipient, 0 state a purpose and 0 say why it "
        "was value for money."]


def test_the_duties_are_stated_once():
    # Both questions read one macro (queries/_duty_checks.sql), which checks every field a duty may
    # require.
    assert all("duty_checks($filters, $duties)" in load_query(n) for n in ("duties_missing", "duties_summary"))
    checked = re.search(r"value for field in \(([^)]*)\)", macro_sql("_duty_checks.sql")).group(1)
    assert {f for d in duties.DUTIES for f in d.fields} <= {f.strip() for f in checked.split(",")}
    assert set(duties.FIELD_LABELS) == {f for d in duties.DUTIES for f in d.fields}


def test_drafts_and_withheld_awards_are_not_in_the_report_and_a_withheld_field_is_not_missing(tmp_path_factory):
    built = hostile_snapshot(tmp_path_factory)
    got = duties.missing(built.db, Filters(include_unpublished=True))  # asked for: still only published
    assert not [a for a in got["award_id"] if a.startswith("CANARY")]
    assert rows_of(got.filter(got["award_id"] == REDACTED_AWARD), "duty", "missing", "withheld_fields") == [
        (GRANT, f"purpose; conditions; {REASONS}", "provider")]
    counts = duties.by_area_and_year(duties.summary(built.db, Filters(include_unpublished=True)))
    assert counts.filter(counts["duty"] == GRANT)["award_count"].sum() == 33  # 32 and the redacted grant


def run(*args):
    return CliRunner().invoke(main, ["duties", *args])


def test_cli_table_lists_what_is_missing_and_counts_per_area_and_year(built_data):
    result = run("--area", "Cambridgeshire", "--data", str(built_data.root))
    assert result.exit_code == 0, result.output
    assert "CAM-BCB170511-CDRG-C11" in result.output and "£15,000" in result.output
    assert ("37 published award(s) lack something the Elected Local Policing Bodies (Specified Information) "
            "Order 2011, as amended, requires. Per area and year:") in result.output
    assert "CAM-BCB150714-01" not in result.output


def test_cli_csv_json_and_summary(built_data):
    data = ["--data", str(built_data.root)]
    lines = list(csv.DictReader(io.StringIO(run("--format", "csv", *data).output.lstrip("\ufeff"))))
    assert len(lines) == 62
    assert {r["award_id"]: r["missing"] for r in lines if r["duty"] == GRANT} == LACKS_2017
    records = json.loads(run("--format", "json", "--year", "2022/23", *data).output)
    assert [(r["award_id"], r["duty"], r["missing"]) for r in records] == [
        ("LEI-EXE0004-21-T2-01", SPENDING, "value_for_money_reasons"),
        ("LEI-EXE0004-21-T2-02", SPENDING, "value_for_money_reasons"),
        ("LEI-EXE0004-21-T2-03", SPENDING, "value_for_money_reasons"),
        ("LEI-EXE0004-21-T2-04", SPENDING, "value_for_money_reasons"),
        ("LEI-EXE0004-21-T2-05", SPENDING, "provider; purpose; value_for_money_reasons"),
        ("LEI-EXE0004-21-T2-05", CONTRACT, "contract_copy_url"),
    ]
    summary = run("--summary", "--format", "csv", "--area", "West Midlands", *data)
    assert summary.exit_code == 0
    assert summary.output.lstrip("\ufeff").splitlines() == [
        "area,financial_year,duty,field,award_count,amount_not_stated_count,stated_count,withheld_count,"
        "missing_count,lacking_count",
        "West Midlands,2013/14,Spending over £500,provider,1,1,1,0,0,1",
        "West Midlands,2013/14,Spending over £500,purpose,1,1,0,0,1,1",
        "West Midlands,2013/14,Spending over £500,value_for_money_reasons,1,1,0,0,1,1",
    ]
    between = run("--from-year", "2018/19", "--to-year", "2019/20", "--format", "json", *data)
    assert sorted(r["award_id"] for r in json.loads(between.output)) == [
        "LEI-EXE0001-T1-201819", "LEI-EXE0001-T1-201920", "LEI-EXE0001-T2-201819", "LEI-EXE0001-T2-201920"]


@pytest.mark.parametrize("args, message", [
    (["--area", "Narnia"], "Error: area 'Narnia': there is no such area"),
    (["--year", "2017-18"], "Error: year '2017-18'"),
    (["--year", "2017/18", "--from-year", "2016/17"], "Error: give --year or --from-year/--to-year, not both"),
])
def test_cli_refuses_what_names_nothing(built_data, args, message):
    result = run(*args, "--data", str(built_data.root))
    assert result.exit_code == 2 and result.output.startswith(message), result.output


def test_page_counts_and_lists_what_is_owed_under_the_sidebar_filters(built_data, monkeypatch):
    monkeypatch.setenv("PCCSPEND_DATA", str(built_data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"area": "West Midlands"})
    at.run()
    at.switch_page("pages/duties.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Transparency duties"
    text = " ".join(m.value for m in at.markdown)
    assert "paragraph 3(f)" in text and "paragraph 3(g)" in text and "paragraph 4(b)" in text
    assert "Of 1 published item of spending over £500, 1 names the recipient" in text
    counts, fields, missing = (df.value for df in at.dataframe)
    assert counts.values.tolist() == [["West Midlands", "2013/14", SPENDING, 1, 1, 1]]
    assert len(fields) == 3
    assert missing[["award_id", "applies", "missing"]].values.tolist() == [
        ["WMD-FOI201301354-01", "amount not stated", "purpose; value_for_money_reasons"]]


def test_the_snapshot_states_how_complete_the_statutory_fields_are(tmp_path_factory):
    built = hostile_snapshot(tmp_path_factory)  # the bundled register plus a redacted grant
    page = (built.folder / "index.html").read_text(encoding="utf-8")
    assert ("<li>Of 33 published crime and disorder reduction grants, 31 name the recipient, 19 state a purpose, "
            "7 state conditions and 1 gives reasons it would reduce crime and disorder.</li>") in page
    area = (built.folder / "area-west-midlands.html").read_text(encoding="utf-8")
    assert ("<li>Of 1 published item of spending over £500, 1 names the recipient, 0 state a purpose and 0 say "
            "why it was value for money.</li>") in area
