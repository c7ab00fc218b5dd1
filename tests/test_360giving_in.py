"""360Giving files as other publishers write them (issue 15): column titles spelt their way, spaces in
identifiers, day-first and date-time dates, Windows-1252 CSV, broken JSON; and an export that keeps
the identifiers a grant arrived with. Built from the real Trafford file, edited as real files differ."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import polars as pl

from pccspend.build import build
from pccspend.db import Database
from pccspend.export import export_bytes
from pccspend.filters import Filters
from pccspend.importing import import_file, report_lines
from pccspend.paths import DataDir
from tests.conftest import WHO
from tests.test_import import TRAFFORD, trafford_rows


def write(path, header, rows, encoding="utf-8") -> object:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def awards(data: DataDir) -> dict[str, dict]:
    with open(data.register / "awards.csv", newline="", encoding="utf-8") as fh:
        return {r["award_id"]: r for r in csv.DictReader(fh)}


def test_column_titles_are_read_as_360givings_tools_read_them(fresh_data, tmp_path):
    header, rows = trafford_rows()
    spelt = {"Grant Programme:Title": "Grant Programme: Title", "Recipient Org:Name": "recipient org : name",
             "Amount Awarded": "Amount  Awarded", "Beneficiary Location:Name": "Beneficiary Location :Name"}
    path = write(tmp_path / "spelt.csv", [spelt.get(h, h) for h in header], rows)
    plan = import_file(fresh_data, path, None, who=WHO)
    assert plan.ok and plan.added == 555
    assert "Grant Programme: Title" not in plan.ignored_columns
    imported = [a for a in awards(fresh_data).values() if a["area"] == "Trafford"]
    assert len(imported) == 555
    programme = header.index("Grant Programme:Title")
    assert sorted(a["funding_stream"] for a in imported) == sorted(r[programme] for r in rows)  # none "Not stated"
    assert awards(fresh_data)["360G-traffordmbc-VSG1342"]["provider"] == "Altrincham Children's Choir"


def test_a_stray_space_in_an_identifier_imports_with_a_warning(fresh_data, tmp_path):
    header, rows = trafford_rows()
    rows[0][0] = "360G -traffordmbc-VSG1342"
    plan = import_file(fresh_data, write(tmp_path / "space.csv", header, rows), "Trafford", who=WHO, dry_run=True)
    assert plan.ok and plan.added == 555
    assert ("1 row(s) with spaces inside the identifier (removed in the award id: the standard allows them, the "
            "register's ids do not): rows 2") in report_lines(plan)
    import_file(fresh_data, tmp_path / "space.csv", "Trafford", who=WHO)
    assert "360G-traffordmbc-VSG1342" in awards(fresh_data)


def test_day_first_dates_are_read_and_the_ambiguous_ones_listed(fresh_data, tmp_path):
    header, rows = trafford_rows()
    at = header.index("Award Date")
    rows[0][at], rows[1][at], rows[2][at] = "18/01/2013", "05/06/2014", "2014-06-05T10:30:00Z"
    path = write(tmp_path / "dates.csv", header, rows)
    plan = import_file(fresh_data, path, "Trafford", who=WHO, dry_run=True)
    lines = report_lines(plan)
    assert "2 row(s) with dates written DD/MM/YYYY (read as day/month/year): rows 2, 3" in lines
    assert ("1 row(s) whose DD/MM/YYYY dates could also be read month first (e.g. 05/06/2014: 5 June here, 6 May "
            "in a US file): check them: rows 3") in lines
    import_file(fresh_data, path, "Trafford", who=WHO)
    ids = [r[0] for r in rows[:3]]
    assert [awards(fresh_data)[i]["decision_date"] for i in ids] == ["2013-01-18", "2014-06-05", "2014-06-05"]


def test_windows_1252_csv_is_read_and_said_and_other_bytes_refused(fresh_data, tmp_path):
    header, rows = trafford_rows()
    rows[0][2] = "Choir tour: £2,266 for Café concerts"
    path = write(tmp_path / "excel.csv", header, rows, encoding="cp1252")
    plan = import_file(fresh_data, path, "Trafford", who=WHO)
    assert plan.ok and plan.added == 555
    assert any(line.startswith("read as Windows-1252: the file is not UTF-8 (from byte ") for line in report_lines(plan))
    assert awards(fresh_data)["360G-traffordmbc-VSG1342"]["description"] == "Choir tour: £2,266 for Café concerts"

    broken = tmp_path / "neither.csv"
    broken.write_bytes(TRAFFORD.read_bytes().replace(b"Choir", b"Ch\x81oir\xff", 1))
    refused = import_file(fresh_data, broken, "Trafford", who=WHO, dry_run=True)
    assert not refused.ok
    assert str(refused.problems[0]).startswith("neither.csv: neither UTF-8 (byte ")
    assert "nor Windows-1252 text (byte " in str(refused.problems[0])


def test_a_broken_json_file_is_named_by_line_and_column(fresh_data, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"grants": [\n  {"id": "360G-x-1", "title": "A"},\n  {"id": "360G-x-2" "title": "B"}\n]}\n')
    plan = import_file(fresh_data, path, "Trafford", who=WHO, dry_run=True)
    assert not plan.ok
    (broken,) = [p for p in plan.problems if p.rule.startswith("not valid JSON")]
    assert str(broken) == "broken.json row 2: not valid JSON after grant 1: line 3, column 21: Expecting ',' delimiter"


def test_an_export_keeps_the_identifiers_a_grant_arrived_with(fresh_data):
    import_file(fresh_data, TRAFFORD, "Trafford", who=WHO, publish=True)
    build(fresh_data)
    package = json.loads(export_bytes(Database(fresh_data), Filters(), "360giving-json", "360G-pcc-").content)
    grants = {g["id"]: g for g in package["grants"]}
    choir = grants["360G-traffordmbc-VSG1342"]  # as it came, not 360G-pcc-360G-traffordmbc-VSG1342
    assert choir["recipientOrganization"][0]["id"] == "360G-trafford-altrincham_childrens_choir"
    assert not [i for i in grants if i.startswith("360G-pcc-360G")]
    assert "360G-pcc-CAM-BCB170511-VS01" in grants  # born in the register: the office's prefix


# -- properties of the readers ----------------------------------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

from pccspend.giving360 import FIELDS, flat_fields  # noqa: E402
from pccspend.textfiles import csv_encoding  # noqa: E402


@st.composite
def respelt(draw, title: str) -> str:
    """A title as someone else might type it: any case, spaces around the colon, doubled spaces."""
    text = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in title)
    text = text.replace(":", draw(st.sampled_from([":", " :", ": ", "  :  "])))
    text = text.replace(" ", draw(st.sampled_from([" ", "  "])))
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " ", "\t"]))


@given(st.data())
def test_any_spelling_of_a_title_finds_its_field(data):
    fields = list(FIELDS)
    header = [data.draw(respelt(FIELDS[f][0])) for f in fields]
    assert flat_fields(header) == {f: i for i, f in enumerate(fields)}


@given(st.text(st.characters(codec="cp1252", exclude_characters="\x00"), min_size=1, max_size=200))
def test_csv_text_reads_back_whatever_its_encoding(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("enc") / "f.csv"
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        raw = text.encode(encoding)
        path.write_bytes(raw)
        chosen, notice = csv_encoding(path)
        try:  # Windows-1252 bytes that happen to be valid UTF-8 (e.g. "Â\x8c") are UTF-8 to every reader
            raw.decode("utf-8")
            expected = "utf-8-sig"
        except UnicodeDecodeError:
            expected = "cp1252"
        assert chosen == expected and (notice is None) == (chosen == "utf-8-sig")
        if chosen == "cp1252" or encoding != "cp1252":
            assert raw.decode(chosen) == text


# -- the round trip: import, export, import into an empty register -----------------------------------

import pytest  # noqa: E402

from tests.test_import import empty_register  # noqa: E402

KEPT = ("id", "currency", "amountAwarded", "awardDate", "plannedDates", "recipientOrganization",
        "fundingOrganization", "dateModified", "dataSource")


def _as_others_publish(tmp_path) -> object:
    """The Trafford file with what real files also carry: a grant in US dollars, a registered
    charity's and company's org ids, date-times and a planned duration."""
    header, rows = trafford_rows()
    col = {h: i for i, h in enumerate(header)}
    rows[0][col["Currency"]], rows[0][col["Amount Awarded"]] = "USD", "50000"
    rows[1][col["Recipient Org:Identifier"]] = "GB-CHC-1234567"
    rows[2][col["Recipient Org:Identifier"]] = "GB-COH-01234567"
    rows[3][col["Award Date"]] = "2014-06-05T10:30:00+01:00"
    rows[4][col["Planned Dates:Start Date"]], rows[4][col["Planned Dates:Duration (months)"]] = "2014-07-01", "18"
    return write(tmp_path / "as-others-publish.csv", header, rows)


@pytest.mark.parametrize("fmt,suffix", [("360giving-json", "json"), ("360giving-csv", "csv"),
                                        ("360giving-xlsx", "xlsx")])
def test_import_export_import_keeps_each_grant_as_it_came(tmp_path, fmt, suffix):
    first = empty_register(tmp_path / "first")
    assert import_file(first, _as_others_publish(tmp_path), "Trafford", who=WHO, publish=True).ok
    build(first)
    out = tmp_path / f"grants.{suffix}"
    out.write_bytes(export_bytes(Database(first), Filters(), fmt).content)
    second = empty_register(tmp_path / "second")
    assert import_file(second, out, "Trafford", who=WHO, publish=True).ok
    build(second)

    def grants(data):
        package = json.loads(export_bytes(Database(data), Filters(), "360giving-json").content)
        return {g["id"]: {k: g.get(k) for k in KEPT} for g in package["grants"]}

    before, after = grants(first), grants(second)
    assert len(before) == len(after) == 555  # the dollar grant too: kept in dollars, not left out
    assert after == before
    header, rows = trafford_rows()
    usd = before[rows[0][0]]
    assert (usd["currency"], usd["amountAwarded"]) == ("USD", 50000)
    assert before[rows[1][0]]["recipientOrganization"][0]["id"] == "GB-CHC-1234567"
    assert before[rows[3][0]]["awardDate"] == "2014-06-05T10:30:00+01:00"
    assert before[rows[4][0]]["plannedDates"] == [{"startDate": "2014-07-01", "duration": 18}]
    assert before[rows[0][0]]["fundingOrganization"][0]["id"] == "GB-LAE-TRF"
    assert before[rows[0][0]]["dateModified"] == "2022-05-03T18:09:56Z"
    # The dollars count in no GBP total.
    kpis = Database(second).query("kpis", Filters())
    assert kpis["amount_gbp"][0] == sum(Decimal(r[header.index("Amount Awarded")]) for r in rows[1:])


def test_a_broken_grant_details_file_names_row_column_and_rule(fresh_data):
    from pccspend.validate import validate_register

    (fresh_data.register / "grant_details.csv").write_text(
        "award_id,identifier,currency,amount,award_date,planned_start,planned_end,planned_months,funder_org_id,"
        "location_code,location_code_type,last_modified,data_source\n"
        "CAM-BCB170511-VS01,360G-x-1,usd,50000,2014-06-05T10:30:00Z,,,18,,,,,https://example.org/\n"
        "NOT-AN-AWARD,360G-x-2,GBP,1,05/06/2014,,,,,,,,\n")
    assert [str(p) for p in validate_register(fresh_data)] == [
        "grant_details.csv row 2, column currency: a three-letter ISO 4217 code (value 'usd')",
        "grant_details.csv row 3, column award_date: an ISO date or date-time (value '05/06/2014')",
        "grant_details.csv row 3, column award_id: award_id must name a row of awards.csv (value 'NOT-AN-AWARD')"]


def test_dollars_are_kept_apart_and_said_beside_the_gbp_total(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    data = empty_register(tmp_path / "data")
    assert import_file(data, _as_others_publish(tmp_path), "Trafford", who=WHO, publish=True).ok
    build(data)
    db = Database(data)
    assert db.query("other_currencies", Filters()).rows() == [("USD", Decimal("50000.00"), 1)]
    assert db.public_view().query("other_currencies", Filters()).rows() == [("USD", Decimal("50000.00"), 1)]
    assert db.query("other_currencies", Filters(from_year="2020/21")).rows() == []  # the filters apply
    monkeypatch.setenv("PCCSPEND_DATA", str(data.root))
    at = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.caption[0].value.endswith(
        "Total spend is in GBP only, plus USD 50,000 not converted (1 award(s) stated in another currency, "
        "among those with no GBP amount).")


def test_other_currencies_read_british_style_and_never_as_pounds():
    from pccspend.money import apart, in_currency

    assert in_currency("USD", Decimal("50000")) == "USD 50,000"
    assert in_currency("EUR", Decimal("1234.5")) == "EUR 1,234.50"
    assert apart([]) == ""
    assert apart([("EUR", 2000), ("USD", Decimal("153934"))]) == "plus EUR 2,000 and USD 153,934 not converted"
    assert apart([("AUD", 1), ("EUR", 2), ("USD", 3)]) == "plus AUD 1, EUR 2 and USD 3 not converted"


# -- classifications: a theme read from one, and every one a grant arrives with kept ------------------

FOREIGN = {"vocabulary": "https://example.org/x", "code": "A1", "title": "Something of theirs"}


def _grant(n: int, classifications: list, **pccspend) -> dict:
    grant = {"id": f"360G-x-{n}", "title": "Youth diversion project",
             "description": "Diversion for young people", "currency": "GBP", "amountAwarded": 5000,
             "awardDate": "2019-05-01",
             "recipientOrganization": [{"id": "GB-CHC-1234567", "name": "A Charity"}],
             "fundingOrganization": [{"id": "GB-LAE-TRF", "name": "Trafford Council"}],
             "classifications": classifications}
    return {**grant, "pccspend": pccspend} if pccspend else grant


def _package(path, *grants) -> object:
    path.write_text(json.dumps({"grants": list(grants)}), encoding="utf-8")
    return path


def _with_rule(data: DataDir) -> DataDir:
    """An office rule that would call every grant above `communities`: a classification beats it."""
    (data.register / "import_mapping.csv").write_text(
        "match_on,pattern,theme,provider_sector,reason,decided_by,decided_on\n"
        "keyword,diversion,communities,,Diversion work.,A. Officer,\n", encoding="utf-8")
    return data


def test_a_theme_classification_sets_the_theme_and_every_classification_is_kept(tmp_path):
    data = _with_rule(empty_register(tmp_path / "data"))
    theirs = [{"vocabulary": "pccspend:theme", "code": "victims", "title": "Victims"}, FOREIGN]
    other = _grant(2, [FOREIGN]) | {"title": "Diversion through sport"}  # another fund: no link to grant 1
    path = _package(tmp_path / "in.json", _grant(1, theirs), other)
    assert import_file(data, path, "Trafford", who=WHO, publish=True).ok
    # The register keeps what the file states; the office's rule classifies the other at build time.
    themes = {a: r["theme"] for a, r in awards(data).items()}
    assert themes == {"360G-x-1": "victims", "360G-x-2": ""}
    with open(data.register / "grant_details.csv", newline="", encoding="utf-8") as fh:
        kept = {r["award_id"]: json.loads(r["classifications"]) for r in csv.DictReader(fh)}
    assert kept == {"360G-x-1": theirs, "360G-x-2": [FOREIGN]}
    build(data)
    package = json.loads(export_bytes(Database(data), Filters(), "360giving-json").content)
    assert {g["id"]: g["classifications"] for g in package["grants"]} == {
        "360G-x-1": [theirs[0], {"vocabulary": "UKCAT", "code": "CJ105", "title": "Victim support"}, FOREIGN],
        "360G-x-2": [FOREIGN]}  # exports carry themes as stated, not the office's classification
    assert Database(data).query("awards", Filters()).filter(pl.col("award_id") == "360G-x-2")[
        ["theme", "theme_basis"]].rows() == [("communities", "office")]


@pytest.mark.parametrize("fmt,suffix", [("360giving-json", "json"), ("360giving-csv", "csv"),
                                        ("360giving-xlsx", "xlsx")])
def test_classifications_survive_export_and_import_in_every_format(tmp_path, fmt, suffix):
    first = empty_register(tmp_path / "first")
    extra = {"vocabulary": "https://example.org/y", "code": "B2", "url": "https://example.org/y/B2"}
    path = _package(tmp_path / "in.json", _grant(1, [FOREIGN, extra], theme="offenders"),
                    _grant(2, [FOREIGN]))
    assert import_file(first, path, "Trafford", who=WHO, publish=True).ok
    build(first)
    out = tmp_path / f"grants.{suffix}"
    out.write_bytes(export_bytes(Database(first), Filters(), fmt).content)
    if fmt == "360giving-csv":  # a third item and a URL: numbered columns, added where a grant needs them
        header = next(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        assert [h for h in header if h.startswith("Classifications:2:")] == [
            "Classifications:2:Vocabulary", "Classifications:2:Code", "Classifications:2:Title"]
        assert "Classifications:3:URL" in header
    second = empty_register(tmp_path / "second")
    assert import_file(second, out, "Trafford", who=WHO, publish=True).ok
    build(second)

    def classified(data):
        package = json.loads(export_bytes(Database(data), Filters(), "360giving-json").content)
        return {g["id"]: g.get("classifications") for g in package["grants"]}

    assert {a: r["theme"] for a, r in awards(second).items()} == {"360G-x-1": "offenders", "360G-x-2": ""}
    assert classified(second) == classified(first) == {
        "360G-x-1": [{"vocabulary": "pccspend:theme", "code": "offenders", "title": "Offenders"},
                     {"vocabulary": "UKCAT", "code": "CJ101", "title": "Offender support and rehabilitation"},
                     FOREIGN, extra],
        "360G-x-2": [FOREIGN]}


def test_a_theme_classification_that_disagrees_is_rejected_naming_file_row_column_rule(fresh_data, tmp_path):
    ours = [{"vocabulary": "pccspend:theme", "code": "victims"}]
    path = _package(tmp_path / "clash.json", _grant(1, ours, theme="offenders"), _grant(2, [FOREIGN, "A1"]),
                    _grant(3, [{"vocabulary": "pccspend:theme", "code": "youth"}]))
    plan = import_file(fresh_data, path, "Trafford", who=WHO, dry_run=True)
    assert [str(p) for p in plan.problems] == [
        "clash.json row 1, column classifications[0].code: the pccspend:theme classification says 'victims' "
        "but pccspend:Theme (JSON: pccspend.theme) says 'offenders': they must agree (value 'victims')",
        "clash.json row 2, column classifications[1]: a classification must be an object (vocabulary, code, "
        "title)",
        "clash.json row 3, column classifications[0].code: a pccspend:theme classification's code must be "
        "one of: communities, offenders, victims (value 'youth')"]
    header, rows = trafford_rows()
    header += ["Classifications:Vocabulary", "Classifications:Code", "pccspend:Theme"]
    rows = [rows[0] + ["pccspend:theme", "victims", "offenders"]]
    path = write(tmp_path / "clash.csv", header, rows)
    plan = import_file(fresh_data, path, "Trafford", who=WHO, dry_run=True)
    assert [str(p) for p in plan.problems] == [
        "clash.csv row 2, column Classifications:Code: the pccspend:theme classification says 'victims' "
        "but pccspend:Theme (JSON: pccspend.theme) says 'offenders': they must agree (value 'victims')"]


def test_kept_classifications_that_are_not_a_json_list_are_named(fresh_data):
    from pccspend.validate import validate_register

    (fresh_data.register / "grant_details.csv").write_text(
        "award_id,identifier,currency,amount,award_date,planned_start,planned_end,planned_months,funder_org_id,"
        "location_code,location_code_type,last_modified,data_source,classifications\n"
        'CAM-BCB170511-VS01,360G-x-1,GBP,1,,,,,,,,,,"[{""vocabulary"":""UKCAT"",""code"":""CJ105""}]"\n'
        'CAM-BCB170511-VS02,360G-x-2,GBP,1,,,,,,,,,,"{""code"":""CJ105""}"\n')
    assert [str(p) for p in validate_register(fresh_data)] == [
        "grant_details.csv row 3, column classifications: a JSON list of classifications, e.g. "
        '[{"vocabulary":"UKCAT","code":"CJ105"}] (value \'{"code":"CJ105"}\')']
