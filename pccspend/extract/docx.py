"""Word (.docx) papers through python-docx: body paragraphs and tables in reading order."""

from __future__ import annotations

from pathlib import Path

from pccspend.extract.model import Document, NotExtractable, Paragraph, Table, cell_paragraphs


def read_docx(path: Path) -> Document:
    """A .docx file's paragraphs and tables; Word has no pages, so locators name no page. A
    paragraph Word numbers itself (numPr) gets the number Word prints, as if typed."""
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    from pccspend.extract.numbering import Numbering

    try:
        document = docx.Document(str(path))
    except Exception:  # a broken zip, or a zip that is not a Word document (PackageNotFoundError)
        raise NotExtractable("not a readable Word (.docx) file") from None
    numbering = Numbering(document)
    blocks: list[Paragraph | Table] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = DocxParagraph(element, document)
            text = paragraph.text
            label = numbering.label(paragraph)  # Word counts an empty numbered paragraph too
            if text.strip():
                blocks.append(Paragraph.of(f"{label} {text}" if label else text))
        elif tag == "tbl":
            rows = [_cells(row) for row in DocxTable(element, document).rows]
            if rows:
                blocks.append(Table(rows))
    if not blocks:
        raise NotExtractable("the Word document has no text")
    return Document(path.name, "docx", blocks)


def _cells(row) -> list[str]:
    """A row's cell texts. A cell merged across columns gives its text once, in its first column,
    as a PDF shows it; one merged down over rows (vMerge) gives it in every row it spans."""
    seen: set[int] = set()
    out = []
    for cell in row.cells:
        key = id(cell._tc)
        out.append("" if key in seen else cell_paragraphs([p.text for p in cell.paragraphs]))
        seen.add(key)
    return out
