"""Board papers made for the extraction tests, laid out as real papers are: A4, numbered paragraphs,
ruled tables with a shaded header row repeated over a page break, wrapped cells, merged cells,
page numbers; as a born-digital PDF (reportlab) and as Word (python-docx, its numbering Word's own).

The papers measured are tests/paper_layouts.py, typed by hand from the seed papers; `blocks_of`
(our own reading of a seed's text) is kept for the benchmark, which wants many pages of them."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

try:  # imported as `papers` by the tests, as `tests.papers` by the benchmark
    from paper_layouts import LEFT, PAGE, UP, Grid, Layout, Para
    from papers_docx import add_numbering, number_paragraph, page_number_footer, repeat_and_shade
except ImportError:
    from tests.paper_layouts import LEFT, PAGE, UP, Grid, Layout, Para
    from tests.papers_docx import add_numbering, number_paragraph, page_number_footer, repeat_and_shade
from pccspend.extract.model import Paragraph, Table
from pccspend.extract.text import parse_text

PAPERS = Path(__file__).parent / "fixtures" / "papers"
SHADE, SECTION_SHADE = "D9D9D9", "F2F2F2"


def blocks_of(paper: Path) -> list[Paragraph | Table]:
    """A seed paper's paragraphs and tables, read from its text."""
    return parse_text(paper.read_text(encoding="utf-8"), paper.name).blocks


def layout_of(blocks: list[Paragraph | Table], name: str = "paper") -> Layout:
    """Parsed blocks as a layout (numbers typed, equal columns), for papers with no hand-made one."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            heading = block.number is not None and "." not in block.number
            out.append(Para(block.text, block.number, "heading" if heading else "body"))
            continue
        columns = max(len(r) for r in block.rows)
        rows = [r + [""] * (columns - len(r)) for r in block.rows]
        heads = next((i + 1 for i, r in enumerate(rows[:3]) if sum(bool(c) for c in r) >= 2), 1)
        for row in rows:  # a section row ("Victims | Safeguarding the vulnerable") spans the rest
            filled = [j for j, c in enumerate(row) if c]
            if columns > 2 and filled and max(filled) <= 1 and len(filled) < columns - 1:
                row[max(filled) + 1:] = [LEFT] * (columns - max(filled) - 1)
        out.append(Grid(rows[:heads], rows[heads:], [1] * columns))
    return Layout(name, out, auto_numbering=False)


def _as_layout(paper) -> Layout:
    return paper if isinstance(paper, Layout) else layout_of(paper)


def _is_section(row: list[str]) -> bool:
    return len(row) > 2 and row[0] and all(c == LEFT for c in row[1:])


def _spans(rows: list[list[str]], offset: int) -> list[tuple]:
    """reportlab SPAN commands for "^" (merged down) and "<" (merged across) cells."""
    out = []
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell not in (UP, LEFT) and (j + 1 < len(row) and row[j + 1] == LEFT):
                end = j + 1
                while end + 1 < len(row) and row[end + 1] == LEFT:
                    end += 1
                out.append(("SPAN", (j, i + offset), (end, i + offset)))
            if cell not in (UP, LEFT) and i + 1 < len(rows) and rows[i + 1][j] == UP:
                end = i + 1
                while end + 1 < len(rows) and rows[end + 1][j] == UP:
                    end += 1
                out.append(("SPAN", (j, i + offset), (j, end + offset)))
    return out


def write_pdf(paper, out: Path) -> Path:
    """The paper as an A4 PDF with page numbers; `paper` is a Layout or parsed blocks."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import Table as T

    base = getSampleStyleSheet()["BodyText"]
    styles = {"body": base.clone("body", fontSize=10, leading=13, spaceAfter=8),
              "small": base.clone("small", fontSize=9, leading=11, spaceAfter=4),
              "caption": base.clone("caption", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceAfter=4),
              "heading": base.clone("heading", fontName="Helvetica-Bold", fontSize=10.5, leading=14, spaceBefore=6,
                                    spaceAfter=6),
              "title": base.clone("title", fontName="Helvetica-Bold", fontSize=12, leading=15, spaceAfter=10)}
    numbered = {k: s.clone(k + "-n", leftIndent=12 * mm, bulletIndent=0) for k, s in styles.items()}
    bullet = styles["body"].clone("bullet", leftIndent=18 * mm, bulletIndent=12 * mm, spaceAfter=4)
    cell = base.clone("cell", fontSize=8.5, leading=10.5)
    bold = cell.clone("bold", fontName="Helvetica-Bold")
    width = A4[0] - 40 * mm
    story = []
    for block in _as_layout(paper).blocks:
        if block == PAGE:
            story.append(PageBreak())
        elif isinstance(block, Para):
            text = escape(block.text)
            if block.kind == "bullet":
                story.append(P(text, bullet, bulletText="•"))
            elif block.number:
                number = block.number + ("." if block.kind == "heading" or "." not in block.number else "")
                story.append(P(text, numbered[block.kind], bulletText=number))
            else:
                story.append(P(text, styles[block.kind]))
        else:
            story += [_pdf_table(block, width, cell, bold, colors, P, T, TableStyle), Spacer(1, 8)]

    def folio(canvas, doc):
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"Page {doc.page}")

    SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=20 * mm, bottomMargin=22 * mm).build(story, onFirstPage=folio, onLaterPages=folio)
    return out


def _pdf_table(grid: Grid, width, cell, bold, colors, P, T, TableStyle):
    """One Grid as a reportlab table: a cell's name in bold over its description."""
    heads = len(grid.head)
    rows = grid.head + grid.rows

    def flow(text: str, i: int, row: list[str]):
        if text in (UP, LEFT):
            return ""
        strong = i < heads or _is_section(row) or row[0].lower().startswith("total")
        name, *rest = text.split("\n")
        return [P(escape(name), bold if strong or rest else cell)] + [P(escape(r), cell) for r in rest]

    data = [[flow(c, i, r) for c in r] for i, r in enumerate(rows)]
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), *_spans(rows, 0)]
    if heads:
        style.append(("BACKGROUND", (0, 0), (-1, heads - 1), colors.HexColor("#" + SHADE)))
    style += [("BACKGROUND", (0, i), (-1, i), colors.HexColor("#" + SECTION_SHADE))
              for i, r in enumerate(rows) if _is_section(r)]
    if grid.ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    elif heads:
        style.append(("LINEBELOW", (0, heads - 1), (-1, heads - 1), 0.75, colors.black))
    total = sum(grid.widths)
    return T(data, colWidths=[width * w / total for w in grid.widths], repeatRows=heads, style=TableStyle(style))


def write_docx(paper, out: Path) -> Path:
    """The paper as a Word document: Word's own numbering (or typed numbers), tables with a shaded
    heading row marked to repeat, merged cells, a page number in the footer."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm, Pt

    layout = _as_layout(paper)
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    page_number_footer(section)
    lists = add_numbering(document) if layout.auto_numbering else None
    for block in layout.blocks:
        if block == PAGE:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, Para):
            paragraph = document.add_paragraph()
            if lists is not None and (block.number or block.kind == "bullet"):
                number_paragraph(paragraph, lists, block)
                text = block.text
            elif block.kind == "bullet":
                text = f"• {block.text}"
            else:
                text = f"{block.number}{'.' if '.' not in block.number else ''}\t{block.text}" if block.number \
                    else block.text
            run = paragraph.add_run(text)
            run.bold = block.kind in ("heading", "title", "caption")
            if block.kind == "small":
                run.font.size = Pt(9)
        else:
            _docx_table(document, block)
    document.save(str(out))
    return out


def _docx_table(document, grid: Grid) -> None:
    rows = grid.head + grid.rows
    columns = len(grid.widths)
    table = document.add_table(rows=len(rows), cols=columns)
    if grid.ruled:
        table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            if text in (UP, LEFT):
                continue
            name, *rest = text.split("\n")
            target = table.cell(i, j)
            target.paragraphs[0].add_run(name).bold = bool(rest) or i < len(grid.head) or _is_section(row)
            for line in rest:
                target.add_paragraph(line)
        if _is_section(row):
            repeat_and_shade(table.rows[i], SECTION_SHADE, repeat=False)
    for i in range(len(grid.head)):
        repeat_and_shade(table.rows[i], SHADE, repeat=True)
    for i, row in enumerate(rows):  # merge last: a merged cell's text stays where it was typed
        for j, text in enumerate(row):
            if text == LEFT:
                start = j
                while row[start] == LEFT:
                    start -= 1
                table.cell(i, start).merge(table.cell(i, j))
            elif text == UP:
                start = i
                while rows[start][j] == UP:
                    start -= 1
                table.cell(start, j).merge(table.cell(i, j))
