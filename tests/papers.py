"""Board papers made for the extraction tests: each seed paper's text laid out as a real paper is,
as a born-digital PDF (reportlab: A4, numbered paragraphs, ruled tables with a shaded header row
repeated over a page break, wrapped cells, page numbers) and as Word (python-docx)."""

from __future__ import annotations

from pathlib import Path

from pccspend.extract.model import Paragraph, Table
from pccspend.extract.text import parse_text

PAPERS = Path(__file__).parent / "fixtures" / "papers"


def blocks_of(paper: Path) -> list[Paragraph | Table]:
    """A seed paper's paragraphs and tables, read from its text."""
    return parse_text(paper.read_text(encoding="utf-8"), paper.name).blocks


def _header_rows(table: Table) -> int:
    """How many rows to repeat on each page: up to and including the column headings."""
    for i, row in enumerate(table.rows[:3]):
        if sum(bool(c) for c in row) >= 2:
            return i + 1
    return 1


def _section_rows(table: Table) -> list[int]:
    """Rows with text only in their first one or two cells ("Victims | Safeguarding the vulnerable")."""
    out = []
    for i, row in enumerate(table.rows):
        filled = [j for j, c in enumerate(row) if c]
        if len(row) > 2 and filled and max(filled) <= 1 and len(filled) < len(row) - 1:
            out.append(i)
    return out


def write_pdf(blocks, out: Path) -> Path:
    """The paper as an A4 PDF with ruled tables and page numbers."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as T
    from reportlab.platypus import TableStyle
    from xml.sax.saxutils import escape

    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("body", fontSize=10, leading=13, spaceAfter=8)
    cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
    story = []
    width = A4[0] - 40 * mm
    for block in blocks:
        if isinstance(block, Paragraph):
            text = f"{block.number}&nbsp;&nbsp;{escape(block.text)}" if block.number else escape(block.text)
            story.append(P(text, body))
            continue
        columns = max(len(r) for r in block.rows)
        rows = [[P(escape(c), cell) for c in r + [""] * (columns - len(r))] for r in block.rows]
        heads = _header_rows(block)
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                 ("BACKGROUND", (0, 0), (-1, heads - 1), colors.HexColor("#d9d9d9")),
                 ("VALIGN", (0, 0), (-1, -1), "TOP")]
        for i in _section_rows(block):
            last = max(j for j, c in enumerate(block.rows[i]) if c)
            style.append(("SPAN", (last + 1, i), (-1, i)))
        story += [T(rows, colWidths=[width / columns] * columns, repeatRows=heads, style=TableStyle(style)),
                  Spacer(1, 8)]

    def folio(canvas, doc):
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"Page {doc.page}")

    SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=20 * mm, bottomMargin=22 * mm).build(story, onFirstPage=folio, onLaterPages=folio)
    return out


def write_docx(blocks, out: Path) -> Path:
    """The paper as a Word document: numbered paragraphs, gridded tables with a shaded heading row
    marked to repeat, section rows merged across."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for block in blocks:
        if isinstance(block, Paragraph):
            document.add_paragraph(f"{block.number}\t{block.text}" if block.number else block.text)
            continue
        columns = max(len(r) for r in block.rows)
        table = document.add_table(rows=len(block.rows), cols=columns)
        table.style = "Table Grid"
        for i, row in enumerate(block.rows):
            for j, text in enumerate(row):
                table.cell(i, j).text = text
        heads = _header_rows(block)
        for i in range(heads):
            tr_pr = table.rows[i]._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:tblHeader"))
            for c in table.rows[i].cells:
                shade = OxmlElement("w:shd")
                shade.set(qn("w:val"), "clear")
                shade.set(qn("w:fill"), "D9D9D9")
                c._tc.get_or_add_tcPr().append(shade)
        for i in _section_rows(block):
            last = max(j for j, c in enumerate(block.rows[i]) if c)
            if last + 1 < columns - 0:
                table.cell(i, last + 1).merge(table.cell(i, columns - 1))
    document.save(str(out))
    return out
