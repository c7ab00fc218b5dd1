"""Proposals from the seed papers as text, born-digital PDF and Word, measured against the register's
rows for those papers; files that cannot be read get one line, never a traceback.

The PDF and Word papers are laid out from tests/paper_layouts.py (typed by hand from the seed papers,
with merged cells, Word numbering and an unruled table), not from our own reading of their text."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import polars as pl
import pytest
from click.testing import CliRunner

from paper_layouts import LAYOUTS, Grid
from papers import PAPERS, blocks_of, write_docx, write_pdf
from pccspend.cli import main
from pccspend.extract import NotExtractable, extract, read
from pccspend.paths import data_dir

# The seed papers with award lines, by source_id (sources.csv's file_name).
SOURCES = {"000_c07965a0b10809ed.txt": "CAM-BCB-2015-07-14", "001_1d570ee3bed65728.txt": "CAM-BCB-2017-05-11",
           "002_3810950e6616eb5f.txt": "LEI-EXE0001", "004_83f45d9755ec39ae.txt": "LEI-EXE0004-21"}
FORMATS = ("text", "pdf", "docx")


@pytest.fixture(scope="session")
def register() -> pl.DataFrame:
    return pl.read_csv(data_dir(None).register / "awards.csv", infer_schema_length=0)


@pytest.fixture(scope="session")
def paper_files(tmp_path_factory):
    """Each seed paper as text, PDF and Word, made once: the papers with awards from their hand-made
    layouts; the FOI response (no amounts) from its text."""
    out = tmp_path_factory.mktemp("papers")
    files = {}
    for name in [*SOURCES, "003_c95eaf83a282bc87.txt"]:
        paper = LAYOUTS.get(name) or blocks_of(PAPERS / name)
        stem = name.removesuffix(".txt")
        files[name] = {"text": PAPERS / name, "pdf": write_pdf(paper, out / f"{stem}.pdf"),
                       "docx": write_docx(paper, out / f"{stem}.docx")}
    return files


def _parts(locator: str) -> list[str]:
    """A locator's places, page and remarks left out, dashes made alike: ["Appendix 1", "Victims"]."""
    text = re.sub(r"\s*\((page \d+|repeated in [^)]*)\)", "", locator).replace("–", "-")
    return [p.strip().lower() for p in text.split(",")]


def _same_place(register_locator: str, proposed: str) -> bool:
    """The proposal's locator leads where the register's does: the same table or paragraph, and
    the register's row or section named in it."""
    want, got = _parts(register_locator), _parts(proposed)
    return want[0] == got[0] and all(w in " ".join(got[1:]) for w in want[1:2])


def measure(rows: list[dict], proposals) -> tuple[int, int, int, int, list]:
    """(register amounts found, register amounts, proposals that are register lines, proposals):
    a match has the same amount (or both none), the same financial year and the same place."""
    unused = list(proposals)
    found, missed = 0, []
    real = set()
    for row in rows:
        amount = None if row["amount_gbp"] is None else Decimal(row["amount_gbp"])
        hit = next((p for p in unused if p.amount_gbp == amount and p.financial_year == row["financial_year"]
                    and _same_place(row["source_locator"], p.source_locator)), None)
        if hit is not None:
            unused.remove(hit)
            real.add(id(hit))
            found += amount is not None
        elif amount is not None:
            missed.append((row["award_id"], row["amount_gbp"], row["source_locator"]))
    with_amount = sum(r["amount_gbp"] is not None for r in rows)
    return found, with_amount, len(real), len(proposals), missed


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("paper", list(SOURCES))
def test_recall_and_precision_against_the_register(paper, fmt, paper_files, register):
    rows = register.filter(pl.col("source_id") == SOURCES[paper]).to_dicts()
    found = extract(paper_files[paper][fmt])
    hits, wanted, real, proposed, missed = measure(rows, found.proposals)
    recall, precision = hits / wanted, real / proposed
    print(f"\n{paper} as {fmt}: recall {hits}/{wanted} = {recall:.0%}, precision {real}/{proposed} = {precision:.0%}")
    assert recall >= 0.95, missed
    assert precision >= 0.90


def test_a_table_over_a_page_break_is_one_table_with_its_header_once(paper_files):
    doc = read(paper_files["001_1d570ee3bed65728.txt"]["pdf"])
    appendix = [t for t in doc.tables if t.rows[0] == ["Service Provision", "Provider", "Funding £"]]
    assert len(appendix) == 1 and len(set(appendix[0].pages)) > 1
    assert sum(r == ["Service Provision", "Provider", "Funding £"] for r in appendix[0].rows) == 1


def test_an_unruled_table_is_read_by_its_aligned_columns(paper_files):
    doc = read(paper_files["002_3810950e6616eb5f.txt"]["pdf"])
    grid = next(b for b in LAYOUTS["002_3810950e6616eb5f.txt"].blocks if isinstance(b, Grid) and not b.ruled)
    assert [t.rows for t in doc.tables if t.rows[0] == grid.head[0]] == [grid.head + grid.rows]


@pytest.mark.parametrize("fmt", ("pdf", "docx"))
def test_word_and_pdf_paragraph_numbers_are_the_papers(fmt, paper_files):
    """Word numbers the paragraphs itself (numPr); the PDF prints them in a hanging indent."""
    for name in ("000_c07965a0b10809ed.txt", "001_1d570ee3bed65728.txt"):
        typed = [b.number for b in LAYOUTS[name].blocks if getattr(b, "number", None)]
        assert [p.number for p in read(paper_files[name][fmt]).paragraphs if p.number] == typed


@pytest.mark.parametrize("fmt", ("pdf", "docx"))
def test_merged_cells_and_names_over_descriptions_read_as_the_register_has_them(fmt, paper_files, register):
    """A provider cell merged down gives every row its provider (an empty cell stays empty); a
    project's name over its description gives the register's service and description."""
    found = extract(paper_files["001_1d570ee3bed65728.txt"][fmt])
    rows = register.filter(pl.col("source_id") == "CAM-BCB-2017-05-11").to_dicts()
    lines = [p for p in found.proposals if p.source_locator.startswith(("Appendix 1", "Paragraph 4.3"))]
    assert [p.service for p in lines] == [r["service"] for r in rows[:len(lines)]]
    described = {r["service"]: r["description"] for r in rows[:len(lines)] if r["description"]}
    # The register's description may go on with the provider cell's words ("Contribution to ...").
    assert [(p.service, p.description is not None and described[p.service].startswith(p.description.rstrip(".")))
            for p in lines if p.service in described or p.description] == [(s, True) for s in described]
    providers = [p.provider for p in lines]
    assert providers[1:3] == ["Cambridgeshire Constabulary"] * 2
    assert providers[11:15] == ["Independent Boards with single back office provision"] * 4 and providers[15] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_appendix_1_total_is_set_beside_its_lines_with_the_gap(fmt, paper_files):
    found = extract(paper_files["001_1d570ee3bed65728.txt"][fmt])
    total = next(t.row() for t in found.totals if t.source_locator.startswith("Appendix 1"))
    assert {k: total[k] for k in ("stated_total_gbp", "lines_gbp", "difference_gbp", "lines", "lines_without_amount")} == {
        "stated_total_gbp": "1322248.00", "lines_gbp": "1312248.00", "difference_gbp": "10000.00",
        "lines": 25, "lines_without_amount": 1}
    themes = {p.theme for p in found.proposals if p.source_locator.startswith("Appendix 1")}
    assert themes == {"victims", "offenders", "communities"}


@pytest.mark.parametrize("fmt", ("pdf", "docx"))
def test_tables_by_year_give_committed_and_optional_extension_lines_and_their_totals(fmt, paper_files):
    found = extract(paper_files["002_3810950e6616eb5f.txt"][fmt])
    rutland = [(p.financial_year, str(p.amount_gbp), p.status) for p in found.proposals if p.provider == "Rutland County Council"]
    assert rutland == [("2016/17", "1114", "committed"), ("2017/18", "1485", "committed"), ("2018/19", "1485", "committed"),
                       ("2019/20", "1485", "committed"), ("2020/21", "371", "committed"),
                       ("2020/21", "1114", "optional_extension"), ("2021/22", "371", "optional_extension")]
    assert [(t.row()["stated_total_gbp"], t.row()["difference_gbp"]) for t in found.totals] == [
        ("1789696.00", "0.00"), ("447424.00", "0.00"), ("5940.00", "0.00"), ("1485.00", "0.00"), ("1795636.00", "0.00")]


def test_the_text_total_that_differs_from_its_cell_by_pence_is_shown(paper_files):
    found = extract(paper_files["004_83f45d9755ec39ae.txt"]["pdf"])
    assert [(t.row()["stated_total_gbp"], t.row()["lines_gbp"]) for t in found.totals if "Paragraph" in t.source_locator] == [
        ("131073.40", "131073.00"), ("331142.86", "331143.00")]


def _scanned_pdf(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(50, 50, 400, 600, fill=1)  # an image of a page: shapes, no text
    c.showPage()
    c.save()
    return path


def _encrypted_pdf(path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 720, "1.1 The Commissioner commits to providing £1,000 in 2016/17 to Someone Council.")
    c.save()
    return path


@pytest.mark.parametrize("make, says", [
    (_scanned_pdf, "no text layer: scanned PDF, OCR is not supported"),
    (_encrypted_pdf, "encrypted PDF: it needs a password to open; save an unprotected copy"),
    (lambda p: (p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)), p)[1],
     "encrypted Word file or old .doc: save it as .docx without a password"),
    (lambda p: (p.write_bytes(b"PK\x03\x04 not really a zip"), p)[1], "not a readable Word (.docx) file"),
    (lambda p: (p.write_bytes(b"%PDF-1.4 broken"), p)[1], "not a readable PDF (PDFSyntaxError)"),
    (lambda p: (p.write_bytes(bytes(range(256)) * 4), p)[1], "not a PDF, Word (.docx) or text file"),
    (lambda p: (p.write_text(""), p)[1], "the file is empty: no text to read"),
])
def test_files_that_cannot_be_read_get_one_line(make, says, tmp_path):
    path = make(tmp_path / "upload")
    with pytest.raises(NotExtractable) as caught:
        extract(path)
    assert str(caught.value) == says
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 1 and result.output.strip() == f"{path}: {says}"


def test_a_paper_without_awards_says_so(paper_files):
    for fmt in FORMATS:
        with pytest.raises(NotExtractable, match="no award lines found"):
            extract(paper_files["003_c95eaf83a282bc87.txt"][fmt])


def test_the_command_gives_register_columns_and_writes_nothing(paper_files, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in data_dir(None).register.iterdir()}
    result = CliRunner().invoke(main, ["extract", str(paper_files["000_c07965a0b10809ed.txt"]["docx"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{
        "financial_year": "2016/17", "theme": None, "plan_priority": None,
        "service": "CREATION OF A SUBSTANCE MISUSE 'INNOVATION FUND' IN PETERBOROUGH", "description": None,
        "provider": "Peterborough City Council", "amount_gbp": "150000.00", "amount_note": None, "status": "committed",
        "source_locator": "Paragraph 2.2 (repeated in 5.2)", "file_name": "000_c07965a0b10809ed.docx",
        "evidence": "The Commissioner signs the Decision Notice to create the fund and commits to providing £150,000 "
                    "in 2016/17 to Peterborough City Council for this purpose."}]
    csv = CliRunner().invoke(main, ["extract", str(paper_files["001_1d570ee3bed65728.txt"]["pdf"]), "--format", "csv", "--totals"])
    assert csv.exit_code == 0 and "Appendix 1, Total Awards (page" in csv.stdout and "10000.00" in csv.stdout
    assert {p: p.stat().st_mtime_ns for p in data_dir(None).register.iterdir()} == before
