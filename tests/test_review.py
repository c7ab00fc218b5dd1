"""Publication decisions (issue 13): `decisions.decide` on a copy of the register (publish, redact,
withhold; refusals write nothing), the `decide` and `drafts` commands, the queue of drafts after a
real import, and the Review and publish page (AppTest, and Chromium driving the real server)."""

from __future__ import annotations

import csv
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from pccspend.build import build
from pccspend.cli import main
from pccspend.db import Database
from pccspend.decisions import DecisionInvalid, DecisionRefused, UnknownAwards, decide, queue
from pccspend.edits import RegisterChanged
from pccspend.filters import Filters
from pccspend.identity import os_user
from pccspend.importing import import_file
from pccspend.paths import PROJECT_ROOT, DataDir
from pccspend.register import register_digest
from pccspend.access import local_person
from tests.conftest import WHO, person
from tests.hardening import own_thread

FIXTURES = Path(__file__).parent / "fixtures"
TRAFFORD = FIXTURES / "trafford_council_voluntary_sector_grants.csv"
TRAFFORD_SOURCE = "IMPORT-f8e50ff2af0c"  # "IMPORT-" + the file's sha256, first 12 hex digits
AREA = "Greater Manchester"
EVERYTHING = Filters(statuses=("awarded", "committed", "planned", "optional_extension"))
PAGE = "pages/review.py"
CHROMIUM = "/usr/bin/chromium"
# The bundled register's public headline (every award published): total, awards.
PUBLIC_KPIS = (Decimal("4832360.00"), 56)
VS01 = "CAM-BCB170511-VS01"  # Cambridgeshire Constabulary, Victim and Witness Hub, £446,000 (2017/18)
T2 = ["LEI-EXE0004-21-T2-01", "LEI-EXE0004-21-T2-02"]  # £219,287 and £111,856 (2022/23)
REASON_RULE = ("a reason is required when an award is redacted or withheld (the exemption relied on, "
               "e.g. personal safety)")
DECISION = ["publication", "redacted_fields", "publication_reason", "publication_decided_by",
            "publication_decided_on"]


def rows(data: DataDir) -> dict[str, dict]:
    """awards.csv as the register holds it: award id -> its row (cells as text)."""
    with open(data.register / "awards.csv", newline="", encoding="utf-8") as fh:
        return {r["award_id"]: r for r in csv.DictReader(fh)}


def decision(data: DataDir, award_id: str) -> tuple[str, ...]:
    return tuple(rows(data)[award_id][c] for c in DECISION)


def register_bytes(data: DataDir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.register.iterdir())}


def public_kpis(data: DataDir, filters: Filters = Filters()) -> tuple:
    return Database(data, public=True).query("kpis", filters).row(0)[:2]


def trafford_figures() -> tuple[int, Decimal, str, str]:
    """Grants, their total and the first and last financial year, read from the file itself."""
    with open(TRAFFORD, newline="", encoding="utf-8") as fh:
        grants = list(csv.DictReader(fh))
    years = []
    for g in grants:
        day = dt.date.fromisoformat(g["Award Date"][:10])
        start = day.year if day.month >= 4 else day.year - 1
        years.append(f"{start}/{str(start + 1)[2:]}")
    return len(grants), sum(Decimal(g["Amount Awarded"]) for g in grants), min(years), max(years)


@pytest.fixture
def trafford(fresh_data) -> DataDir:
    """The bundled register with Trafford council's 555 grants imported as drafts."""
    plan = import_file(fresh_data, TRAFFORD, AREA, who=WHO)
    assert plan.ok and plan.added == 555
    return fresh_data


# -- decide() ---------------------------------------------------------------------------------------

def test_publish_records_the_decision_on_each_row_and_changes_the_public_figures(fresh_data):
    build(fresh_data)
    assert public_kpis(fresh_data) == PUBLIC_KPIS
    done = decide(fresh_data, T2, "draft", by=person("Ann Example"), on="2026-11-30")
    assert (done.changed, done.unchanged) == ({"draft": 2}, 0)
    assert done.changes == [(T2[0], "published", "draft"), (T2[1], "published", "draft")]
    assert public_kpis(fresh_data) == (PUBLIC_KPIS[0] - Decimal("219287") - Decimal("111856"), 54)

    done = decide(fresh_data, T2, "published", by=person("Ben Example"), on=dt.date(2026, 12, 1))
    assert done.summary() == "2 award(s) changed (2 published), decided by Ben Example on 2026-12-01."
    assert decision(fresh_data, T2[0]) == ("published", "", "", "Ben Example", "2026-12-01")
    assert decision(fresh_data, T2[1]) == ("published", "", "", "Ben Example", "2026-12-01")
    assert public_kpis(fresh_data) == PUBLIC_KPIS

    # The same decision again changes nothing, not even who decided and when.
    before = register_bytes(fresh_data)
    again = decide(fresh_data, T2, "published", by=person("Cy Example"))
    assert (again.changed, again.unchanged) == ({}, 2)
    assert again.summary() == "Nothing changed: the 2 award(s) already carry that decision."
    assert register_bytes(fresh_data) == before


def test_the_date_defaults_to_today_and_other_rows_keep_every_byte(fresh_data):
    before = (fresh_data.register / "awards.csv").read_text(encoding="utf-8").splitlines()
    decide(fresh_data, [VS01], "withheld", reason="personal safety", by=person("Ann Example"))
    after = (fresh_data.register / "awards.csv").read_text(encoding="utf-8").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(after) == len(before) and [after[i].split(",")[0] for i in changed] == [VS01]
    assert decision(fresh_data, VS01) == ("withheld", "", "personal safety", "Ann Example", dt.date.today().isoformat())


def test_redacted_fields_read_withheld_in_public_and_the_award_still_counts(fresh_data):
    done = decide(fresh_data, [VS01], "redacted", fields=["provider", "description"], reason="personal safety",
                  by=person("Ann Example"), on="2026-12-01")
    assert done.changed == {"redacted": 1}
    assert decision(fresh_data, VS01) == ("redacted", "provider;description", "personal safety", "Ann Example",
                                          "2026-12-01")
    public = Database(fresh_data, public=True)
    got = public.query("awards", EVERYTHING).filter(pl.col("award_id") == VS01)
    assert got.select("provider", "description", "service", "amount_gbp", "publication").row(0) == (
        "Withheld: personal safety", "Withheld: personal safety", "Victim and Witness Hub Initial Referral provision",
        Decimal("446000.00"), "redacted")
    assert public_kpis(fresh_data) == PUBLIC_KPIS  # counted, with its amount
    office = Database(fresh_data).query("awards", EVERYTHING).filter(pl.col("award_id") == VS01)
    assert office["provider"].to_list() == ["Cambridgeshire Constabulary"]


def test_a_withheld_award_is_gone_from_the_public_view(fresh_data):
    done = decide(fresh_data, [VS01], "withheld", reason="prevention or detection of crime", by=person("Ann Example"),
                  on="2026-12-01")
    assert done.changed == {"withheld": 1}
    assert VS01 not in Database(fresh_data, public=True).query("awards", EVERYTHING)["award_id"].to_list()
    assert public_kpis(fresh_data) == (PUBLIC_KPIS[0] - Decimal("446000"), 55)
    office = Database(fresh_data).query("awards", EVERYTHING.replace(include_unpublished=True))
    assert office.filter(pl.col("award_id") == VS01).select("publication", "publication_reason").row(0) == (
        "withheld", "prevention or detection of crime")


def test_a_missing_reason_is_refused_and_nothing_is_written(fresh_data):
    build(fresh_data)
    before, built = register_bytes(fresh_data), fresh_data.current.resolve()
    for state in ("withheld", "redacted"):
        with pytest.raises(DecisionInvalid) as refused:
            decide(fresh_data, [VS01, T2[0]], state, fields=("provider",) if state == "redacted" else (),
                   by=person("Ann Example"))
        assert refused.value.lines() == [f"publication_reason: {REASON_RULE} (2 awards: {VS01}, {T2[0]})"]
        assert register_bytes(fresh_data) == before and fresh_data.current.resolve() == built
    assert [p.name for p in fresh_data.root.iterdir() if p.name.startswith(".edit-")] == []


def test_a_field_that_cannot_be_withheld_is_refused(fresh_data):
    before = register_bytes(fresh_data)
    with pytest.raises(DecisionInvalid) as refused:
        decide(fresh_data, [VS01], "redacted", fields="award_id; colour", reason="personal safety", by=person("Ann Example"))
    assert refused.value.lines() == [
        f"redacted_fields 'award_id': award_id is never withheld from a published award (withhold the whole "
        f"award instead) ({VS01})",
        f"redacted_fields 'colour': not a column of awards.csv ({VS01})",
    ]
    with pytest.raises(DecisionInvalid) as refused:  # a redaction names what it withholds
        decide(fresh_data, [VS01], "redacted", reason="personal safety", by=person("Ann Example"))
    assert refused.value.lines() == [
        f"redacted_fields: a redacted award names the fields withheld, e.g. provider;description ({VS01})"]
    with pytest.raises(DecisionRefused, match=r"^only a redacted award withholds fields \(CAM-BCB170511-VS01\)"):
        decide(fresh_data, [VS01], "withheld", fields=["provider"], reason="personal safety", by=person("Ann Example"))
    assert register_bytes(fresh_data) == before


def test_unknown_award_ids_are_named_and_nothing_is_written(fresh_data):
    before = register_bytes(fresh_data)
    with pytest.raises(UnknownAwards) as refused:
        decide(fresh_data, ["NOPE-1", VS01, "NOPE-2"], "published", by=person("Ann Example"))
    assert str(refused.value) == "no such awards in the register: NOPE-1, NOPE-2; nothing was recorded"
    assert refused.value.ids == ["NOPE-1", "NOPE-2"]
    with pytest.raises(DecisionRefused, match="^say who decides"):
        decide(fresh_data, [VS01], "withheld", reason="personal safety", by=person("  "))
    with pytest.raises(DecisionRefused, match="^unknown publication state 'maybe'"):
        decide(fresh_data, [VS01], "maybe", by=person("Ann Example"))
    assert register_bytes(fresh_data) == before


def test_a_decision_made_on_a_register_that_changed_since_is_refused(fresh_data):
    seen = register_digest(fresh_data)  # what the person looked at
    decide(fresh_data, [T2[0]], "withheld", reason="personal safety", by=person("Someone Else"))  # meanwhile
    after = register_bytes(fresh_data)
    with pytest.raises(RegisterChanged):
        decide(fresh_data, [VS01], "withheld", reason="personal safety", by=person("Ann Example"), digest=seen)
    assert register_bytes(fresh_data) == after
    assert decision(fresh_data, VS01)[0] == "published"


# -- the queue --------------------------------------------------------------------------------------

def test_an_import_waits_as_one_group_with_the_files_count_and_total(trafford):
    count, total, first, last = trafford_figures()
    assert (count, total, first, last) == (555, Decimal("1291436.54"), "2012/13", "2024/25")
    got = queue(Database(trafford))
    assert got.drop("published_date").rows(named=True) == [{
        "source_id": TRAFFORD_SOURCE, "title": f"Import of {TRAFFORD.name}", "kind": "import", "areas": AREA,
        "award_count": count, "amount_gbp": total, "missing_amount_count": 0, "first_financial_year": first,
        "last_financial_year": last, "decided_count": 0}]
    # The bundled documents are all decided: listed only when asked for, with nothing to decide.
    every = queue(Database(trafford), include_decided=True)
    assert every.select("source_id", "award_count", "decided_count").rows() == [
        (TRAFFORD_SOURCE, 555, 0), ("LEI-EXE0004-21", 0, 5), ("CAM-BCB-2017-05-11", 0, 37),
        ("LEI-EXE0001", 0, 16), ("CAM-BCB-2015-07-14", 0, 1), ("WMD-FOI-2013-01354", 0, 1)]


# -- the command line -------------------------------------------------------------------------------

def run(data: DataDir, *args: str):
    return CliRunner().invoke(main, [*args, "--data", str(data.root)])


def test_cli_decide_records_the_os_user_and_prints_what_changed(fresh_data):
    result = run(fresh_data, "decide", VS01, T2[0], "--redact", "provider;description", "--reason", "personal safety")
    assert result.exit_code == 0, result.output
    today = dt.date.today().isoformat()
    assert result.stdout == (
        f"2 award(s) changed (2 redacted), decided by {os_user()} on {today}.\n"
        f"  {VS01}: published -> redacted\n"
        f"  {T2[0]}: published -> redacted\n")
    assert os_user().endswith(" (command line)")
    assert decision(fresh_data, VS01) == ("redacted", "provider;description", "personal safety", os_user(), today)

    refused = run(fresh_data, "decide", T2[1], "--withhold")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-2:] == [f"publication_reason: {REASON_RULE} ({T2[1]})",
                                                "1 problem(s): nothing was recorded."]
    unknown = run(fresh_data, "decide", "NOPE-1", "--publish")
    assert (unknown.exit_code, unknown.stderr) == (
        2, "Error: no such award in the register: NOPE-1; nothing was recorded\n")
    neither = run(fresh_data, "decide", VS01)
    assert (neither.exit_code, neither.stderr) == (
        2, "Error: give one of --publish, --redact FIELDS, --withhold or --draft\n")
    assert decision(fresh_data, T2[1])[0] == "published"


def test_cli_drafts_then_decide_a_whole_import_by_its_source(trafford):
    today = dt.date.today().isoformat()
    listed = run(trafford, "drafts", "--format", "csv")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout == (
        "source_id,title,kind,published_date,areas,award_count,amount_gbp,missing_amount_count,"
        "first_financial_year,last_financial_year,decided_count\n"
        f"{TRAFFORD_SOURCE},Import of {TRAFFORD.name},import,{today},{AREA},555,1291436.54,0,2012/13,2024/25,0\n")
    table = run(trafford, "drafts").stdout.splitlines()
    assert TRAFFORD_SOURCE in table[3] and "£1,291,436.54" in table[3] and "555" in table[3]
    assert table[-1] == ("555 draft(s) from 1 document(s) or import(s). Decide them with `python -m pccspend decide "
                         "--source SOURCE_ID --publish` (or --redact, --withhold).")

    done = run(trafford, "decide", "--source", TRAFFORD_SOURCE, "--publish")
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == f"555 award(s) changed (555 published), decided by {os_user()} on {today}."
    assert lines[1] == "  360G-traffordmbc-VSG1342: draft -> published"
    assert (len(lines), lines[-1]) == (22, "  ... and 535 more")
    imported = [r for r in rows(trafford).values() if r["source_id"] == TRAFFORD_SOURCE]
    assert {tuple(r[c] for c in DECISION) for r in imported} == {("published", "", "", os_user(), today)}
    assert public_kpis(trafford, Filters(areas=(AREA,))) == (Decimal("1291436.54"), 555)
    assert run(trafford, "drafts").stdout == "Nothing awaits a publication decision.\n"
    again = run(trafford, "decide", "--source", TRAFFORD_SOURCE, "--publish")
    assert (again.exit_code, again.stderr) == (
        2, f"Error: {TRAFFORD_SOURCE} has no drafts: every award from it is decided\n")


# -- the Review and publish page ----------------------------------------------------------------------

def open_page(data: DataDir, monkeypatch) -> AppTest:
    monkeypatch.setenv("PCCSPEND_DATA", str(data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_publishes_a_whole_import_as_the_person_using_it(trafford, monkeypatch):
    at = open_page(trafford, monkeypatch)
    assert at.title[0].value == "Review and publish"
    label = f"Import of {TRAFFORD.name} (import, {TRAFFORD_SOURCE}): 555 drafts, £1,291,436.54"
    assert at.selectbox(key="review:group").options == [label]
    assert [(m.label, m.value) for m in at.metric] == [
        ("Drafts", "555"), ("Total of the drafts", "£1,291,436.54"), ("Years", "2012/13 to 2024/25"),
        ("Already decided", "0")]
    decider = local_person().name  # local mode: the person at this computer
    assert at.caption[1].value == f"Decisions are recorded as made by **{decider}**, today."
    before = register_bytes(trafford)

    at.button(key="review:withhold-all").click().run()  # no reason given
    assert at.error[0].value.startswith(f"Nothing was recorded:\n\n- publication_reason: {REASON_RULE} "
                                        "(555 awards: 360G-traffordmbc-VSG1342, ")
    assert register_bytes(trafford) == before

    at.button(key="review:publish-all").click().run()
    assert not at.exception, [e.value for e in at.exception]
    today = dt.date.today().isoformat()
    assert at.success[0].value == (f"{label}: 555 award(s) changed (555 published), decided by {decider} on "
                                   f"{today}.")
    imported = [r for r in rows(trafford).values() if r["source_id"] == TRAFFORD_SOURCE]
    assert len(imported) == 555
    assert {tuple(r[c] for c in DECISION) for r in imported} == {("published", "", "", decider, today)}
    assert public_kpis(trafford, Filters(areas=(AREA,))) == (Decimal("1291436.54"), 555)
    assert at.info[0].value.startswith("Nothing awaits a publication decision")


def test_with_nothing_to_decide_the_page_says_so_and_shows_decided_awards_on_request(fresh_data, monkeypatch):
    build(fresh_data)
    at = open_page(fresh_data, monkeypatch)
    assert [i.value for i in at.info] == [
        "Nothing awaits a publication decision: every award is decided. Turn on 'Show decided awards too' to "
        "change a decision."]
    at.toggle(key="review:decided").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="review:group").options[:2] == [
        "Substance Misuse Treatment service (decision record, LEI-EXE0004-21): 0 drafts; 5 decided",
        "Commissioning and Grants (board report, CAM-BCB-2017-05-11): 0 drafts; 37 decided"]
    assert [(m.label, m.value) for m in at.metric] == [
        ("Drafts", "0"), ("Total of the drafts", "£0"), ("Years", "-"), ("Already decided", "5")]
    assert at.button(key="review:publish-all").disabled and at.button(key="review:withhold-all").disabled


def test_the_page_is_in_the_office_section_before_publish():
    from pccspend.ui.nav import PAGES

    assert [(p.name, p.title, p.needs) for p in PAGES if p.office] == [
        ("import_data", "Import awards", "import"), ("review", "Review and publish", "decide"),
        ("publish", "Publish a snapshot", "snapshot"), ("duties", "Transparency duties", "held_back"),
        ("activity", "Activity", "activity"), ("access", "Access", "access")]


# -- Chromium against the real server ---------------------------------------------------------------

def settle(page, metrics: bool = False) -> None:
    """Wait until the script run is over; `metrics`: first until the page's figures are drawn (a page
    just opened reads "not running" before its first run has started)."""
    if metrics:
        page.locator('[data-testid="stMetricValue"]').nth(1).wait_for(timeout=60_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_timeout(600)  # the last deltas paint
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


@pytest.mark.e2e
@own_thread  # the sync Playwright API refuses a thread where an event loop runs (earlier browser tests)
def test_chromium_publishes_one_draft_row_by_row_and_the_public_count_changes(trafford, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make chromium)")
    from pccspend.ui.review import AWARD_WIDTH, DECISION_WIDTH
    from tests.hardening import streamlit_server

    first = "360G-traffordmbc-VSG1342"  # the editor's first row: Greater Manchester, 2012/13, award id order
    with streamlit_server(trafford, tmp_path / "streamlit.log") as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(base)
            settle(page, metrics=True)
            kpis = page.locator('[data-testid="stMetricValue"]')  # total spend, awards, providers, no amount
            assert kpis.all_inner_texts()[:2] == ["£4,832,360", "56"]  # the drafts count nowhere
            nav = page.locator('[data-testid="stSidebarNav"]')
            nav.get_by_role("link", name="Review and publish").click()
            page.wait_for_function("() => location.pathname.endsWith('/review')", timeout=30_000)
            settle(page)
            grid = page.locator('[data-testid="stDataFrame"]').last  # the editor (the queue table is first)
            grid.scroll_into_view_if_needed()
            box = grid.bounding_box()
            # The first row's decision cell: past the award column, under the 35 px header.
            page.mouse.dblclick(box["x"] + AWARD_WIDTH + DECISION_WIDTH / 2, box["y"] + 35 + 17)
            page.get_by_role("option", name="publish", exact=True).click()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] - 60)  # leave the grid: the edit is sent
            settle(page)
            page.get_by_role("button", name="Record 1 decision(s)").click()
            success = page.locator('[data-testid="stAlertContentSuccess"]')
            success.wait_for(timeout=60_000)
            settle(page)
            today = dt.date.today().isoformat()
            assert success.inner_text() == (
                f"Import of {TRAFFORD.name} (import, {TRAFFORD_SOURCE}): 555 drafts, £1,291,436.54: 1 award(s) "
                f"changed (1 published), decided by {local_person().name} on {today}.")
            nav.get_by_role("link", name="Overview").click()
            page.wait_for_function("() => !location.pathname.endsWith('/review')", timeout=30_000)
            settle(page, metrics=True)
            assert kpis.all_inner_texts()[:2] == ["£4,834,626", "57"]  # with the grant's £2,266
        finally:
            browser.close()
    assert decision(trafford, first) == ("published", "", "", local_person().name, today)
    drafts = [r for r in rows(trafford).values() if r["publication"] == "draft"]
    assert len(drafts) == 554
