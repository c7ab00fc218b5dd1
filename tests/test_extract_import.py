"""A paper's proposed lines brought in through the Import page's dry run and confirm (issue 18): as
drafts, each award with the paper as its source and the proposal's own locator, the paper kept in
data/sources/; importing it twice changes nothing; a rejection names the proposal's line."""

from __future__ import annotations

import csv
import datetime as dt

from streamlit.testing.v1 import AppTest

from pccspend import audit
from pccspend.extract import read_and_extract
from pccspend.importing import report_lines
from pccspend.importing.papers import Paper, document_text, import_paper
from pccspend.paths import PROJECT_ROOT
from tests.conftest import WHO
from tests.papers import blocks_of, write_pdf
from tests.test_extract import PAPERS
from tests.test_import import empty_register

EXE0004 = PAPERS / "004_83f45d9755ec39ae.txt"


def _proposed(path):
    doc, found = read_and_extract(path)
    rows = [{"line": n, **p.row(), "provider_sector": "local authority" if p.provider else None}
            for n, p in enumerate(found.proposals, start=1)]
    paper = Paper(path.name, path.read_bytes(), "EXE0004/21 Substance misuse treatment service",
                  "Leicestershire Police and Crime Commissioner", "2021-03-30", "decision record",
                  text=document_text(doc))
    return paper, rows


def _awards(data) -> list[dict]:
    with open(data.register / "awards.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_a_papers_lines_import_as_drafts_with_the_paper_and_their_locators(tmp_path):
    pdf = write_pdf(blocks_of(EXE0004), tmp_path / "EXE0004-21.pdf")
    paper, rows = _proposed(pdf)
    data = empty_register(tmp_path / "data")
    plan = import_paper(data, paper, rows, area="Leicestershire", funder="Leicestershire Police and Crime Commissioner",
                        mechanism="grant", who=WHO, dry_run=False)
    assert plan.ok, plan.problems
    assert plan.added == len(rows) == 5
    awards = _awards(data)
    assert sorted((a["provider"], a["amount_gbp"], a["financial_year"]) for a in awards) == sorted(
        (r["provider"], r["amount_gbp"], r["financial_year"]) for r in rows)
    assert {a["source_id"] for a in awards} == {paper.source_id}
    assert [a["source_locator"] for a in awards] == [r["source_locator"] for r in rows]
    assert all(a["publication"] == "draft" for a in awards)
    assert [a["award_id"] for a in awards] == [f"{paper.source_id}-{n:03d}" for n in range(1, 6)]
    with open(data.register / "sources.csv", newline="", encoding="utf-8") as fh:
        (source,) = list(csv.DictReader(fh))
    assert source["source_id"] == paper.source_id and source["kind"] == "decision record"
    assert source["file_name"] == f"{paper.source_id}.txt"
    assert (data.sources_dir / f"{paper.source_id}.pdf").read_bytes() == pdf.read_bytes()
    assert "Table 2" in (data.sources_dir / f"{paper.source_id}.txt").read_text(encoding="utf-8")
    assert audit.entries(data)[-1]["details"]["paper"] == paper.source_id

    again = import_paper(data, paper, rows, area="Leicestershire", funder="Leicestershire Police and Crime Commissioner",
                         mechanism="grant", who=WHO, dry_run=True)
    assert again.ok and (again.added, again.changed, again.unchanged) == (0, 0, 5)
    assert "Nothing to do: the register already holds every row of this file." in report_lines(again)


def test_a_rejected_line_is_named_by_its_proposal_number(tmp_path):
    paper, rows = _proposed(EXE0004)
    rows[2]["amount_gbp"] = "12,34x"
    rows[3]["provider_sector"] = None
    data = empty_register(tmp_path / "data")
    plan = import_paper(data, paper, rows, area="Leicestershire", funder="OPCC", mechanism="grant", who=WHO)
    assert [(p.file, p.row, p.column) for p in plan.problems] == [
        (f"{EXE0004.name} (proposals)", 3, "amount_gbp"), (f"{EXE0004.name} (proposals)", 4, "provider_sector")]


def test_the_import_page_reviews_a_paper_and_imports_it(tmp_path, monkeypatch):
    data = empty_register(tmp_path / "data")
    monkeypatch.setenv("PCCSPEND_DATA", str(data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/import_data.py").run()
    at.segmented_control(key="import-what").set_value("A paper").run()
    at.file_uploader(key="paper-file").upload(EXE0004.name, EXE0004.read_bytes(), "text/plain")
    at.run()
    assert not at.exception
    assert at.main.caption[-1].value.startswith("5 proposed line(s) (0 without an amount) and ")
    assert at.info[0].value == "Give the area, funder, date it was published to see what the import would change."
    at.text_input(key="paper-area").input("Leicestershire")
    at.text_input(key="paper-funder").input("Leicestershire Police and Crime Commissioner")
    at.date_input(key="paper-date").set_value(dt.date(2021, 3, 30))
    at.selectbox(key="paper-sector").select("local authority")
    at.run()
    assert not at.exception and not at.error
    assert [(m.label, m.value) for m in at.metric] == [
        ("Would add", "5"), ("Would change", "0"), ("Unchanged", "0"), ("Rejected", "0")]
    at.button(key="import-confirm").click().run()
    assert not at.exception
    assert len(_awards(data)) == 5
    assert at.success[0].value.startswith(f"Imported {EXE0004.name}: 5 added, 0 changed, as drafts")
